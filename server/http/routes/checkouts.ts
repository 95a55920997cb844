import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { API_ROUTES } from '../../../common/api';
import type { CheckoutService } from '../../checkouts/service';

export function bearer(req: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

export function checkoutRoutes(app: FastifyInstance, service: CheckoutService, limitCreation: preHandlerAsyncHookHandler): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { createCheckout, pollCheckout, returnCheckout, cancelCheckout } = API_ROUTES;

  api.post(createCheckout.url, { schema: createCheckout.schema, preHandler: limitCreation }, async (req, reply) => {
    reply.status(201);
    const { anchor, plan, entitlement, provider, email } = req.body;
    return service.create({ anchor, plan, entitlement, provider, email });
  });

  api.get(pollCheckout.url, { schema: pollCheckout.schema }, async (req) =>
    service.poll(req.params.id, bearer(req), req.query.wait ?? 0));

  api.post(returnCheckout.url, { schema: returnCheckout.schema }, async (req) =>
    service.returned(req.params.id, bearer(req), req.body.token));

  api.post(cancelCheckout.url, { schema: cancelCheckout.schema }, async (req) => service.cancel(req.params.id, bearer(req)));
}
