// /v1/catalogs/products and /v1/billing/plans.
import type { FastifyInstance } from 'fastify';
import type { SandboxContext } from '../context';
import { jsonBody } from '../http';
import type { SubscriptionsBook } from './book';
import { createPlan, createProduct, setPlanStatus } from './catalog';
import { publishCatalog } from './events';
import { findPlan, findProduct } from './lookup';
import { paginate } from './pagination';
import { renderPlan, renderProduct, renderProductSummary } from './render';
import { requestId, wantsRepresentation } from './validate';

type Query = Record<string, string | undefined>;
type IdParams = { id: string };

export function registerCatalogRoutes(app: FastifyInstance, ctx: SandboxContext, book: SubscriptionsBook): void {
  /** Runs a create once per PayPal-Request-Id; a retry answers 200 with what the first request made. */
  function once<T extends { id: string }>(
    operation: string, headers: Record<string, string | string[] | undefined>, find: (id: string) => T, create: () => T,
  ): { record: T; replayed: boolean } {
    const id = requestId(headers);
    const key = id === undefined ? undefined : `${operation}:${id}`;
    const earlier = key === undefined ? undefined : book.replies.get(key);
    if (earlier !== undefined) return { record: find(earlier), replayed: true };
    const record = create();
    if (key !== undefined) book.replies.set(key, record.id);
    return { record, replayed: false };
  }

  app.post('/v1/catalogs/products', async (req, reply) => {
    const { record, replayed } = once('products', req.headers, (id) => findProduct(ctx, id),
      () => createProduct(ctx, jsonBody(req)));
    const body = renderProduct(ctx, record);
    if (!replayed) publishCatalog(ctx, 'CATALOG.PRODUCT.CREATED', 'product', 'A product is created.', body);
    return reply.status(replayed ? 200 : 201).send(body);
  });

  app.get('/v1/catalogs/products', async (req) => {
    const page = paginate(ctx, '/v1/catalogs/products', [...ctx.state.products.values()], req.query as Query);
    return { products: page.items.map((p) => renderProductSummary(ctx, p)), ...page.totals, links: page.links };
  });

  app.get<{ Params: IdParams }>('/v1/catalogs/products/:id', async (req) => renderProduct(ctx, findProduct(ctx, req.params.id)));

  app.post('/v1/billing/plans', async (req, reply) => {
    const { record, replayed } = once('plans', req.headers, (id) => findPlan(ctx, id),
      () => createPlan(ctx, book, jsonBody(req)));
    if (!replayed) {
      publishCatalog(ctx, 'BILLING.PLAN.CREATED', 'plan', 'A billing plan was created.', renderPlan(ctx, book, record, true));
    }
    return reply.status(replayed ? 200 : 201).send(renderPlan(ctx, book, record, wantsRepresentation(req.headers)));
  });

  app.get('/v1/billing/plans', async (req) => {
    const query = req.query as Query;
    const wanted = query.plan_ids?.split(',').map((id) => id.trim());
    const plans = [...ctx.state.plans.values()].filter(
      (plan) => (query.product_id === undefined || plan.productId === query.product_id) &&
        (wanted === undefined || wanted.includes(plan.id)),
    );
    const page = paginate(ctx, '/v1/billing/plans', plans, query);
    const full = wantsRepresentation(req.headers);
    return { plans: page.items.map((plan) => renderPlan(ctx, book, plan, full)), ...page.totals, links: page.links };
  });

  app.get<{ Params: IdParams }>('/v1/billing/plans/:id', async (req) => renderPlan(ctx, book, findPlan(ctx, req.params.id), true));

  for (const action of ['activate', 'deactivate'] as const) {
    app.post<{ Params: IdParams }>(`/v1/billing/plans/:id/${action}`, async (req, reply) => {
      const plan = findPlan(ctx, req.params.id);
      setPlanStatus(ctx, book, plan, action);
      const eventType = action === 'activate' ? 'BILLING.PLAN.ACTIVATED' : 'BILLING.PLAN.DEACTIVATED';
      publishCatalog(ctx, eventType, 'plan', `A billing plan was ${action}d.`, renderPlan(ctx, book, plan, true));
      return reply.status(204).send();
    });
  }
}
