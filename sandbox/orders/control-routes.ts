// /__sandbox/ routes for the orders module: the OrdersControl operations over HTTP (no auth, JSON in and out).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OrdersControl } from './control';
import { DISPUTE_OUTCOMES, DISPUTE_REASONS } from './disputes';
import { PENDING_REASONS } from './next-capture';
import { badField } from './order-errors';

type IdParams = { Params: { id: string } };

const CAPTURE_OUTCOMES = ['COMPLETED', 'PENDING', 'DECLINED'] as const;

export function registerControlRoutes(app: FastifyInstance, control: OrdersControl): void {
  app.post<IdParams>('/__sandbox/orders/:id/approve', async (req) => control.approveOrder(req.params.id));
  app.post<IdParams>('/__sandbox/orders/:id/capture', async (req) => control.captureOrder(req.params.id));

  app.post('/__sandbox/captures/next-outcome', async (req) => {
    const body = bodyOf(req);
    const outcome = oneOf(body.outcome, CAPTURE_OUTCOMES, '/outcome');
    const pendingReason = body.pending_reason === undefined ? undefined : oneOf(body.pending_reason, PENDING_REASONS, '/pending_reason');
    control.setNextCaptureOutcome(outcome, pendingReason);
    return { outcome, ...(outcome === 'PENDING' ? { pending_reason: pendingReason ?? 'PENDING_REVIEW' } : {}) };
  });

  app.post<IdParams>('/__sandbox/captures/:id/complete', async (req) => control.completePendingCapture(req.params.id));
  app.post<IdParams>('/__sandbox/captures/:id/deny', async (req) => control.denyPendingCapture(req.params.id));

  app.post<IdParams>('/__sandbox/captures/:id/refund', async (req) => {
    const amount = bodyOf(req).amount;
    if (amount !== undefined && typeof amount !== 'string') throw badField('/amount', 'INVALID_PARAMETER_SYNTAX', amount);
    return control.refundCapture(req.params.id, amount);
  });

  app.post<IdParams>('/__sandbox/captures/:id/reverse', async (req) => control.reverseCapture(req.params.id));

  app.post('/__sandbox/disputes', async (req) => {
    const body = bodyOf(req);
    if (typeof body.transaction_id !== 'string') throw badField('/transaction_id', 'MISSING_REQUIRED_PARAMETER');
    const reason = body.reason === undefined ? undefined : oneOf(body.reason, DISPUTE_REASONS, '/reason');
    return control.openDispute(body.transaction_id, reason);
  });

  app.post<IdParams>('/__sandbox/disputes/:id/resolve', async (req) =>
    control.resolveDispute(req.params.id, oneOf(bodyOf(req).outcome, DISPUTE_OUTCOMES, '/outcome')),
  );
}

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const body = req.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
  if (value === undefined) throw badField(field, 'MISSING_REQUIRED_PARAMETER');
  if (!allowed.includes(value as T)) throw badField(field, 'INVALID_PARAMETER_VALUE', value);
  return value as T;
}
