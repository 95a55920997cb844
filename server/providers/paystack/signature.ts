// Paystack signs each delivery with x-paystack-signature: the hex HMAC-SHA512 of the raw body under the secret
// key. Checked over the exact bytes, in constant time, before anything of the body is read. The signature
// authenticates the sender; it never makes the body's claims true (the API is re-read for those).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

export const SIGNATURE_HEADER = 'x-paystack-signature';

export function signBody(secretKey: string, rawBody: Buffer | string): string {
  return createHmac('sha512', secretKey).update(rawBody).digest('hex');
}

export function verifySignature(secretKey: string, rawBody: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string' || !/^[0-9a-fA-F]{128}$/.test(header)) return false;
  const expected = createHmac('sha512', secretKey).update(rawBody).digest();
  return timingSafeEqual(expected, Buffer.from(header, 'hex'));
}

/** Whether the sender's address is allowed: any, when no list is configured. IPv4-mapped IPv6 addresses
 *  (::ffff:a.b.c.d, as Node reports IPv4 peers on a dual-stack socket) count as their IPv4 form. */
export function sourceAllowed(allowed: readonly string[], remoteAddress: string): boolean {
  if (allowed.length === 0) return true;
  const address = remoteAddress.startsWith('::ffff:') && isIP(remoteAddress.slice(7)) === 4 ? remoteAddress.slice(7) : remoteAddress;
  return allowed.includes(address);
}
