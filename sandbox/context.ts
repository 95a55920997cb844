// What every sandbox module is handed: the state, the clock, the options and the event publisher.
import type { AdjustableClock } from '../common/clock';
import { ids } from './ids';
import type { WebhookEvent } from './model';
import type { ResolvedOptions } from './options';
import { ReservedIds, type ReservableKind } from './reserved-ids';
import type { ResourceShapes } from './shapes';
import type { SandboxState } from './state';

export interface PublishInput {
  eventType: string;
  resourceType: string;
  /** v2 resources (orders, captures, subscriptions) are "2.0"; legacy v1 sales have none. */
  resourceVersion?: string;
  eventVersion?: string;
  summary: string;
  resource: Record<string, unknown>;
  /** Links after the envelope's self and resend (PayPal adds the subscription to a failed-payment event). */
  moreLinks?: { href: string; rel: string; method: string }[];
}

export type EventListener = (event: WebhookEvent) => void;

export class SandboxContext {
  private readonly listeners: EventListener[] = [];
  private base = '';
  private publishing = true;
  readonly reservedIds: ReservedIds;
  /** The shapes in force; a test may switch them while the sandbox runs. */
  shapes: ResourceShapes;

  constructor(
    readonly state: SandboxState,
    readonly clock: AdjustableClock,
    readonly options: ResolvedOptions,
  ) {
    this.reservedIds = new ReservedIds(state);
    this.shapes = options.shapes;
  }

  /** The id of a resource being created: the next one a test reserved for its kind, else a generated one. */
  newId(kind: ReservableKind, generate: () => string): string {
    return this.reservedIds.next(kind, generate);
  }

  /** The sandbox's own origin, known once it listens. */
  get baseUrl(): string {
    return this.base;
  }
  setBaseUrl(url: string): void {
    this.base = url;
  }

  isoNow(): string {
    return new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  onEvent(listener: EventListener): void {
    this.listeners.push(listener);
  }

  /** While off, the sandbox's own changes (captures, refunds, renewals…) publish no event at all: nothing is
   *  recorded or delivered, as if another road had settled them and PayPal told nobody. Bodies given to
   *  deliverEvent still go out. */
  setPublishing(on: boolean): void {
    this.publishing = on;
  }
  isPublishing(): boolean {
    return this.publishing;
  }

  /** Records a webhook event in PayPal's envelope and hands it to delivery (unless publishing is off). */
  publish(input: PublishInput): WebhookEvent | undefined {
    if (!this.publishing) return undefined;
    const id = ids.event();
    const createTime = new Date(this.clock.now()).toISOString();
    const envelope = {
      id,
      event_version: input.eventVersion ?? '1.0',
      create_time: createTime,
      resource_type: input.resourceType,
      ...(input.resourceVersion ? { resource_version: input.resourceVersion } : {}),
      event_type: input.eventType,
      summary: input.summary,
      resource: input.resource,
      links: [
        { href: `${this.base}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
        { href: `${this.base}/v1/notifications/webhooks-events/${id}/resend`, rel: 'resend', method: 'POST' },
        ...(input.moreLinks ?? []),
      ],
    };
    return this.record(id, input.eventType, createTime, JSON.stringify(envelope));
  }

  /** Records an event whose body is given verbatim (the control API's "deliver this body"). */
  record(id: string, eventType: string, createTime: string, body: string): WebhookEvent {
    const event: WebhookEvent = { id, eventType, createTime, body, transmissions: [] };
    this.state.events.set(id, event);
    for (const listener of this.listeners) listener(event);
    return event;
  }
}
