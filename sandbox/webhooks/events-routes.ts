// Webhooks Events API: list and show recorded events (with their delivery attempts), resend one.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context';
import type { WebhookEvent } from '../model';
import type { Delivery } from './delivery';
import { eventEnvelope, eventWithTransmissions, transactionIds } from './event-view';
import { foundOr404, webhookErrors } from './webhook-errors';

const DEFAULT_PAGE_SIZE = 10;
const MAX_PAGE_SIZE = 300;
const PATH = '/v1/notifications/webhooks-events';

interface ListQuery {
  page_size?: string;
  start_time?: string;
  end_time?: string;
  event_type?: string;
  transaction_id?: string;
  /** The sandbox's own paging cursor, used only by the `next` link it returns. */
  page?: string;
}

export function registerEventRoutes(app: FastifyInstance, ctx: SandboxContext, delivery: Delivery): void {
  app.get<{ Querystring: ListQuery }>(PATH, async (req) => {
    const query = req.query;
    const pageSize = integerParam(query.page_size, 'page_size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const page = integerParam(query.page, 'page', 1, Number.MAX_SAFE_INTEGER);
    const start = timeParam(query.start_time, 'start_time', -Infinity);
    const end = timeParam(query.end_time, 'end_time', Infinity);
    const matching = newestFirst([...ctx.state.events.values()]).filter((event) => {
      const created = Date.parse(event.createTime);
      return (
        created >= start &&
        created <= end &&
        (query.event_type === undefined || event.eventType === query.event_type) &&
        (query.transaction_id === undefined || transactionIds(event).includes(query.transaction_id))
      );
    });
    const events = matching.slice((page - 1) * pageSize, page * pageSize);
    const links = [{ href: `${ctx.baseUrl}${req.url}`, rel: 'self', method: 'GET' }];
    if (matching.length > page * pageSize) {
      const next = new URLSearchParams(query as Record<string, string>);
      next.set('page', String(page + 1));
      links.push({ href: `${ctx.baseUrl}${PATH}?${next.toString()}`, rel: 'next', method: 'GET' });
    }
    return { events: events.map(eventEnvelope), count: events.length, links };
  });

  app.get<{ Params: { id: string } }>(`${PATH}/:id`, async (req) =>
    eventWithTransmissions(foundOr404(ctx.state.events, req.params.id)),
  );

  app.post<{ Params: { id: string } }>(`${PATH}/:id/resend`, async (req, reply) => {
    const event = foundOr404(ctx.state.events, req.params.id);
    const webhookIds = parseWebhookIds(ctx, (req.body as { webhook_ids?: unknown } | undefined)?.webhook_ids);
    delivery.deliver(event, webhookIds);
    return reply.status(202).send(eventEnvelope(event));
  });
}

function newestFirst(events: WebhookEvent[]): WebhookEvent[] {
  // Recorded order breaks ties between events created in the same millisecond (sort is stable).
  return events.reverse().sort((a, b) => Date.parse(b.createTime) - Date.parse(a.createTime));
}

function integerParam(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) {
    throw webhookErrors.validation(field, `Must be an integer from 1 to ${max}.`, 'query');
  }
  return n;
}

function timeParam(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw webhookErrors.validation(field, 'Must be an Internet date and time (RFC 3339).', 'query');
  return ms;
}

function parseWebhookIds(ctx: SandboxContext, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) {
    throw webhookErrors.validation('webhook_ids', 'Must be an array of webhook ids.');
  }
  const unknown = (value as string[]).find((id) => !ctx.state.webhooks.has(id));
  if (unknown !== undefined) throw webhookErrors.validation('webhook_ids', `Unknown webhook id: ${unknown}.`);
  return value as string[];
}
