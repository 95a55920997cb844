import type { FastifyInstance } from 'fastify';
import { API_PATHS, type RefreshRequest } from '../../../common/api';
import { jwksResponse, type KeyRing } from '../../entitlements';
import type { CancelSubscriptionService } from '../../licenses/cancel-subscription';
import type { RefreshService } from '../../licenses/refresh';

export function entitlementRoutes(app: FastifyInstance, refresh: RefreshService, cancellation: CancelSubscriptionService, keyRing: KeyRing): void {
  app.post(API_PATHS.refresh, async (req) => {
    const body = (req.body ?? {}) as Partial<RefreshRequest>;
    return refresh.refresh(body.anchor, body.token);
  });
  app.post(API_PATHS.cancelSubscription, async (req) => {
    const body = (req.body ?? {}) as Partial<RefreshRequest>;
    return cancellation.cancel(body.anchor, body.token);
  });
  app.get(API_PATHS.jwks, async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return jwksResponse(keyRing);
  });
}
