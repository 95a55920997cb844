import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { API_PATHS, MAX_WAIT_SECONDS, type CheckoutReturnRequest, type CreateCheckoutRequest } from '../../../common/api';
import type { CheckoutService } from '../../checkouts/service';
import { ApiError } from '../api-error';

export function bearer(req: FastifyRequest): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

function objectBody<T>(req: FastifyRequest): Partial<T> {
  const body = req.body;
  if (body === undefined) return {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'bad_request', 'The body must be a JSON object.');
  return body as Partial<T>;
}

function waitSeconds(raw: unknown): number {
  if (raw === undefined) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > MAX_WAIT_SECONDS) {
    throw new ApiError(400, 'bad_request', `wait must be a whole number of seconds from 0 to ${MAX_WAIT_SECONDS}.`);
  }
  return n;
}

export function checkoutRoutes(app: FastifyInstance, service: CheckoutService, limitCreation: preHandlerAsyncHookHandler): void {
  app.post(API_PATHS.checkouts, { preHandler: limitCreation }, async (req, reply) => {
    const body = objectBody<CreateCheckoutRequest>(req);
    reply.status(201);
    return service.create(body.anchor, body.plan);
  });

  app.get<{ Params: { id: string }; Querystring: { wait?: string } }>('/v1/checkouts/:id', async (req) =>
    service.poll(req.params.id, bearer(req), waitSeconds(req.query.wait)),
  );

  app.post<{ Params: { id: string } }>('/v1/checkouts/:id/return', async (req) => {
    const body = objectBody<CheckoutReturnRequest>(req);
    return service.returned(req.params.id, bearer(req), body.token);
  });

  app.post<{ Params: { id: string } }>('/v1/checkouts/:id/cancel', async (req) => service.cancel(req.params.id, bearer(req)));
}
