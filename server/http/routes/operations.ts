import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { API_PATHS, type PlansResponse } from '../../../common/api';
import type { Plan } from '../../../common/plans';
import type { Metrics } from '../../observability/metrics';
import type { Store } from '../../store/database';
import { METRICS_CONTENT_TYPE } from '../metrics-access';

export interface OperationsDeps {
  plans: readonly Plan[];
  metrics: Metrics;
  store: Store;
  ready: () => boolean;
  /** Who may read /metrics (metrics-access.ts). */
  metricsGuard: preHandlerAsyncHookHandler;
}

export function operationsRoutes(app: FastifyInstance, deps: OperationsDeps): void {
  app.get(API_PATHS.plans, async (): Promise<PlansResponse> => ({ plans: [...deps.plans] }));
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_req, reply) => {
    try {
      await deps.store.db.selectFrom('checkouts').select('id').limit(1).execute();
    } catch {
      return reply.status(503).send({ ok: false, reason: 'store unavailable' });
    }
    if (!deps.ready()) return reply.status(503).send({ ok: false, reason: 'shutting down' });
    return { ok: true };
  });
  app.get('/metrics', { preHandler: deps.metricsGuard }, async (_req, reply) => {
    reply.type(METRICS_CONTENT_TYPE);
    return deps.metrics.render();
  });
}
