// /v1/billing/subscriptions and the v1 sales and refunds their payments produce.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context';
import { jsonBody } from '../http';
import type { SubscriptionsBook } from './book';
import { applyMerchantAction, createSubscription, type MerchantAction } from './lifecycle';
import { findSale, findSaleRefund, findSubscription } from './lookup';
import { renderSale, renderSaleRefund, renderSubscription } from './render';
import { refundSale } from './sales';
import { type Json, requestId, requiredString } from './validate';

type IdParams = { id: string };

export function registerSubscriptionRoutes(app: FastifyInstance, ctx: SandboxContext, book: SubscriptionsBook): void {
  app.post('/v1/billing/subscriptions', async (req, reply) => {
    const { subscription, replayed } = createSubscription(ctx, book, jsonBody(req), requestId(req.headers));
    return reply.status(replayed ? 200 : 201).send(renderSubscription(ctx, book, subscription));
  });

  app.get<{ Params: IdParams }>('/v1/billing/subscriptions/:id', async (req) =>
    renderSubscription(ctx, book, findSubscription(ctx, req.params.id)));

  for (const action of ['cancel', 'suspend', 'activate'] as const satisfies MerchantAction[]) {
    app.post<{ Params: IdParams }>(`/v1/billing/subscriptions/:id/${action}`, async (req, reply) => {
      const subscription = findSubscription(ctx, req.params.id);
      const reason = requiredString(optionalJsonBody(req), 'reason', 128);
      applyMerchantAction(ctx, book, subscription, action, reason);
      return reply.status(204).send();
    });
  }

  app.get<{ Params: IdParams }>('/v1/payments/sale/:id', async (req) => renderSale(ctx, findSale(ctx, req.params.id)));

  app.post<{ Params: IdParams }>('/v1/payments/sale/:id/refund', async (req, reply) => {
    const { refund, replayed } = refundSale(ctx, book, req.params.id, optionalJsonBody(req), requestId(req.headers));
    return reply.status(replayed ? 200 : 201).send(renderSaleRefund(ctx, refund));
  });

  app.get<{ Params: IdParams }>('/v1/payments/refund/:id', async (req) =>
    renderSaleRefund(ctx, findSaleRefund(book, req.params.id)));
}

/** PayPal accepts these POSTs without a body (a full refund; a missing reason is reported as such). */
function optionalJsonBody(req: FastifyRequest): Json {
  return req.body === undefined ? {} : jsonBody(req);
}
