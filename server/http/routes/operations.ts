import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { API_ROUTES, type PlansResponse } from '../../../common/api';
import type { Metrics } from '../../observability/metrics';
import type { Store } from '../../store/database';
import { METRICS_CONTENT_TYPE } from '../metrics-access';

export interface OperationsDeps {
  /** GET /v1/plans: each plan with the providers that sell it here. */
  plans: () => PlansResponse;
  metrics: Metrics;
  store: Store;
  /** Why this process should take no traffic now (shutting down, keys differing from another process), or null. */
  notReady: () => string | null;
  /** Who may read /metrics (metrics-access.ts). */
  metricsGuard: preHandlerAsyncHookHandler;
}

export function operationsRoutes(app: FastifyInstance, deps: OperationsDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const { plans, healthz, readyz } = API_ROUTES;
  api.get(plans.url, { schema: plans.schema }, async () => deps.plans());
  api.get(healthz.url, { schema: healthz.schema }, async () => ({ ok: true as const }));
  api.get(readyz.url, { schema: readyz.schema }, async (_req, reply) => {
    try {
      await deps.store.db.selectFrom('checkouts').select('id').limit(1).execute();
    } catch {
      return reply.status(503).send({ ok: false, reason: 'store unavailable' });
    }
    const reason = deps.notReady();
    if (reason !== null) return reply.status(503).send({ ok: false, reason });
    return { ok: true as const };
  });
  const metricsSchema = {
    operationId: 'metrics', summary: 'Prometheus metrics (text format 0.0.4)', tags: ['operations'], security: [{ metricsToken: [] }],
    description: 'Needs HARDBOUND_METRICS_TOKEN as a bearer token; production without one serves it only at HARDBOUND_METRICS_ADDRESS.',
  };
  app.get('/metrics', { schema: metricsSchema, preHandler: deps.metricsGuard }, async (_req, reply) => {
    reply.type(METRICS_CONTENT_TYPE);
    return deps.metrics.render();
  });
}
