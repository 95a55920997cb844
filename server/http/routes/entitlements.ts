import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { API_ROUTES } from '../../../common/api';
import { jwksResponse, type KeyRing } from '../../entitlements';
import type { CancelSubscriptionService } from '../../licenses/cancel-subscription';
import type { RefreshService } from '../../licenses/refresh';

export function entitlementRoutes(app: FastifyInstance, refresh: RefreshService, cancellation: CancelSubscriptionService, keyRing: KeyRing): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { refresh: refreshRoute, cancelSubscription, jwks } = API_ROUTES;
  api.post(refreshRoute.url, { schema: refreshRoute.schema }, async (req) => refresh.refresh(req.body.anchor, req.body.token));
  api.post(cancelSubscription.url, { schema: cancelSubscription.schema }, async (req) => cancellation.cancel(req.body.anchor, req.body.token));
  api.get(jwks.url, { schema: jwks.schema }, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return jwksResponse(keyRing);
  });
}
