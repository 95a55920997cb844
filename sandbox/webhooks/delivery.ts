// At-least-once delivery as PayPal does it: every listener subscribed to an event's type gets the event's
// exact body, each attempt freshly signed; a non-2xx answer, a connection error or a timeout is retried on
// the configured schedule until the first 2xx. Faults (duplicates, disorder, failures, delay) apply on demand.
import { randomInt } from 'node:crypto';
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { WebhookEvent, WebhookListener } from '../model';
import { ALL_EVENTS } from './event-types';
import type { DeliveryFaults } from './faults';
import { ListenerClient, type AttemptOutcome } from './listener-client';
import { DeliveryClosedError, Scheduler } from './scheduler';
import type { SignedFields, TransmissionSigner } from './signer';

export class NotSettledError extends Error {
  readonly code = 'WEBHOOKS_NOT_SETTLED';
  constructor(readonly pending: number) {
    super(`${pending} webhook deliveries still pending`);
  }
}

// Attempts in flight at once; the rest wait their turn, so that a burst of thousands of events neither signs
// everything up front nor starts timeouts that run while requests wait for a socket.
const MAX_CONCURRENT_ATTEMPTS = 64;

export class Delivery {
  private faults: DeliveryFaults = {};
  private held: (() => void)[] = [];
  private shuffleTimer: NodeJS.Timeout | undefined;
  /** One entry per (event, listener) delivery until its last attempt ends; settle() waits for it to empty. */
  private readonly work = new Set<Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly client: ListenerClient;
  private readonly scheduler = new Scheduler(MAX_CONCURRENT_ATTEMPTS);

  constructor(
    private readonly ctx: SandboxContext,
    private readonly signer: TransmissionSigner,
  ) {
    this.client = new ListenerClient(ctx.options.deliveryTimeoutMs);
  }

  currentFaults(): DeliveryFaults {
    return this.faults;
  }

  /** Applies to deliveries that start from now on; turning shuffling off releases what it holds. */
  setFaults(faults: DeliveryFaults): void {
    this.faults = faults;
    if (!faults.shuffle) this.flush();
  }

  /** Delivers to the listeners subscribed to the event's type, or to exactly `webhookIds` when given. */
  deliver(event: WebhookEvent, webhookIds?: readonly string[]): void {
    if (this.scheduler.isClosed) return;
    const listeners = webhookIds
      ? webhookIds.flatMap((id) => this.ctx.state.webhooks.get(id) ?? [])
      : [...this.ctx.state.webhooks.values()].filter((l) => subscribes(l, event.eventType));
    const body = Buffer.from(event.body, 'utf8');
    for (const listener of listeners) this.track(this.deliverTo(event, body, listener.id, this.faults));
  }

  /** Releases every delivery held for shuffling, in random order. */
  flush(): void {
    clearTimeout(this.shuffleTimer);
    this.shuffleTimer = undefined;
    const released = this.held;
    this.held = [];
    for (let i = released.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [released[i], released[j]] = [released[j] as () => void, released[i] as () => void];
    }
    for (const release of released) release();
  }

  /** Resolves once nothing is queued, held, in flight or waiting for a retry; rejects after `timeoutMs`. */
  settle(timeoutMs: number): Promise<void> {
    if (this.work.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onIdle = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(onIdle);
        reject(new NotSettledError(this.work.size));
      }, timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  async close(): Promise<void> {
    this.scheduler.close();
    this.flush();
    this.client.close();
    await Promise.allSettled([...this.work]);
  }

  private track(task: Promise<void>): void {
    const tracked: Promise<void> = task
      .catch((error: unknown) => {
        if (!(error instanceof DeliveryClosedError)) throw error;
      })
      .finally(() => {
        this.work.delete(tracked);
        if (this.work.size === 0) for (const onIdle of [...this.idleWaiters]) onIdle();
      });
    this.work.add(tracked);
  }

  private async deliverTo(event: WebhookEvent, body: Buffer, webhookId: string, faults: DeliveryFaults): Promise<void> {
    if (faults.shuffle) await this.hold(faults.shuffle.windowMs);
    const copies = faults.duplicate ?? 1;
    const run = (): Promise<void> => this.attempts(event, body, webhookId, faults);
    if (faults.concurrent) {
      await Promise.all(Array.from({ length: copies }, run));
    } else {
      for (let copy = 0; copy < copies; copy++) await run();
    }
  }

  private hold(windowMs: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      this.held.push(resolve);
      if (windowMs !== undefined && this.shuffleTimer === undefined) {
        this.shuffleTimer = setTimeout(() => this.flush(), windowMs);
      }
    });
  }

  private async attempts(event: WebhookEvent, body: Buffer, webhookId: string, faults: DeliveryFaults): Promise<void> {
    const retryDelays = this.ctx.options.retryDelaysMs;
    for (let attempt = 1; attempt <= retryDelays.length + 1; attempt++) {
      if (attempt > 1) await this.scheduler.sleep(retryDelays[attempt - 2] ?? 0);
      if (faults.delayMs) await this.scheduler.sleep(faults.delayMs);
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
    const { fields, outcome } = await this.scheduler.inTurn(() => this.send(body, listener, injectFailure));
    if (this.scheduler.isClosed) throw new DeliveryClosedError();
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
    return { fields, outcome: await this.client.post(listener.url, headers, body) };
  }
}

function subscribes(listener: WebhookListener, eventType: string): boolean {
  return listener.eventTypes.includes(eventType) || listener.eventTypes.includes(ALL_EVENTS);
}

export function isSuccess(statusCode: number | undefined): boolean {
  return statusCode !== undefined && statusCode >= 200 && statusCode < 300;
}
