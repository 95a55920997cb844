// /v1/catalogs/products and /v1/billing/plans.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context';
import { jsonBody, paypalRequestId, wantsRepresentation } from '../http';
import { RequestIdReplays } from '../replays';
import { createPlan, createProduct, setPlanStatus } from './catalog';
import { publishCatalog } from './events';
import { findPlan, findProduct } from './lookup';
import { paginate } from './pagination';
import { renderPlan, renderProduct, renderProductSummary } from './render';

type Query = Record<string, string | undefined>;
type IdParams = { id: string };

export function registerCatalogRoutes(app: FastifyInstance, ctx: SandboxContext): void {
  // A retried create answers 200 with what the first request made, as it is now.
  const replays = new RequestIdReplays<string>();

  app.post('/v1/catalogs/products', async (req, reply) => {
    const { answer: id, replayed } = replays.once('products', paypalRequestId(req), () => createProduct(ctx, jsonBody(req)).id);
    const body = renderProduct(ctx, findProduct(ctx, id));
    if (!replayed) publishCatalog(ctx, 'CATALOG.PRODUCT.CREATED', 'product', 'A product is created.', body);
    return reply.status(replayed ? 200 : 201).send(body);
  });

  app.get('/v1/catalogs/products', async (req) => {
    const page = paginate(ctx, '/v1/catalogs/products', [...ctx.state.products.values()], req.query as Query);
    return { products: page.items.map((p) => renderProductSummary(ctx, p)), ...page.totals, links: page.links };
  });

  app.get<{ Params: IdParams }>('/v1/catalogs/products/:id', async (req) => renderProduct(ctx, findProduct(ctx, req.params.id)));

  app.post('/v1/billing/plans', async (req, reply) => {
    const { answer: id, replayed } = replays.once('plans', paypalRequestId(req), () => createPlan(ctx, jsonBody(req)).id);
    const plan = findPlan(ctx, id);
    if (!replayed) {
      publishCatalog(ctx, 'BILLING.PLAN.CREATED', 'plan', 'A billing plan was created.', renderPlan(ctx, plan, true));
    }
    return reply.status(replayed ? 200 : 201).send(renderPlan(ctx, plan, wantsRepresentation(req)));
  });

  app.get('/v1/billing/plans', async (req) => {
    const query = req.query as Query;
    const wanted = query.plan_ids?.split(',').map((id) => id.trim());
    const plans = [...ctx.state.plans.values()].filter(
      (plan) => (query.product_id === undefined || plan.productId === query.product_id) &&
        (wanted === undefined || wanted.includes(plan.id)),
    );
    const page = paginate(ctx, '/v1/billing/plans', plans, query);
    const full = wantsRepresentation(req);
    return { plans: page.items.map((plan) => renderPlan(ctx, plan, full)), ...page.totals, links: page.links };
  });

  app.get<{ Params: IdParams }>('/v1/billing/plans/:id', async (req) => renderPlan(ctx, findPlan(ctx, req.params.id), true));

  for (const action of ['activate', 'deactivate'] as const) {
    app.post<{ Params: IdParams }>(`/v1/billing/plans/:id/${action}`, async (req, reply) => {
      const plan = findPlan(ctx, req.params.id);
      setPlanStatus(ctx, plan, action);
      const eventType = action === 'activate' ? 'BILLING.PLAN.ACTIVATED' : 'BILLING.PLAN.DEACTIVATED';
      publishCatalog(ctx, eventType, 'plan', `A billing plan was ${action}d.`, renderPlan(ctx, plan, true));
      return reply.status(204).send();
    });
  }
}
