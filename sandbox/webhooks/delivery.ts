// At-least-once delivery as PayPal does it: every listener subscribed to an event's type gets the event's
// exact body, each attempt freshly signed; a non-2xx answer, a connection error or a timeout is retried on
// the configured schedule until the first 2xx. Faults (duplicates, disorder, failures, delay) apply on demand
// through the shared delivery work (delivery-work.ts).
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { WebhookEvent, WebhookListener } from '../model';
import { DeliveryWork } from './delivery-work';
import { ALL_EVENTS } from './event-types';
import type { DeliveryFaults } from './faults';
import type { AttemptOutcome } from './listener-client';
import { DeliveryClosedError } from './scheduler';
import type { SignedFields, TransmissionSigner } from './signer';

export { NotSettledError } from './delivery-work';

export class Delivery {
  private faults: DeliveryFaults = {};
  private readonly work: DeliveryWork;

  constructor(
    private readonly ctx: SandboxContext,
    private readonly signer: TransmissionSigner,
  ) {
    this.work = new DeliveryWork(ctx.options.deliveryTimeoutMs);
  }

  currentFaults(): DeliveryFaults {
    return this.faults;
  }

  /** Applies to deliveries that start from now on; turning shuffling off releases what it holds. */
  setFaults(faults: DeliveryFaults): void {
    this.faults = faults;
    if (!faults.shuffle) this.work.flush();
  }

  /** Delivers to the listeners subscribed to the event's type, or to exactly `webhookIds` when given. */
  deliver(event: WebhookEvent, webhookIds?: readonly string[]): void {
    if (this.work.isClosed) return;
    const listeners = webhookIds
      ? webhookIds.flatMap((id) => this.ctx.state.webhooks.get(id) ?? [])
      : [...this.ctx.state.webhooks.values()].filter((l) => subscribes(l, event.eventType));
    const body = Buffer.from(event.body, 'utf8');
    const faults = this.faults;
    for (const listener of listeners) this.work.run(faults, () => this.attempts(event, body, listener.id, faults));
  }

  /** Releases every delivery held for shuffling, in random order. */
  flush(): void {
    this.work.flush();
  }

  /** Resolves once nothing is queued, held, in flight or waiting for a retry; rejects after `timeoutMs`. */
  settle(timeoutMs: number): Promise<void> {
    return this.work.settle(timeoutMs);
  }

  close(): Promise<void> {
    return this.work.close();
  }

  private async attempts(event: WebhookEvent, body: Buffer, webhookId: string, faults: DeliveryFaults): Promise<void> {
    const retryDelays = this.ctx.options.retryDelaysMs;
    for (let attempt = 1; attempt <= retryDelays.length + 1; attempt++) {
      if (attempt > 1) await this.work.scheduler.sleep(retryDelays[attempt - 2] ?? 0);
      if (faults.delayMs) await this.work.scheduler.sleep(faults.delayMs);
      // Looked up afresh: a listener deleted meanwhile gets nothing more, a re-pointed one its new URL.
      const listener = this.ctx.state.webhooks.get(webhookId);
      if (!listener) return;
      if (await this.attempt(event, body, listener, attempt, attempt <= (faults.failFirst ?? 0))) return;
    }
  }

  private async attempt(
    event: WebhookEvent,
    body: Buffer,
    listener: WebhookListener,
    attempt: number,
    injectFailure: boolean,
  ): Promise<boolean> {
    const { fields, outcome } = await this.work.scheduler.inTurn(() => this.send(body, listener, injectFailure));
    if (this.work.isClosed) throw new DeliveryClosedError();
    event.transmissions.push({
      transmissionId: fields.transmissionId,
      webhookId: listener.id,
      url: listener.url,
      time: fields.transmissionTime,
      attempt,
      ...outcome,
    });
    return isSuccess(outcome.statusCode);
  }

  /** Signs at the moment of sending, so the transmission time is when the request really leaves. */
  private async send(
    body: Buffer,
    listener: WebhookListener,
    injectFailure: boolean,
  ): Promise<{ fields: SignedFields; outcome: AttemptOutcome }> {
    const fields: SignedFields = {
      transmissionId: ids.transmission(this.ctx.clock.now()),
      transmissionTime: this.ctx.isoNow(),
      webhookId: listener.id,
    };
    if (injectFailure) return { fields, outcome: { error: 'INJECTED_FAILURE' } };
    const headers = await this.signer.headers(fields, body, ids.debug());
    return { fields, outcome: await this.work.client.post(listener.url, headers, body) };
  }
}

function subscribes(listener: WebhookListener, eventType: string): boolean {
  return listener.eventTypes.includes(eventType) || listener.eventTypes.includes(ALL_EVENTS);
}

export function isSuccess(statusCode: number | undefined): boolean {
  return statusCode !== undefined && statusCode >= 200 && statusCode < 300;
}
