// /v1/billing/subscriptions and the v1 sales and refunds their payments produce.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { jsonBody, paypalRequestId } from '../http';
import { RequestIdReplays } from '../replays';
import { applyMerchantAction, createSubscription, type MerchantAction } from './lifecycle';
import { findSale, findSaleRefund, findSubscription } from './lookup';
import { renderSale, renderSaleRefund, renderSubscription } from './render';
import { refundSale } from './sales';
import { listTransactions } from './transactions';
import { type Json, requiredString } from './validate';

type IdParams = { id: string };

export function registerSubscriptionRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  // A retried create or refund answers 200 with what the first request made, as it is now.
  const replays = new RequestIdReplays<string>();

  app.post('/v1/billing/subscriptions', async (req, reply) => {
    const body = jsonBody(req);
    const { answer: id, replayed } = replays.once('subscriptions', paypalRequestId(req), () => createSubscription(ctx, body).id);
    return reply.status(replayed ? 200 : 201).send(renderSubscription(ctx, findSubscription(ctx, id)));
  });

  app.get<{ Params: IdParams }>('/v1/billing/subscriptions/:id', async (req) =>
    renderSubscription(ctx, findSubscription(ctx, req.params.id)));

  app.get<{ Params: IdParams; Querystring: Record<string, unknown> }>('/v1/billing/subscriptions/:id/transactions', async (req) =>
    listTransactions(ctx, findSubscription(ctx, req.params.id), req.query));

  for (const action of ['cancel', 'suspend', 'activate'] as const satisfies MerchantAction[]) {
    app.post<{ Params: IdParams }>(`/v1/billing/subscriptions/:id/${action}`, async (req, reply) => {
      const subscription = findSubscription(ctx, req.params.id);
      const reason = requiredString(optionalJsonBody(req), 'reason', 128);
      applyMerchantAction(ctx, subscription, action, reason);
      return reply.status(204).send();
    });
  }

  app.get<{ Params: IdParams }>('/v1/payments/sale/:id', async (req) => renderSale(ctx, findSale(ctx, req.params.id)));

  app.post<{ Params: IdParams }>('/v1/payments/sale/:id/refund', async (req, reply) => {
    const body = optionalJsonBody(req);
    const saleId = findSale(ctx, req.params.id).id;
    const { answer: id, replayed } = replays.once(`refund ${saleId}`, paypalRequestId(req), () => refundSale(ctx, saleId, body).id);
    return reply.status(replayed ? 200 : 201).send(renderSaleRefund(ctx, findSaleRefund(ctx, id)));
  });

  app.get<{ Params: IdParams }>('/v1/payments/refund/:id', async (req) =>
    renderSaleRefund(ctx, findSaleRefund(ctx, req.params.id)));
}

/** PayPal accepts these POSTs without a body (a full refund; a missing reason is reported as such). */
function optionalJsonBody(req: FastifyRequest): Json {
  return req.body === undefined ? {} : jsonBody(req);
}
