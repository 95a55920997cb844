import type { FastifyInstance } from 'fastify';
import { API_PATHS, type PlansResponse } from '../../../common/api';
import type { Plan } from '../../../common/plans';
import type { Metrics } from '../../observability/metrics';
import type { Store } from '../../store/database';

export function operationsRoutes(app: FastifyInstance, deps: { plans: readonly Plan[]; metrics: Metrics; store: Store; ready: () => boolean }): void {
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
  app.get('/metrics', async (_req, reply) => {
    reply.type('text/plain; version=0.0.4');
    return deps.metrics.render();
  });
}
