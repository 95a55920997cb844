// /__sandbox/paystack/*: the PaystackControl operations over HTTP (no auth; JSON in and out; errors in
// Paystack's {status: false, message} shape). See CONTROL.md.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { NotSettledError } from '../webhooks/delivery-work';
import type { PaystackControl } from './control';
import { DISPUTE_CATEGORIES, DISPUTE_RESOLUTIONS } from './disputes';
import { paystackErrors } from './errors';
import { bodyOf } from './routes';

type Code = { Params: { code: string } };
type Id = { Params: { id: string } };

const OUTCOMES = ['success', 'failed'] as const;
const MAX_SETTLE_TIMEOUT_MS = 120_000;

export function registerControlRoutes(app: FastifyInstance, control: PaystackControl, keys: () => Record<string, string>): void {
  app.get('/keys', async () => keys());

  app.post<Code>('/transactions/:code/pay', async (req) => control.payTransaction(req.params.code));
  app.post('/charges/next-outcome', async (req) => {
    const outcome = oneOf(bodyOf(req).outcome, OUTCOMES, 'outcome');
    control.setNextChargeOutcome(outcome);
    return { outcome };
  });

  app.post<Code>('/subscriptions/:code/renew', async (req) => {
    const outcome = bodyOf(req).outcome;
    return control.renewSubscription(req.params.code, outcome === undefined ? undefined : oneOf(outcome, OUTCOMES, 'outcome'));
  });
  app.post<Code>('/subscriptions/:code/renewal-outcome', async (req) => {
    const outcome = oneOf(bodyOf(req).outcome, OUTCOMES, 'outcome');
    control.setRenewalOutcome(req.params.code, outcome);
    return { outcome };
  });
  app.post<Code>('/subscriptions/:code/cancel', async (req) => control.cancelSubscription(req.params.code));

  app.post('/refunds/hold', async (req) => {
    const hold = bodyOf(req).hold;
    if (typeof hold !== 'boolean') throw paystackErrors.invalid('hold must be a boolean');
    control.holdRefunds(hold);
    return { hold };
  });
  app.post<Id>('/refunds/:id/process', async (req) => control.processRefund(numericId(req.params.id)));
  app.post<Id>('/refunds/:id/fail', async (req) => control.failRefund(numericId(req.params.id)));

  app.post('/disputes', async (req) => {
    const body = bodyOf(req);
    if (typeof body.transaction !== 'string' && typeof body.transaction !== 'number') throw paystackErrors.missing('transaction is required');
    const refundAmount = body.refund_amount;
    if (refundAmount !== undefined && typeof refundAmount !== 'number') throw paystackErrors.invalid('refund_amount must be a number');
    return control.openDispute(String(body.transaction), {
      ...(refundAmount !== undefined ? { refundAmount } : {}),
      ...(body.category !== undefined ? { category: oneOf(body.category, DISPUTE_CATEGORIES, 'category') } : {}),
    });
  });
  app.post<Id>('/disputes/:id/remind', async (req) => control.remindDispute(numericId(req.params.id)));
  app.post<Id>('/disputes/:id/resolve', async (req) =>
    control.resolveDispute(numericId(req.params.id), oneOf(bodyOf(req).resolution, DISPUTE_RESOLUTIONS, 'resolution')),
  );

  app.get('/webhook-url', async () => ({ url: control.webhookUrl() ?? null }));
  app.post('/webhook-url', async (req) => {
    const url = bodyOf(req).url;
    if (url !== null && (typeof url !== 'string' || !/^https?:\/\//.test(url))) throw paystackErrors.invalid('url must be an http(s) URL or null');
    control.setWebhookUrl(url ?? undefined);
    return { url };
  });

  app.get('/webhooks/faults', async () => control.webhookFaults());
  app.post('/webhooks/faults', async (req) => {
    control.setFaults(req.body as never);
    return control.webhookFaults();
  });
  app.delete('/webhooks/faults', async () => {
    control.clearFaults();
    return control.webhookFaults();
  });
  app.post('/webhooks/flush', async (_req, reply) => {
    control.flushShuffled();
    return reply.status(204).send();
  });
  app.post('/webhooks/settle', async (req) => {
    const timeoutMs = bodyOf(req).timeoutMs;
    if (timeoutMs !== undefined && (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_SETTLE_TIMEOUT_MS)) {
      throw paystackErrors.invalid(`timeoutMs must be an integer from 0 to ${MAX_SETTLE_TIMEOUT_MS}`);
    }
    try {
      await control.settle(timeoutMs);
      return { settled: true, pending: 0 };
    } catch (error) {
      if (error instanceof NotSettledError) return { settled: false, pending: error.pending };
      throw error;
    }
  });
  app.get('/webhooks/events', async () => ({
    events: control.listEvents().map((e) => ({ id: e.id, event: e.event, created_at: e.createdAt, body: e.body, transmissions: e.transmissions })),
  }));
  app.post('/webhooks/deliver', async (req, reply) => {
    const text = rawText(req);
    if (text === undefined || text === '') throw paystackErrors.missing('The event body to deliver is missing');
    const event = control.deliverEvent(text);
    return reply.status(202).send({ id: event.id, event: event.event, created_at: event.createdAt });
  });
  app.get('/webhooks/publishing', async () => control.publishing());
  app.post('/webhooks/publishing', async (req) => {
    const enabled = bodyOf(req).enabled;
    if (typeof enabled !== 'boolean') throw paystackErrors.invalid('enabled must be a boolean');
    return control.setPublishing(enabled);
  });

  app.get('/api-faults', async () => control.apiFaults());
  app.post('/api-faults', async (req) => control.setApiFaults(req.body as never));
  app.delete('/api-faults', async () => {
    control.clearApiFaults();
    return control.apiFaults();
  });
}

/** The body exactly as sent: JSON as received, or any text sent as text/plain. */
function rawText(req: FastifyRequest): string | undefined {
  return typeof req.body === 'string' ? req.body : req.rawBody;
}

function numericId(text: string): number {
  if (!/^\d+$/.test(text)) throw paystackErrors.invalid('The id must be a number');
  return Number(text);
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (value === undefined) throw paystackErrors.missing(`${field} is required`);
  if (!allowed.includes(value as T)) throw paystackErrors.invalid(`${field} must be one of: ${allowed.join(', ')}`);
  return value as T;
}
