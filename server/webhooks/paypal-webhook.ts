// POST /v1/webhooks/paypal: verify before parsing, translate the whitelisted fields, ask PayPal's API for
// the truth, then claim the event in the inbox and apply it in one transaction. Nothing of the body is
// stored or logged; a rejected delivery leaves only a counter and a log line.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { CheckoutService } from '../checkouts/service';
import { ApiError } from '../http/api-error';
import { isCheckoutId } from '../ids';
import type { Metrics } from '../observability/metrics';
import type { PayPalCheckoutProvider } from '../providers/paypal/checkout-provider';
import { truthEventId } from '../providers/paypal/checkout-provider';
import { isPayPalApiError } from '../providers/paypal/errors';
import { fetchTruth, type TruthSource } from '../providers/paypal/fetch-truth';
import type { PayPalVerification, RequestHeaders } from '../providers/paypal/signature';
import { readDelivery } from '../providers/paypal/read-delivery';
import { matchesCheckout, toBillingEvents, type ActionableReference, type ProviderTruth } from '../providers/paypal/translate';
import type { BillingEvent } from '../billing/events';
import * as checkouts from '../store/checkouts';
import type { Store } from '../store/database';
import * as inbox from '../store/inbox';
import * as providerRefs from '../store/provider-refs';

export interface WebhookVerifier {
  verify(delivery: { headers: RequestHeaders; rawBody: Buffer }): Promise<PayPalVerification>;
}

export interface PayPalWebhookDeps {
  verifier: WebhookVerifier;
  truth: TruthSource;
  provider: PayPalCheckoutProvider;
  checkouts: CheckoutService;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unmatched' | 'not_confirmed';

const PROVIDER = 'paypal';

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
    const reading = verdict.reading ?? readDelivery(rawBody);
    if (reading.kind === 'invalid_json') throw new ApiError(400, 'invalid_json', 'The webhook body is not valid JSON.');
    const { reference, eventId, eventType } = reading;
    if (reference.kind === 'invalid') {
      this.deps.log.warn({ provider: PROVIDER, reason: reference.reason }, 'webhook rejected: unexpected shape');
      throw new ApiError(400, 'bad_request', `The webhook event is not in PayPal's shape (${reference.reason}).`);
    }
    const now = this.deps.clock.now();
    if (reference.kind === 'ignored') {
      if (!eventId) throw new ApiError(400, 'bad_request', 'The webhook event has no id.');
      const recorded = await this.deps.store.groupCommit((trx) => inbox.record(trx, {
        provider: PROVIDER, eventId, eventType: reference.eventType, resourceId: null, outcome: 'ignored', receivedAt: now,
      }));
      return recorded === 'duplicate' ? 'duplicate' : 'ignored';
    }
    return this.apply(reference, eventType, now);
  }

  private async apply(reference: ActionableReference, eventType: string, now: number): Promise<WebhookOutcome> {
    const entry = (outcome: 'applied' | 'unmatched') => ({
      provider: PROVIDER, eventId: reference.eventId, eventType, resourceId: resourceIdOf(reference), outcome, receivedAt: now,
    });
    let checkoutId = await this.checkoutFor(reference);
    // Whatever goes on to ask PayPal's API first looks in the inbox, so that a redelivery costs no API call (a
    // copy racing this one is still caught by the inbox insert). Events that are not ours skip the look-up:
    // recording them is an insert that tells a redelivery apart by itself.
    const asksPayPal = checkoutId !== null || reference.kind === 'refund' || reference.kind === 'reversal';
    if (asksPayPal && (await inbox.get(this.deps.store.db, PROVIDER, reference.eventId))) return 'duplicate';
    checkoutId ??= await this.checkoutOfRefunded(reference);
    if (!checkoutId) {
      const recorded = await this.deps.store.groupCommit((trx) => inbox.record(trx, entry('unmatched')));
      return recorded === 'duplicate' ? 'duplicate' : 'unmatched';
    }
    try {
      if (reference.kind === 'order-approved') {
        // The buyer approved but no return reached us (window closed, crash): capture now.
        const checkout = await this.deps.checkouts.find(checkoutId);
        const after = await this.deps.checkouts.settle(checkout, 'provider', entry('applied'));
        return after.status === checkout.status ? 'not_confirmed' : 'applied';
      }
      const truth = await fetchTruth(this.deps.truth, reference);
      if (reference.kind === 'capture' && truth.capture) {
        const checkout = await this.deps.checkouts.find(checkoutId);
        const match = matchesCheckout(truth.capture, checkout);
        if (!match.ok && match.reason !== 'status_not_completed') return this.notConfirmed(reference, match.reason);
      }
      const result = toBillingEvents(reference, truth);
      if (!result.ok) return this.notConfirmed(reference, result.reason);
      const refs = refsOf(reference);
      const applied = await this.deps.checkouts.applyEvents(checkoutId, result.events.map(sameOnEveryRoad), refs, 'provider', entry('applied'));
      return applied.duplicate ? 'duplicate' : 'applied';
    } catch (error) {
      if (isPayPalApiError(error, 'not_found')) return this.notConfirmed(reference, 'not_found');
      if (isPayPalApiError(error)) {
        this.deps.log.warn({ provider: PROVIDER, code: error.code, detail: error.detail }, 'PayPal API call failed; PayPal will redeliver');
        throw new ApiError(503, 'provider_unavailable', 'PayPal could not be reached to confirm the event; deliver again later.');
      }
      throw error;
    }
  }

  /** Nothing is written: a genuine event whose claim the API does not bear out is answered (2xx) and logged. */
  private notConfirmed(reference: ActionableReference, reason: string): WebhookOutcome {
    this.deps.log.warn({ provider: PROVIDER, eventId: reference.eventId, kind: reference.kind, reason }, 'webhook not borne out by the PayPal API; nothing applied');
    return 'not_confirmed';
  }

  /** A refund can arrive before the payment it returns was ever recorded here (the capture's answer was lost, its
   *  completion is still on the way): PayPal's record of that payment names the order or subscription we started. */
  private async checkoutOfRefunded(reference: ActionableReference): Promise<string | null> {
    if (reference.kind !== 'refund' && reference.kind !== 'reversal') return null;
    const truth = await fetchTruth(this.deps.truth, reference).catch((error: unknown): ProviderTruth => {
      if (isPayPalApiError(error, 'not_found')) return {};
      if (isPayPalApiError(error)) throw new ApiError(503, 'provider_unavailable', 'PayPal could not be reached to confirm the event; deliver again later.');
      throw error;
    });
    const parent = truth.capture?.orderId ?? truth.sale?.billingAgreementId;
    const found = parent ? await providerRefs.find(this.deps.store.db, PROVIDER, parent) : undefined;
    return found?.checkoutId ?? null;
  }

  /** Our checkout: by the custom_id PayPal echoes, else by any provider id we recorded. */
  private async checkoutFor(reference: ActionableReference): Promise<string | null> {
    const db = this.deps.store.db;
    if ((reference.kind === 'order-approved' || reference.kind === 'capture' || reference.kind === 'subscription') && reference.checkoutId && isCheckoutId(reference.checkoutId)) {
      if (await checkouts.get(db, reference.checkoutId)) return reference.checkoutId;
    }
    const candidates: string[] = [];
    switch (reference.kind) {
      case 'order-approved': candidates.push(reference.orderId); break;
      case 'capture': candidates.push(reference.captureId, ...(reference.orderId ? [reference.orderId] : [])); break;
      case 'refund': case 'reversal': candidates.push(reference.captureId); break;
      case 'subscription': candidates.push(reference.subscriptionId); break;
      case 'sale': candidates.push(reference.saleId, reference.subscriptionId); break;
      case 'dispute': candidates.push(...reference.transactionIds); break;
    }
    for (const ref of candidates) {
      const found = await providerRefs.find(db, PROVIDER, ref);
      if (found?.checkoutId) return found.checkoutId;
    }
    return null;
  }
}

function resourceIdOf(reference: ActionableReference): string {
  switch (reference.kind) {
    case 'order-approved': return reference.orderId;
    case 'capture': return reference.captureId;
    case 'refund': case 'reversal': return reference.refundId;
    case 'subscription': return reference.subscriptionId;
    case 'sale': return reference.saleId;
    case 'dispute': return reference.disputeId;
  }
}

function refsOf(reference: ActionableReference) {
  const p = PROVIDER;
  switch (reference.kind) {
    case 'order-approved': return [{ provider: p, ref: reference.orderId, kind: 'order' as const }];
    case 'capture': return [{ provider: p, ref: reference.captureId, kind: 'capture' as const }];
    case 'refund': case 'reversal': return [{ provider: p, ref: reference.refundId, kind: 'refund' as const }];
    case 'subscription': return [{ provider: p, ref: reference.subscriptionId, kind: 'subscription' as const }];
    case 'sale': return [{ provider: p, ref: reference.saleId, kind: 'sale' as const }];
    case 'dispute': return [{ provider: p, ref: reference.disputeId, kind: 'dispute' as const }];
  }
}

/** A capture's outcome, or a subscription's activation, is one fact however it reached us (app return,
 *  return page, webhook): the same event id on every road makes the second road a no-op. */
function sameOnEveryRoad(event: BillingEvent): BillingEvent {
  if (event.type === 'payment.completed' || event.type === 'payment.pending' || (event.type === 'payment.failed' && event.transactionId)) {
    return { ...event, id: truthEventId(event.type, event.transactionId ?? '') };
  }
  if (event.type === 'subscription.activated') return { ...event, id: truthEventId(event.type, event.subscriptionId) };
  return event;
}
