// POST /v1/webhooks/:provider — the one webhook pipeline every provider plugs into (its WebhookPort). In order:
// the provider checks the delivery (freshness, sender, signature) before anything of the body is read, and reads
// it into a trigger (ids only); our records say whether it is about anything of ours; for what is, the provider's
// API is read and judged against our checkout; the confirmed events are applied and the event claimed in the
// inbox in one transaction, and only then answered 2xx. A signed body whose claim the API does not bear out
// changes nothing but a counter, a log line and an audit row, and is answered 200 (the provider must not keep
// retrying a lie). Nothing of the body is ever stored or logged.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { CheckoutService } from '../checkouts/service';
import { ApiError } from '../http/api-error';
import type { Metrics } from '../observability/metrics';
import { isProviderError } from '../providers/errors';
import type { Delivery, NotConfirmedReason, PaymentProvider, Resolution, WebhookPort } from '../providers/port';
import * as audit from '../store/audit';
import type { Store } from '../store/database';
import * as inbox from '../store/inbox';
import type { InboxEntry } from '../store/inbox';
import { RefConflictError } from '../store/provider-refs';

export interface WebhookPipelineDeps {
  checkouts: CheckoutService;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
}

export type WebhookOutcome = 'applied' | 'duplicate' | 'ignored' | 'unmatched' | 'not_confirmed' | 'unreadable';

interface Event {
  eventId: string;
  eventType: string;
  resourceId: string;
}

/** One provider's deliveries through the generic steps. */
export class WebhookPipeline {
  private readonly port: WebhookPort;
  private readonly name: string;
  private readonly displayName: string;
  /** The audit actor for what the money path refused, e.g. "paypal-webhook". */
  private readonly actor: string;

  constructor(provider: Pick<PaymentProvider, 'name' | 'displayName' | 'webhook'>, private readonly deps: WebhookPipelineDeps) {
    this.port = provider.webhook;
    this.name = provider.name;
    this.displayName = provider.displayName;
    this.actor = `${provider.name}-webhook`;
  }

  async handle(delivery: Omit<Delivery, 'rawBody'> & { rawBody: Buffer | undefined }): Promise<{ outcome: WebhookOutcome }> {
    const outcome = await this.process(delivery).catch((error: unknown) => {
      const code = error instanceof ApiError ? error.code : 'internal';
      this.deps.metrics.inc('hardbound_webhooks_total', { provider: this.name, outcome: code });
      throw error;
    });
    this.deps.metrics.inc('hardbound_webhooks_total', { provider: this.name, outcome });
    return { outcome };
  }

  private unavailable(what: string): ApiError {
    return new ApiError(503, 'provider_unavailable', `${this.displayName} could not be reached to ${what}; deliver again later.`);
  }

  private async process(delivery: Omit<Delivery, 'rawBody'> & { rawBody: Buffer | undefined }): Promise<WebhookOutcome> {
    const { rawBody } = delivery;
    if (!rawBody || rawBody.length === 0) throw new ApiError(400, 'bad_request', 'The webhook body is empty.');
    const verdict = await this.port.receive({ ...delivery, rawBody }).catch((error: unknown) => {
      if (isProviderError(error)) throw this.unavailable('verify the signature');
      throw error;
    });
    if (!verdict.ok) {
      const { status, code, message } = verdict.refusal;
      this.deps.log.warn({ provider: this.name, code }, 'webhook rejected before its body was read');
      throw new ApiError(status, code, message);
    }
    const reading = verdict.reading;
    const now = this.deps.clock.now();
    switch (reading.kind) {
      case 'invalid':
        this.deps.log.warn({ provider: this.name, reason: reading.reason }, `webhook rejected: not a ${this.displayName} event`);
        throw new ApiError(400, 'bad_request', `The webhook body is not a ${this.displayName} event (${reading.reason}).`);
      case 'ignored': {
        const recorded = await this.record({ eventId: reading.eventId, eventType: reading.eventType, resourceId: null, outcome: 'ignored', receivedAt: now });
        return recorded === 'duplicate' ? 'duplicate' : 'ignored';
      }
      case 'unreadable': {
        // Signed by the provider but not in a shape we can read: kept for support and ops (type and reason, never
        // the body) and acknowledged, since the provider's retries would bring the same bytes again and again.
        this.deps.log.warn({ provider: this.name, eventId: reading.eventId, eventType: reading.eventType, reason: reading.reason }, 'webhook unreadable; recorded and acknowledged');
        const recorded = await this.record({
          eventId: reading.eventId, eventType: reading.eventType, resourceId: reading.resourceId, outcome: 'unreadable', reason: reading.reason, receivedAt: now,
        });
        return recorded === 'duplicate' ? 'duplicate' : 'unreadable';
      }
      case 'trigger':
        return this.act(reading.trigger, { eventId: reading.eventId, eventType: reading.eventType, resourceId: this.port.resourceIdOf(reading.trigger) }, now);
    }
  }

  private async act(trigger: unknown, event: Event, now: number): Promise<WebhookOutcome> {
    const entry = (outcome: 'applied' | 'unmatched'): InboxEntry => ({ provider: this.name, ...event, outcome, receivedAt: now });
    const route = await this.port.route(trigger);
    if (route === null) {
      // Nothing of ours: recording it is an insert that tells a redelivery apart by itself.
      return (await this.deps.store.groupCommit((trx) => inbox.record(trx, entry('unmatched')))) === 'duplicate' ? 'duplicate' : 'unmatched';
    }
    // Whatever goes on to ask the provider's API first looks in the inbox, so that a redelivery costs no API call
    // (a copy racing this one is still caught by the inbox insert).
    const seen = await inbox.get(this.deps.store.db, { provider: this.name, eventId: event.eventId, eventType: event.eventType, resourceId: event.resourceId });
    if (seen?.outcome === 'applied') return 'duplicate';
    let resolution: Resolution;
    try {
      resolution = await this.port.confirm(trigger, route);
    } catch (error) {
      if (isProviderError(error)) {
        this.deps.log.warn({ provider: this.name, code: error.code, detail: error.detail }, 'provider API call failed; the provider will redeliver');
        throw this.unavailable('confirm the event');
      }
      throw error;
    }
    try {
      switch (resolution.kind) {
        case 'unmatched':
          return (await this.deps.store.groupCommit((trx) => inbox.record(trx, entry('unmatched')))) === 'duplicate' ? 'duplicate' : 'unmatched';
        case 'not_confirmed':
          return await this.notConfirmed(event, resolution.reason, resolution.checkoutId);
        case 'settle': {
          // The buyer approved or paid but no return reached us (window closed, crash): settle now.
          const checkout = await this.deps.checkouts.find(resolution.checkoutId);
          if (checkout.status === 'completed' || checkout.status === 'failed') return 'duplicate';
          const after = await this.deps.checkouts.settle(checkout, 'provider', entry('applied'));
          // Still unsettled: the provider does not show it paid (a mismatch was audited by settle itself).
          if (after.status === checkout.status) return this.notConfirmed(event, 'not_confirmed', checkout.id);
          return 'applied';
        }
        case 'apply': {
          const applied = await this.deps.checkouts.applyAll(resolution.applications, 'provider', entry('applied'));
          return applied.duplicate ? 'duplicate' : 'applied';
        }
      }
    } catch (error) {
      if (error instanceof RefConflictError) return this.notConfirmed(event, 'ref_conflict', null);
      if (isProviderError(error)) throw this.unavailable('confirm the event');
      throw error;
    }
  }

  /** Nothing is applied: a signed event whose claim the API does not bear out is answered 2xx, counted, logged
   *  and audited for support (the event type and ids, never the body). */
  private async notConfirmed(event: Event, reason: NotConfirmedReason, checkoutId: string | null): Promise<WebhookOutcome> {
    const { eventId, eventType, resourceId } = event;
    this.deps.metrics.inc('hardbound_webhooks_not_confirmed_total', { provider: this.name, reason });
    this.deps.log.warn({ provider: this.name, eventId, eventType, reason, checkoutId }, `webhook not borne out by the ${this.displayName} API; nothing applied`);
    const checkout = checkoutId ? await this.deps.checkouts.find(checkoutId).catch(() => null) : null;
    await audit.append(this.deps.store.db, {
      at: this.deps.clock.now(),
      actor: this.actor,
      action: 'webhook-not-confirmed',
      target: checkout?.licenseId ?? checkoutId ?? resourceId,
      reason,
      detail: { provider: this.name, eventId, eventType, resourceId, ...(checkoutId ? { checkoutId } : {}) },
    });
    return 'not_confirmed';
  }

  private record(entry: Omit<InboxEntry, 'provider'>): Promise<'recorded' | 'duplicate'> {
    return this.deps.store.groupCommit((trx) => inbox.record(trx, { provider: this.name, ...entry }));
  }
}
