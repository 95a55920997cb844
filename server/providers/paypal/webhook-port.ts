// PayPal's part of the webhook pipeline (server/webhooks/pipeline.ts): a fresh transmission time, then the
// signature (offline, or PayPal's verify API), before anything of the body is read; the body becomes a trigger
// (translate.ts, ids only), and the resolver places it in our records and confirms it against PayPal's API.
import type { Clock } from '../../../common/clock';
import type { Delivery, Resolution, Route, Verified, WebhookPort, WebhookRefusal } from '../port';
import { checkFreshness } from './freshness';
import { readDelivery } from './read-delivery';
import type { TriggerResolver } from './resolve-trigger';
import type { PayPalVerification, RequestHeaders } from './signature';
import { resourceIdOf, type Trigger } from './translate';

export interface PayPalSignatureCheck {
  verify(delivery: { headers: RequestHeaders; rawBody: Buffer }): Promise<PayPalVerification>;
}

export interface PayPalWebhookOptions {
  verifier: PayPalSignatureCheck;
  resolver: TriggerResolver;
  clock: Clock;
  /** How far a transmission time may be from our clock, either way. */
  freshnessMs: number;
}

export class PayPalWebhookPort implements WebhookPort<Trigger> {
  constructor(private readonly options: PayPalWebhookOptions) {}

  async receive(delivery: Delivery): Promise<Verified<Trigger>> {
    // A captured delivery must not stay usable: each PayPal transmission (retries too) is signed afresh.
    const stale = checkFreshness(delivery.headers['paypal-transmission-time'], this.options.clock.now(), this.options.freshnessMs);
    if (stale) return { ok: false, refusal: stale };
    const verdict = await this.options.verifier.verify(delivery);
    if (!verdict.ok) return { ok: false, refusal: refusalOf(verdict.code) };
    // The offline verifier's worker reads the body right after checking its signature; otherwise it is read here.
    const read = verdict.reading ?? readDelivery(delivery.rawBody);
    if (read.kind === 'invalid_json') return { ok: false, refusal: { status: 400, code: 'invalid_json', message: 'The webhook body is not valid JSON.' } };
    return { ok: true, reading: read.reading };
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

function refusalOf(code: string): WebhookRefusal {
  if (code === 'cert_url_not_allowed') return { status: 401, code: 'cert_url_not_allowed', message: 'The certificate URL is not an allowed PayPal host.' };
  if (code === 'cert_fetch_busy') return { status: 503, code: 'cert_fetch_busy', message: 'The signing certificate cannot be fetched right now; deliver again later.' };
  return { status: 401, code: 'bad_signature', message: 'The webhook signature does not verify.' };
}
