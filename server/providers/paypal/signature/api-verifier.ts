// PAYPAL_VERIFY_MODE=api: ask PayPal's verify-webhook-signature API instead of checking the signature here.
// Costs one API round trip per delivery; useful where fetching certificates is not allowed.
import type { PayPalClient } from '../client';
import type { PayPalVerification } from './index';
import { readHeader, readSignatureHeaders, type RequestHeaders } from './verify';

const HEADERS = ['paypal-auth-algo', 'paypal-cert-url', 'paypal-transmission-id', 'paypal-transmission-sig', 'paypal-transmission-time'];

export class PayPalApiSignatureVerifier {
  constructor(
    private readonly client: Pick<PayPalClient, 'verifyWebhookSignature'>,
    private readonly webhookId: string,
  ) {}

  async verify(delivery: { headers: RequestHeaders; rawBody: Buffer }): Promise<PayPalVerification> {
    const signed = readSignatureHeaders(delivery.headers);
    if (!signed.ok) return signed;
    const headers: Record<string, string> = {};
    for (const name of HEADERS) {
      const value = readHeader(delivery.headers, name);
      if (value === undefined) return { ok: false, code: 'missing_header', detail: `${name} is missing, empty or repeated` };
      headers[name] = value;
    }
    const rawEvent = delivery.rawBody.toString('utf8');
    try {
      JSON.parse(rawEvent);
    } catch {
      // It has to travel inside the verify request as JSON; a body that is not JSON cannot be PayPal's.
      return { ok: false, code: 'bad_signature', detail: 'body is not JSON, so PayPal cannot have signed it' };
    }
    // A PayPalApiError (PayPal unreachable) propagates: the webhook answers 503 and PayPal redelivers.
    const ok = await this.client.verifyWebhookSignature({ headers, rawEvent, webhookId: this.webhookId });
    return ok ? { ok: true } : { ok: false, code: 'bad_signature', detail: 'PayPal answered FAILURE' };
  }
}
