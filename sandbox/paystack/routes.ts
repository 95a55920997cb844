// Paystack's API, as served under the stand-in's prefix: transactions, plans, subscriptions, refunds, disputes.
// Every answer is Paystack's envelope {status: true, message, data[, meta]}; errors are {status: false, message…}.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PaystackDeps } from './deps';
import { paystackErrors } from './errors';
import { paginate } from './pagination';
import { createPlan } from './plans';
import { createRefund, settleRefund } from './refunds';
import { disableSubscription, enableSubscription } from './subscriptions';
import { authorizationUrl, initializeTransaction } from './transactions';

type Json = Record<string, unknown>;
type ListQuery = {
  Querystring: { perPage?: string; page?: string; transaction?: string; plan?: string; customer?: string; interval?: string; status?: string };
};

const ok = (message: string, data?: unknown, meta?: Json): Json => ({
  status: true,
  message,
  ...(data !== undefined ? { data } : {}),
  ...(meta !== undefined ? { meta } : {}),
});

export function registerApiRoutes(app: FastifyInstance, deps: PaystackDeps): void {
  const { state, render } = deps;

  app.post('/transaction/initialize', async (req) => {
    const tx = initializeTransaction(deps, bodyOf(req));
    return ok('Authorization URL created', {
      authorization_url: authorizationUrl(deps, tx),
      access_code: tx.accessCode,
      reference: tx.reference,
    });
  });

  app.get<{ Params: { reference: string } }>('/transaction/verify/:reference', async (req) => {
    const tx = state.transactions.get(req.params.reference);
    if (!tx) throw paystackErrors.referenceNotFound();
    return ok('Verification successful', render.transaction(tx, 'verify'));
  });

  // Newest first, as Paystack lists them; filters `customer` (id) and `status`.
  app.get<ListQuery>('/transaction', async (req) => {
    const { customer, status } = req.query;
    const txs = [...state.transactions.values()]
      .filter((t) => (!customer || String(t.customerId) === customer) && (!status || t.status === status))
      .reverse();
    const { rows, meta } = paginate(txs, req.query);
    return ok('Transactions retrieved', rows.map((t) => render.transaction(t, 'fetch')), meta);
  });

  app.get<{ Params: { id: string } }>('/transaction/:id', async (req) => {
    const tx = /^\d+$/.test(req.params.id) ? state.transactionById(Number(req.params.id)) : undefined;
    if (!tx) throw paystackErrors.notFound('Transaction not found');
    return ok('Transaction retrieved', render.transaction(tx, 'fetch'));
  });

  app.post('/plan', async (req) => ok('Plan created', render.createdPlan(createPlan(deps, bodyOf(req)))));

  app.get<ListQuery>('/plan', async (req) => {
    const plans = [...state.plans.values()].filter((p) => !req.query.interval || p.interval === req.query.interval);
    const { rows, meta } = paginate(plans, req.query);
    return ok('Plans retrieved', rows.map((p) => render.plan(p, true)), meta);
  });

  app.get<{ Params: { id: string } }>('/plan/:id', async (req) => {
    const plan = state.plan(req.params.id);
    if (!plan) throw paystackErrors.notFound('Plan not found');
    return ok('Plan retrieved', render.plan(plan, false));
  });

  app.get<ListQuery>('/subscription', async (req) => {
    const plan = req.query.plan ? state.plan(req.query.plan) : undefined;
    const subs = [...state.subscriptions.values()].filter(
      (s) => (!req.query.plan || s.planCode === plan?.code) && (!req.query.customer || String(s.customerId) === req.query.customer),
    );
    const { rows, meta } = paginate(subs, req.query);
    return ok('Subscriptions retrieved', rows.map((s) => render.subscription(s)), meta);
  });

  app.get<{ Params: { code: string } }>('/subscription/:code', async (req) => {
    const sub = state.subscription(req.params.code);
    if (!sub) throw paystackErrors.notFound('Subscription not found');
    return ok('Subscription retrieved successfully', render.subscription(sub));
  });

  app.post('/subscription/disable', async (req) => {
    const body = bodyOf(req);
    disableSubscription(deps, body.code, body.token);
    return ok('Subscription disabled successfully');
  });

  app.post('/subscription/enable', async (req) => {
    const body = bodyOf(req);
    enableSubscription(deps, body.code, body.token);
    return ok('Subscription enabled successfully');
  });

  app.post('/refund', async (req) => {
    const body = bodyOf(req);
    const refund = createRefund(deps, {
      transaction: body.transaction,
      amount: body.amount,
      currency: body.currency,
      customer_note: body.customer_note,
      merchant_note: body.merchant_note,
    });
    const answer = ok('Refund has been queued for processing', render.createdRefund(refund));
    // Paystack processes refunds after it has answered; so does the sandbox, unless a test holds them.
    if (!deps.controls.holdRefunds) setImmediate(() => {
      if (refund.status === 'pending') settleRefund(deps, refund, 'processed');
    });
    return answer;
  });

  app.get<ListQuery>('/refund', async (req) => {
    const refunds = [...state.refunds.values()].filter((r) => {
      if (!req.query.transaction) return true;
      return r.transactionReference === req.query.transaction || String(state.transactions.get(r.transactionReference)?.id) === req.query.transaction;
    });
    const { rows, meta } = paginate(refunds, req.query);
    return ok('Refunds retrieved', rows.map((r) => render.refund(r)), meta);
  });

  app.get<{ Params: { id: string } }>('/refund/:id', async (req) => {
    const refund = /^\d+$/.test(req.params.id) ? state.refunds.get(Number(req.params.id)) : undefined;
    if (!refund) throw paystackErrors.notFound('Refund not found');
    return ok('Refund retrieved', render.refund(refund));
  });

  app.get<{ Params: { id: string } }>('/dispute/:id', async (req) => {
    const dispute = /^\d+$/.test(req.params.id) ? state.disputes.get(Number(req.params.id)) : undefined;
    if (!dispute) throw paystackErrors.notFound('Dispute not found');
    return ok('Dispute retrieved', render.dispute(dispute, 'api'));
  });
}

/** The body as an object (JSON or form-encoded, as Paystack accepts both); anything else reads as empty. */
export function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const body = req.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
