// Paystack's webhook signature: `x-paystack-signature` is the hex HMAC-SHA512 of the raw request body under the
// integration's secret key (https://paystack.com/docs/payments/webhooks/).
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-paystack-signature';

export function paystackSignature(secretKey: string, body: Buffer | string): string {
  return createHmac('sha512', secretKey).update(body).digest('hex');
}

export function verifyPaystackSignature(secretKey: string, body: Buffer | string, signature: string): boolean {
  const expected = Buffer.from(paystackSignature(secretKey, body), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}
