// POST /v1/webhooks/paypal. In order: a fresh transmission time, then the signature, before anything of the body
// is read; then the body becomes a trigger (ids only); our records say whether it is about anything of ours; for
// what is, PayPal's API is read and judged against our checkout; the confirmed events are applied and the event
// claimed in the inbox in one transaction. A signed body whose claim the API does not bear out changes nothing
// but a counter, a log line and an audit row, and is answered 200 (PayPal must not keep retrying a lie). Nothing
// of the body is ever stored or logged.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { CheckoutService } from '../checkouts/service';
import { ApiError } from '../http/api-error';
import type { Metrics } from '../observability/metrics';
import { isPayPalApiError } from '../providers/paypal/errors';
import type { PayPalVerification, RequestHeaders } from '../providers/paypal/signature';
import { readDelivery } from '../providers/paypal/read-delivery';
import type { Resolution, TriggerResolver } from '../providers/paypal/resolve-trigger';
import type { NotConfirmedReason } from '../providers/paypal/to-billing-events';
import { resourceIdOf, type Trigger } from '../providers/paypal/translate';
import * as audit from '../store/audit';
import type { Store } from '../store/database';
import * as inbox from '../store/inbox';
import type { InboxEntry } from '../store/inbox';
import { RefConflictError } from '../store/provider-refs';
import { checkFreshness } from './freshness';

export interface WebhookVerifier {
  verify(delivery: { headers: RequestHeaders; rawBody: Buffer }): Promise<PayPalVerification>;
}

export interface PayPalWebhookDeps {
  verifier: WebhookVerifier;
  resolver: TriggerResolver;
  checkouts: CheckoutService;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  /** How far a transmission time may be from our clock, either way. */
  freshnessMs: number;
}

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unmatched' | 'not_confirmed' | 'unreadable';

const PROVIDER = 'paypal';
/** The audit actor for what the money path refused. */
const ACTOR = 'paypal-webhook';

export class PayPalWebhook {
  constructor(private readonly deps: PayPalWebhookDeps) {}

  async handle(headers: RequestHeaders, rawBody: Buffer | undefined): Promise<{ outcome: WebhookOutcome }> {
    const outcome = await this.process(headers, rawBody).catch((error: unknown) => {
      const code = error instanceof ApiError ? error.code : 'internal';
      this.deps.metrics.inc('hardbound_webhooks_total', { provider: PROVIDER, outcome: code });
      throw error;
    });
    this.deps.metrics.inc('hardbound_webhooks_total', { provider: PROVIDER, outcome });
    return { outcome };
  }

  private async process(headers: RequestHeaders, rawBody: Buffer | undefined): Promise<WebhookOutcome> {
    if (!rawBody || rawBody.length === 0) throw new ApiError(400, 'bad_request', 'The webhook body is empty.');
    // A captured delivery must not stay usable: each PayPal transmission (retries too) is signed afresh.
    const stale = checkFreshness(headers['paypal-transmission-time'], this.deps.clock.now(), this.deps.freshnessMs);
    if (stale) {
      this.deps.log.warn({ provider: PROVIDER, code: stale.code }, 'webhook rejected: transmission time outside the window');
      throw stale;
    }
    const verdict = await this.deps.verifier.verify({ headers, rawBody }).catch((error: unknown) => {
      if (isPayPalApiError(error)) throw new ApiError(503, 'provider_unavailable', 'PayPal could not be reached to verify the signature; deliver again later.');
      throw error;
    });
    if (!verdict.ok) {
      this.deps.log.warn({ provider: PROVIDER, code: verdict.code }, 'webhook rejected: signature not verified');
      if (verdict.code === 'cert_url_not_allowed') throw new ApiError(401, 'cert_url_not_allowed', 'The certificate URL is not an allowed PayPal host.');
      if (verdict.code === 'cert_fetch_busy') throw new ApiError(503, 'cert_fetch_busy', 'The signing certificate cannot be fetched right now; deliver again later.');
      throw new ApiError(401, 'bad_signature', 'The webhook signature does not verify.');
    }
    // The offline verifier's worker reads the body right after checking its signature; otherwise it is read here.
    const delivery = verdict.reading ?? readDelivery(rawBody);
    if (delivery.kind === 'invalid_json') throw new ApiError(400, 'invalid_json', 'The webhook body is not valid JSON.');
    const reading = delivery.reading;
    const now = this.deps.clock.now();
    switch (reading.kind) {
      case 'invalid':
        this.deps.log.warn({ provider: PROVIDER, reason: reading.reason }, 'webhook rejected: not a PayPal event');
        throw new ApiError(400, 'bad_request', `The webhook body is not a PayPal event (${reading.reason}).`);
      case 'ignored': {
        const recorded = await this.record({ eventId: reading.eventId, eventType: reading.eventType, resourceId: null, outcome: 'ignored', receivedAt: now });
        return recorded === 'duplicate' ? 'duplicate' : 'ignored';
      }
      case 'unreadable': {
        // Signed by PayPal but not in a shape we can read: kept for support and ops (type and reason, never the
        // body) and acknowledged, since PayPal's retries would bring the same bytes for three days.
        this.deps.log.warn({ provider: PROVIDER, eventId: reading.eventId, eventType: reading.eventType, reason: reading.reason }, 'webhook unreadable; recorded and acknowledged');
        const recorded = await this.record({
          eventId: reading.eventId, eventType: reading.eventType, resourceId: reading.resourceId, outcome: 'unreadable', reason: reading.reason, receivedAt: now,
        });
        return recorded === 'duplicate' ? 'duplicate' : 'unreadable';
      }
      case 'trigger':
        return this.act(reading.trigger, reading.eventType, now);
    }
  }

  private async act(trigger: Trigger, eventType: string, now: number): Promise<WebhookOutcome> {
    const entry = (outcome: 'applied' | 'unmatched'): InboxEntry => ({
      provider: PROVIDER, eventId: trigger.eventId, eventType, resourceId: resourceIdOf(trigger), outcome, receivedAt: now,
    });
    const route = await this.deps.resolver.route(trigger);
    if (route === null) {
      // Nothing of ours: recording it is an insert that tells a redelivery apart by itself.
      return (await this.deps.store.groupCommit((trx) => inbox.record(trx, entry('unmatched')))) === 'duplicate' ? 'duplicate' : 'unmatched';
    }
    // Whatever goes on to ask PayPal's API first looks in the inbox, so that a redelivery costs no API call (a
    // copy racing this one is still caught by the inbox insert).
    const seen = await inbox.get(this.deps.store.db, { provider: PROVIDER, eventId: trigger.eventId, eventType, resourceId: resourceIdOf(trigger) });
    if (seen?.outcome === 'applied') return 'duplicate';
    let resolution: Resolution;
    try {
      resolution = await this.deps.resolver.confirm(trigger, route);
    } catch (error) {
      if (isPayPalApiError(error)) {
        this.deps.log.warn({ provider: PROVIDER, code: error.code, detail: error.detail }, 'PayPal API call failed; PayPal will redeliver');
        throw new ApiError(503, 'provider_unavailable', 'PayPal could not be reached to confirm the event; deliver again later.');
      }
      throw error;
    }
    try {
      switch (resolution.kind) {
        case 'unmatched':
          return (await this.deps.store.groupCommit((trx) => inbox.record(trx, entry('unmatched')))) === 'duplicate' ? 'duplicate' : 'unmatched';
        case 'not_confirmed':
          return await this.notConfirmed(trigger, eventType, resolution.reason, resolution.checkoutId);
        case 'settle': {
          // The buyer approved but no return reached us (window closed, crash): capture now.
          const checkout = await this.deps.checkouts.find(resolution.checkoutId);
          if (checkout.status === 'completed' || checkout.status === 'failed') return 'duplicate';
          const after = await this.deps.checkouts.settle(checkout, 'provider', entry('applied'));
          // Still unsettled: PayPal does not show the order approved (a mismatch was audited by settle itself).
          if (after.status === checkout.status) return this.notConfirmed(trigger, eventType, 'not_confirmed', checkout.id);
          return 'applied';
        }
        case 'apply': {
          const applied = await this.deps.checkouts.applyAll(resolution.applications, 'provider', entry('applied'));
          return applied.duplicate ? 'duplicate' : 'applied';
        }
      }
    } catch (error) {
      if (error instanceof RefConflictError) return this.notConfirmed(trigger, eventType, 'ref_conflict', null);
      if (isPayPalApiError(error)) throw new ApiError(503, 'provider_unavailable', 'PayPal could not be reached to confirm the event; deliver again later.');
      throw error;
    }
  }

  /** Nothing is applied: a signed event whose claim the API does not bear out is answered 2xx, counted, logged
   *  and audited for support (the event type and ids, never the body). */
  private async notConfirmed(trigger: Trigger, eventType: string, reason: NotConfirmedReason, checkoutId: string | null): Promise<WebhookOutcome> {
    const resourceId = resourceIdOf(trigger);
    this.deps.metrics.inc('hardbound_webhooks_not_confirmed_total', { provider: PROVIDER, reason });
    this.deps.log.warn({ provider: PROVIDER, eventId: trigger.eventId, eventType, reason, checkoutId }, 'webhook not borne out by the PayPal API; nothing applied');
    const checkout = checkoutId ? await this.deps.checkouts.find(checkoutId).catch(() => null) : null;
    await audit.append(this.deps.store.db, {
      at: this.deps.clock.now(),
      actor: ACTOR,
      action: 'webhook-not-confirmed',
      target: checkout?.licenseId ?? checkoutId ?? resourceId,
      reason,
      detail: { provider: PROVIDER, eventId: trigger.eventId, eventType, resourceId, ...(checkoutId ? { checkoutId } : {}) },
    });
    return 'not_confirmed';
  }

  private record(entry: Omit<InboxEntry, 'provider'>): Promise<'recorded' | 'duplicate'> {
    return this.deps.store.groupCommit((trx) => inbox.record(trx, { provider: PROVIDER, ...entry }));
  }
}
