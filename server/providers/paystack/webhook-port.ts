// Paystack's part of the webhook pipeline: the sender's address (when an allow-list is configured) and the
// HMAC-SHA512 signature, before anything of the body is read; then the body becomes a trigger (ids only).
import type { Delivery, Resolution, Route, Verified, WebhookPort } from '../port';
import type { PaystackResolver } from './resolve';
import { SIGNATURE_HEADER, sourceAllowed, verifySignature } from './signature';
import { resourceIdOf, translateWebhook, type Trigger } from './translate';

export interface PaystackWebhookOptions {
  secretKey: string;
  /** Addresses Paystack delivers from; empty: any. */
  allowedSources: readonly string[];
  resolver: PaystackResolver;
}

export class PaystackWebhookPort implements WebhookPort<Trigger> {
  constructor(private readonly options: PaystackWebhookOptions) {}

  async receive(delivery: Delivery): Promise<Verified<Trigger>> {
    if (!sourceAllowed(this.options.allowedSources, delivery.remoteAddress)) {
      return { ok: false, refusal: { status: 403, code: 'source_not_allowed', message: 'Paystack webhooks are taken only from the addresses in PAYSTACK_WEBHOOK_IPS.' } };
    }
    if (!verifySignature(this.options.secretKey, delivery.rawBody, delivery.headers[SIGNATURE_HEADER])) {
      return { ok: false, refusal: { status: 401, code: 'bad_signature', message: 'The webhook signature does not verify.' } };
    }
    let json: unknown;
    try {
      json = JSON.parse(delivery.rawBody.toString('utf8'));
    } catch {
      return { ok: false, refusal: { status: 400, code: 'invalid_json', message: 'The webhook body is not valid JSON.' } };
    }
    return { ok: true, reading: translateWebhook(json) };
  }

  route(trigger: Trigger): Promise<Route | null> {
    return this.options.resolver.route(trigger);
  }

  confirm(trigger: Trigger, route: Route): Promise<Resolution> {
    return this.options.resolver.confirm(trigger, route);
  }

  resourceIdOf(trigger: Trigger): string {
    return resourceIdOf(trigger);
  }
}
