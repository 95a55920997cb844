// The webhooks part of the sandbox's control handle (the same operations as /__sandbox/webhooks/*).
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { WebhookEvent } from '../model';
import { withShapes, type ResourceShapes } from '../shapes';
import type { Delivery } from './delivery';
import { parseFaults, type DeliveryFaults } from './faults';
import { webhookErrors } from './webhook-errors';

export type { DeliveryFaults } from './faults';

export interface DeliverEventOptions {
  /** Deliver to exactly these listeners, whatever they subscribe to; default: the subscribers of its type. */
  webhookIds?: string[];
}

export interface WebhooksControl {
  /** PEM of the CA that issued the webhook-signing certificate. */
  caCertificatePem(): string;
  /** The paypal-cert-url every delivery carries. */
  certUrl(): string;
  webhookFaults(): DeliveryFaults;
  /** Replaces the delivery faults; they apply to deliveries that start afterwards. */
  setFaults(faults: DeliveryFaults): void;
  clearFaults(): void;
  /** Releases the deliveries held by the shuffle fault, in random order. */
  flushShuffled(): void;
  /** Resolves once no delivery is queued, held, in flight or waiting for a retry; rejects after timeoutMs. */
  settle(timeoutMs?: number): Promise<void>;
  /** Every recorded event, oldest first, with its transmissions so far. */
  listEvents(): WebhookEvent[];
  /**
   * Records and delivers a body signed as PayPal would: a string verbatim (even one that is not JSON), an
   * object as JSON. Its `id`, `event_type` and `create_time` are used when present; a body without an
   * `event_type` reaches only `*` listeners unless webhookIds are given.
   */
  deliverEvent(body: string | object, options?: DeliverEventOptions): WebhookEvent;
  /** Off: the sandbox's own state changes publish no events (see SandboxContext.setPublishing). */
  setPublishing(enabled: boolean): { enabled: boolean };
  publishing(): { enabled: boolean };
  /** Changes the shapes named (the rest stay); answers all shapes now in force. */
  setResourceShapes(shapes: Partial<ResourceShapes>): ResourceShapes;
  resourceShapes(): ResourceShapes;
}

export const DEFAULT_SETTLE_TIMEOUT_MS = 10_000;

export function createWebhooksControl(
  ctx: SandboxContext,
  delivery: Delivery,
  certs: { caPem: string; certUrl: () => string },
  /** Event id → the listeners a deliverEvent call named; read once by the module's event handler. */
  explicitTargets: Map<string, readonly string[]>,
): WebhooksControl {
  return {
    caCertificatePem: () => certs.caPem,
    certUrl: certs.certUrl,
    webhookFaults: () => delivery.currentFaults(),
    setFaults: (faults) => delivery.setFaults(parseFaults(faults)),
    clearFaults: () => delivery.setFaults({}),
    flushShuffled: () => delivery.flush(),
    settle: (timeoutMs = DEFAULT_SETTLE_TIMEOUT_MS) => delivery.settle(timeoutMs),
    listEvents: () => [...ctx.state.events.values()],
    setPublishing: (enabled) => {
      ctx.setPublishing(enabled);
      return { enabled };
    },
    publishing: () => ({ enabled: ctx.isPublishing() }),
    setResourceShapes: (shapes) => {
      ctx.shapes = withShapes(ctx.shapes, shapes);
      return ctx.shapes;
    },
    resourceShapes: () => ctx.shapes,
    deliverEvent: (body, options) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const envelope = parseEnvelope(text);
      const id = stringOr(envelope.id, ids.event());
      const created = stringOr(envelope.create_time, '');
      const createTime = Number.isNaN(Date.parse(created)) ? new Date(ctx.clock.now()).toISOString() : created;
      if (options?.webhookIds) {
        const unknown = options.webhookIds.find((w) => !ctx.state.webhooks.has(w));
        if (unknown !== undefined) throw webhookErrors.validation('webhook_ids', `Unknown webhook id: ${unknown}.`);
        explicitTargets.set(id, options.webhookIds);
      }
      return ctx.record(id, stringOr(envelope.event_type, ''), createTime, text);
    },
  };
}

function parseEnvelope(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}
