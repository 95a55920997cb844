// The buyer's side of a subscription: PayPal's hosted approval page behind the `approve` link.
// Pay approves and starts billing, then sends the buyer to the merchant's return_url; Cancel changes nothing
// and sends the buyer to cancel_url, as PayPal does.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { SandboxContext } from '../context';
import { escapeHtml, formatMoney, renderApprovalPage } from '../hosted-page';
import type { Subscription } from '../model';
import { approve, redirectUrl } from './lifecycle';
import { describeInterval } from './time';

const PAGE_PATH = '/webapps/billing/subscriptions';

type PageRequest = { Querystring: { ba_token?: string }; Body: { action?: string } | undefined };

export function registerApprovalPage(app: FastifyInstance, ctx: SandboxContext): void {
  const subscriptionFor = (token: string | undefined): Subscription | undefined => {
    const id = token === undefined ? undefined : ctx.state.subscriptionsByToken.get(token);
    return id === undefined ? undefined : ctx.state.subscriptions.get(id);
  };

  app.get<PageRequest>(PAGE_PATH, async (req, reply) => {
    const subscription = subscriptionFor(req.query.ba_token);
    if (subscription === undefined) return notFound(reply);
    if (subscription.status !== 'APPROVAL_PENDING') return noLongerPending(reply);
    const plan = ctx.state.plans.get(subscription.planId);
    if (plan === undefined) return notFound(reply);
    const product = ctx.state.products.get(plan.productId);
    const html = renderApprovalPage({
      title: 'Approve your subscription',
      merchant: subscription.brandName ?? ctx.options.merchantName,
      item: product ? `${product.name} (${plan.name})` : plan.name,
      price: `${formatMoney(plan.price.value, plan.price.currency_code)} / ${describeInterval(plan.interval)}`,
      buyerEmail: ctx.options.buyer.email,
      formAction: `${PAGE_PATH}?ba_token=${encodeURIComponent(subscription.billingToken)}`,
    });
    return reply.type('text/html; charset=utf-8').send(html);
  });

  app.post<PageRequest>(PAGE_PATH, async (req, reply) => {
    const subscription = subscriptionFor(req.query.ba_token);
    if (subscription === undefined) return notFound(reply);
    const action = req.body?.action;
    if (action !== 'pay' && action !== 'cancel') {
      return message(reply, 400, 'Unknown action', 'Choose Pay or Cancel on the approval page.');
    }
    if (action === 'cancel') {
      if (subscription.status !== 'APPROVAL_PENDING') return noLongerPending(reply);
      return subscription.cancelUrl
        ? reply.redirect(redirectUrl(subscription, subscription.cancelUrl), 302)
        : message(reply, 200, 'Subscription not approved', 'You can close this window.');
    }
    // A second Pay (a reload, a double click) finds it approved already and just redirects again.
    const approvedBefore = subscription.status === 'APPROVED' || subscription.status === 'ACTIVE';
    if (!approvedBefore) {
      if (subscription.status !== 'APPROVAL_PENDING') return noLongerPending(reply);
      approve(ctx, subscription);
    }
    return subscription.returnUrl
      ? reply.redirect(redirectUrl(subscription, subscription.returnUrl), 302)
      : message(reply, 200, 'Subscription approved', 'You can close this window.');
  });
}

function notFound(reply: FastifyReply): FastifyReply {
  return message(reply, 404, 'Subscription not found', 'This approval link is not valid.');
}

function noLongerPending(reply: FastifyReply): FastifyReply {
  return message(reply, 409, 'Nothing to approve', 'This subscription is no longer waiting for approval.');
}

function message(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></main></body></html>`;
  return reply.status(status).type('text/html; charset=utf-8').send(html);
}
