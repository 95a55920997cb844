// Paystack's webhook sending: each event, as `{event, data}`, POSTed to the integration's one webhook URL,
// signed with the secret key; a non-2xx answer, a refused connection or a timeout is retried on the schedule
// until the first 2xx. The same faults as the PayPal stand-in's delivery apply on demand (duplicates, disorder,
// injected failures, delay), and publishing can be switched off (events then go nowhere: dropped).
import { randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../../../common/clock';
import { NotSettledError } from '../../webhooks/delivery';
import type { DeliveryFaults } from '../../webhooks/faults';
import { ListenerClient } from '../../webhooks/listener-client';
import { DeliveryClosedError, Scheduler } from '../../webhooks/scheduler';
import type { PaystackEvent } from '../model';
import type { PaystackState } from '../state';
import { SIGNATURE_HEADER, paystackSignature } from './signature';

const MAX_CONCURRENT_ATTEMPTS = 64;

export interface SenderOptions {
  secretKey: string;
  retryDelaysMs: number[];
  deliveryTimeoutMs: number;
}

export class WebhookSender {
  private faults: DeliveryFaults = {};
  private publishing = true;
  private url: string | undefined;
  private held: (() => void)[] = [];
  private shuffleTimer: NodeJS.Timeout | undefined;
  private readonly work = new Set<Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();
  private readonly client: ListenerClient;
  private readonly scheduler = new Scheduler(MAX_CONCURRENT_ATTEMPTS);

  constructor(
    private readonly state: PaystackState,
    private readonly clock: Clock,
    private readonly options: SenderOptions,
    webhookUrl: string | undefined,
  ) {
    this.url = webhookUrl;
    this.client = new ListenerClient(options.deliveryTimeoutMs);
  }

  webhookUrl(): string | undefined {
    return this.url;
  }
  setWebhookUrl(url: string | undefined): void {
    this.url = url;
  }

  currentFaults(): DeliveryFaults {
    return this.faults;
  }
  setFaults(faults: DeliveryFaults): void {
    this.faults = faults;
    if (!faults.shuffle) this.flush();
  }

  isPublishing(): boolean {
    return this.publishing;
  }
  setPublishing(on: boolean): void {
    this.publishing = on;
  }

  /** Records and sends one of the sandbox's own events, unless publishing is off. */
  publish(event: string, data: Record<string, unknown>): PaystackEvent | undefined {
    if (!this.publishing) return undefined;
    return this.record(event, JSON.stringify({ event, data }));
  }

  /** Records and sends a body byte for byte (the control API's "deliver this body"). */
  record(eventName: string, body: string): PaystackEvent {
    const event: PaystackEvent = {
      id: randomUUID(),
      event: eventName,
      createdAt: new Date(this.clock.now()).toISOString(),
      body,
      transmissions: [],
    };
    this.state.events.push(event);
    if (this.url !== undefined && !this.scheduler.isClosed) this.track(this.deliver(event, this.faults));
    return event;
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

  private async deliver(event: PaystackEvent, faults: DeliveryFaults): Promise<void> {
    if (faults.shuffle) await this.hold(faults.shuffle.windowMs);
    const copies = faults.duplicate ?? 1;
    const run = (): Promise<void> => this.attempts(event, faults);
    if (faults.concurrent) await Promise.all(Array.from({ length: copies }, run));
    else for (let copy = 0; copy < copies; copy++) await run();
  }

  private hold(windowMs: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      this.held.push(resolve);
      if (windowMs !== undefined && this.shuffleTimer === undefined) {
        this.shuffleTimer = setTimeout(() => this.flush(), windowMs);
      }
    });
  }

  private async attempts(event: PaystackEvent, faults: DeliveryFaults): Promise<void> {
    const body = Buffer.from(event.body, 'utf8');
    const delays = this.options.retryDelaysMs;
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      if (attempt > 1) await this.scheduler.sleep(delays[attempt - 2] ?? 0);
      if (faults.delayMs) await this.scheduler.sleep(faults.delayMs);
      // Read afresh: a URL changed meanwhile gets the retries; a URL removed ends them.
      const url = this.url;
      if (url === undefined) return;
      const injected = attempt <= (faults.failFirst ?? 0);
      const time = new Date(this.clock.now()).toISOString();
      const outcome = injected
        ? { error: 'INJECTED_FAILURE' }
        : await this.scheduler.inTurn(() =>
            this.client.post(url, { 'content-type': 'application/json', [SIGNATURE_HEADER]: paystackSignature(this.options.secretKey, body) }, body),
          );
      if (this.scheduler.isClosed) throw new DeliveryClosedError();
      event.transmissions.push({ url, time, attempt, ...outcome });
      if (outcome.statusCode !== undefined && outcome.statusCode >= 200 && outcome.statusCode < 300) return;
    }
  }
}
