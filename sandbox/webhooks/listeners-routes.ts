// Webhooks Management: registering listener URLs and the event types they receive.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context';
import { jsonBody } from '../http';
import { ids } from '../ids';
import type { WebhookListener } from '../model';
import { EVENT_TYPES, eventTypeView, isKnownEventType } from './event-types';
import { foundOr404, webhookErrors } from './webhook-errors';

/** PayPal allows ten webhooks per app. */
export const MAX_WEBHOOKS = 10;
const MAX_URL_LENGTH = 2048;

export function registerListenerRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  const webhooks = ctx.state.webhooks;

  app.post('/v1/notifications/webhooks', async (req, reply) => {
    const body = jsonBody(req);
    const url = parseUrl(body.url);
    const eventTypes = parseEventTypes(body.event_types);
    if ([...webhooks.values()].some((w) => w.url === url)) throw webhookErrors.urlAlreadyExists();
    if (webhooks.size >= MAX_WEBHOOKS) throw webhookErrors.numberLimitExceeded();
    const listener: WebhookListener = { id: ids.webhook(), url, eventTypes };
    webhooks.set(listener.id, listener);
    return reply.status(201).send(listenerView(ctx, listener));
  });

  app.get('/v1/notifications/webhooks', async () => ({
    webhooks: [...webhooks.values()].map((w) => listenerView(ctx, w)),
  }));

  app.get<{ Params: { id: string } }>('/v1/notifications/webhooks/:id', async (req) =>
    listenerView(ctx, foundOr404(webhooks, req.params.id)),
  );

  app.get<{ Params: { id: string } }>('/v1/notifications/webhooks/:id/event-types', async (req) => ({
    event_types: foundOr404(webhooks, req.params.id).eventTypes.map(eventTypeView),
  }));

  app.patch<{ Params: { id: string } }>('/v1/notifications/webhooks/:id', async (req) => {
    const listener = foundOr404(webhooks, req.params.id);
    const patch = parsePatch(req.body);
    if (patch.url !== undefined && [...webhooks.values()].some((w) => w.url === patch.url && w !== listener)) {
      throw webhookErrors.urlAlreadyExists();
    }
    if (patch.url !== undefined) listener.url = patch.url;
    if (patch.eventTypes !== undefined) listener.eventTypes = patch.eventTypes;
    return listenerView(ctx, listener);
  });

  app.delete<{ Params: { id: string } }>('/v1/notifications/webhooks/:id', async (req, reply) => {
    foundOr404(webhooks, req.params.id);
    webhooks.delete(req.params.id);
    return reply.status(204).send();
  });

  app.get('/v1/notifications/webhooks-event-types', async () => ({
    event_types: Object.keys(EVENT_TYPES).map(eventTypeView),
  }));
}

function listenerView(ctx: SandboxContext, listener: WebhookListener): Record<string, unknown> {
  const href = `${ctx.baseUrl}/v1/notifications/webhooks/${listener.id}`;
  return {
    id: listener.id,
    url: listener.url,
    event_types: listener.eventTypes.map(eventTypeView),
    links: [
      { href, rel: 'self', method: 'GET' },
      { href, rel: 'update', method: 'PATCH' },
      { href, rel: 'delete', method: 'DELETE' },
    ],
  };
}

// PayPal insists on https; the sandbox also takes http so that tests can listen on loopback without TLS.
function parseUrl(value: unknown, field = 'url'): string {
  if (value === undefined || value === null || value === '') throw webhookErrors.validation(field, 'Required field is missing.');
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) throw webhookErrors.validation(field, 'Invalid URL.');
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw webhookErrors.validation(field, 'Invalid URL.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw webhookErrors.validation(field, 'Invalid URL protocol.');
  }
  return value;
}

function parseEventTypes(value: unknown, field = 'event_types'): string[] {
  if (!Array.isArray(value) || value.length === 0) throw webhookErrors.validation(field, 'Required field is missing.');
  const names = value.map((item: unknown) => (item as { name?: unknown } | null)?.name);
  for (const name of names) {
    if (typeof name !== 'string' || !isKnownEventType(name)) {
      throw webhookErrors.validation(field, `Invalid event type: ${String(name)}.`);
    }
  }
  return [...new Set(names as string[])];
}

interface ListenerPatch {
  url?: string;
  eventTypes?: string[];
}

/** PayPal's PATCH takes JSON Patch `replace` operations on /url and /event_types only. */
function parsePatch(body: unknown): ListenerPatch {
  if (!Array.isArray(body) || body.length === 0) throw webhookErrors.validation('patch_request', 'A JSON patch array is required.');
  const patch: ListenerPatch = {};
  for (const raw of body) {
    const op = raw as { op?: unknown; path?: unknown; value?: unknown } | null;
    if (op?.op !== 'replace') throw webhookErrors.validation('op', 'Only the replace operation is supported.');
    if (op.path === '/url') patch.url = parseUrl(op.value, '/url');
    else if (op.path === '/event_types') patch.eventTypes = parseEventTypes(op.value, '/event_types');
    else throw webhookErrors.validation('path', `Unsupported path: ${String(op.path)}.`);
  }
  return patch;
}
