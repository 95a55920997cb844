// Paystack's webhook sending: each event, as `{event, data}`, POSTed to the integration's one webhook URL,
// signed with the secret key; a non-2xx answer, a refused connection or a timeout is retried on the schedule
// until the first 2xx. The same faults as the PayPal stand-in's delivery apply on demand (duplicates, disorder,
// injected failures, delay), and publishing can be switched off (events then go nowhere: dropped).
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../common/clock';
import { isSuccess } from '../../webhooks/delivery';
import { DeliveryWork } from '../../webhooks/delivery-work';
import type { DeliveryFaults } from '../../webhooks/faults';
import { DeliveryClosedError } from '../../webhooks/scheduler';
import type { PaystackEvent } from '../model';
import type { PaystackState } from '../state';
import { SIGNATURE_HEADER, paystackSignature } from './signature';

export interface SenderOptions {
  secretKey: string;
  retryDelaysMs: number[];
  deliveryTimeoutMs: number;
}

export class WebhookSender {
  private faults: DeliveryFaults = {};
  private publishing = true;
  private url: string | undefined;
  private readonly work: DeliveryWork;

  constructor(
    private readonly state: PaystackState,
    private readonly clock: Clock,
    private readonly options: SenderOptions,
    webhookUrl: string | undefined,
  ) {
    this.url = webhookUrl;
    this.work = new DeliveryWork(options.deliveryTimeoutMs);
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
    if (!faults.shuffle) this.work.flush();
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
    const faults = this.faults;
    if (this.url !== undefined && !this.work.isClosed) this.work.run(faults, () => this.attempts(event, faults));
    return event;
  }

  /** Releases every delivery held for shuffling, in random order. */
  flush(): void {
    this.work.flush();
  }

  settle(timeoutMs: number): Promise<void> {
    return this.work.settle(timeoutMs);
  }

  close(): Promise<void> {
    return this.work.close();
  }

  private async attempts(event: PaystackEvent, faults: DeliveryFaults): Promise<void> {
    const body = Buffer.from(event.body, 'utf8');
    const delays = this.options.retryDelaysMs;
    for (let attempt = 1; attempt <= delays.length + 1; attempt++) {
      if (attempt > 1) await this.work.scheduler.sleep(delays[attempt - 2] ?? 0);
      if (faults.delayMs) await this.work.scheduler.sleep(faults.delayMs);
      // Read afresh: a URL changed meanwhile gets the retries; a URL removed ends them.
      const url = this.url;
      if (url === undefined) return;
      const injected = attempt <= (faults.failFirst ?? 0);
      const time = new Date(this.clock.now()).toISOString();
      const outcome = injected
        ? { error: 'INJECTED_FAILURE' }
        : await this.work.scheduler.inTurn(() =>
            this.work.client.post(url, { 'content-type': 'application/json', [SIGNATURE_HEADER]: paystackSignature(this.options.secretKey, body) }, body),
          );
      if (this.work.isClosed) throw new DeliveryClosedError();
      event.transmissions.push({ url, time, attempt, ...outcome });
      if (isSuccess(outcome.statusCode)) return;
    }
  }
}
