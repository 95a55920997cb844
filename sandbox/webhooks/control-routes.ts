// /__sandbox/webhooks/*: the control handle over HTTP, for demos and out-of-process tests (see CONTROL.md).
import type { FastifyInstance } from 'fastify';
import type { ResourceShapes } from '../shapes';
import { eventWithTransmissions } from './event-view';
import { NotSettledError } from './delivery';
import { DEFAULT_SETTLE_TIMEOUT_MS, type WebhooksControl } from './control';
import { parseFaults } from './faults';
import { webhookErrors } from './webhook-errors';

const BASE = '/__sandbox/webhooks';
const MAX_SETTLE_TIMEOUT_MS = 120_000;

export function registerControlRoutes(app: FastifyInstance, control: WebhooksControl): void {
  app.get(`${BASE}/faults`, async () => control.webhookFaults());
  app.post(`${BASE}/faults`, async (req) => {
    control.setFaults(parseFaults(req.body));
    return control.webhookFaults();
  });
  app.delete(`${BASE}/faults`, async () => {
    control.clearFaults();
    return control.webhookFaults();
  });
  app.post(`${BASE}/flush`, async (_req, reply) => {
    control.flushShuffled();
    return reply.status(204).send();
  });

  app.post(`${BASE}/settle`, async (req) => {
    const timeoutMs = settleTimeout((req.body as { timeoutMs?: unknown } | undefined)?.timeoutMs);
    try {
      await control.settle(timeoutMs);
      return { settled: true, pending: 0 };
    } catch (error) {
      if (error instanceof NotSettledError) return { settled: false, pending: error.pending };
      throw error;
    }
  });

  app.get(`${BASE}/shapes`, async () => control.resourceShapes());
  app.post(`${BASE}/shapes`, async (req) => control.setResourceShapes(req.body as Partial<ResourceShapes>));

  app.get(`${BASE}/publishing`, async () => control.publishing());
  app.post(`${BASE}/publishing`, async (req) => {
    const enabled = (req.body as { enabled?: unknown } | undefined)?.enabled;
    if (typeof enabled !== 'boolean') throw webhookErrors.validation('enabled', 'Must be a boolean.');
    return control.setPublishing(enabled);
  });

  app.get(`${BASE}/events`, async () => ({ events: control.listEvents().map(eventWithTransmissions) }));

  app.get(`${BASE}/cert`, async () => ({ cert_url: control.certUrl(), ca_pem: control.caCertificatePem() }));

  // The body is delivered byte for byte: JSON as received (req.rawBody), or any text sent as text/plain.
  app.post<{ Querystring: { webhook_id?: string | string[] } }>(`${BASE}/deliver`, async (req, reply) => {
    const text = typeof req.body === 'string' ? req.body : req.rawBody;
    if (text === undefined || text === '') throw webhookErrors.validation('body', 'The event body to deliver is missing.');
    const ids = req.query.webhook_id;
    const webhookIds = ids === undefined ? undefined : [ids].flat();
    const event = control.deliverEvent(text, webhookIds ? { webhookIds } : undefined);
    return reply.status(202).send({ id: event.id, event_type: event.eventType, create_time: event.createTime });
  });
}

function settleTimeout(value: unknown): number {
  if (value === undefined) return DEFAULT_SETTLE_TIMEOUT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_SETTLE_TIMEOUT_MS) {
    throw webhookErrors.validation('timeoutMs', `Must be an integer from 0 to ${MAX_SETTLE_TIMEOUT_MS}.`);
  }
  return value;
}
