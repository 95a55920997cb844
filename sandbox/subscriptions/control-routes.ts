// /__sandbox/ routes for the same control operations (no access token; JSON in and out).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jsonBody } from '../http';
import type { SubscriptionsControl } from './control';
import { type Json, oneOf, optionalString, requiredString } from './validate';

type IdParams = { Params: { id: string } };

export function registerControlRoutes(app: FastifyInstance, control: SubscriptionsControl): void {
  const base = '/__sandbox/subscriptions/:id';
  app.post<IdParams>(`${base}/approve`, async (req) => control.approveSubscription(req.params.id));
  app.post<IdParams>(`${base}/renew`, async (req) => control.renewSubscription(req.params.id));
  app.post<IdParams>(`${base}/fail-renewal`, async (req) => control.failRenewal(req.params.id));
  app.post<IdParams>(`${base}/renewal-outcome`, async (req) => {
    const outcome = oneOf(requiredString(body(req), 'outcome', 16), ['succeed', 'fail'] as const, '/outcome');
    return control.setRenewalOutcome(req.params.id, outcome);
  });
  app.post<IdParams>(`${base}/cancel`, async (req) =>
    control.cancelSubscription(req.params.id, optionalString(body(req), 'reason', 128)));
  app.post<IdParams>(`${base}/suspend`, async (req) =>
    control.suspendSubscription(req.params.id, optionalString(body(req), 'reason', 128)));
  app.post<IdParams>(`${base}/activate`, async (req) =>
    control.activateSubscription(req.params.id, optionalString(body(req), 'reason', 128)));
  app.post<IdParams>(`${base}/expire`, async (req) => control.expireSubscription(req.params.id));

  app.post<IdParams>('/__sandbox/sales/:id/refund', async (req) =>
    control.refundSale(req.params.id, optionalString(body(req), 'amount', 32)));
  app.post<IdParams>('/__sandbox/sales/:id/reverse', async (req) => control.reverseSale(req.params.id));
}

function body(req: FastifyRequest): Json {
  return req.body === undefined ? {} : jsonBody(req);
}
