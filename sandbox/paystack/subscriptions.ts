// Subscriptions: started by the first successful payment of a transaction initialized with a plan, renewed on
// the sandbox clock, disabled by the merchant with the code and the email token.
//
// Life as Paystack documents it: `active`; a renewal whose charge fails → `attention` (invoice.payment_failed),
// the next successful one → `active` again; disabled → `non-renewing` (subscription.not_renew) until the end of
// the period paid for, then `cancelled` (subscription.disable); the plan's invoice_limit reached → `complete`
// (subscription.disable, status complete).
import { billingDate } from './billing-dates';
import { nowIso, type PaystackDeps } from './deps';
import type { PaystackError} from './errors';
import { paystackErrors } from './errors';
import { paystackIds } from './ids';
import type { PaystackInvoice, PaystackSubscription, PaystackTransaction } from './model';
import { chargeAuthorization } from './transactions';

/** More renewals than this in one clock move means a clock moved absurdly far; the rest wait for the next move. */
const MAX_RENEWALS_PER_RUN = 10_000;

export function startSubscription(deps: PaystackDeps, tx: PaystackTransaction): PaystackSubscription | undefined {
  const plan = tx.planCode ? deps.state.plans.get(tx.planCode) : undefined;
  if (!plan || !tx.authorization || !tx.paidAt) return undefined;
  const paidUntil = billingDate(tx.paidAt, plan.interval, 1);
  const complete = plan.invoiceLimit === 1;
  const sub: PaystackSubscription = {
    id: deps.state.ids.subscription.take(),
    code: paystackIds.subscription(),
    emailToken: paystackIds.emailToken(),
    planCode: plan.code,
    customerId: tx.customerId,
    authorization: tx.authorization,
    status: complete ? 'complete' : 'active',
    amount: plan.amount,
    start: Math.floor(Date.parse(tx.paidAt) / 1000),
    nextPaymentDate: complete ? null : paidUntil,
    paidUntil,
    paymentsCount: 1,
    openInvoice: undefined,
    invoiceCodes: [],
    renewalOutcome: 'success',
    createdAt: tx.paidAt,
    updatedAt: tx.paidAt,
  };
  deps.state.subscriptions.set(sub.code, sub);
  tx.subscriptionCode = sub.code;
  deps.webhooks.publish('subscription.create', deps.render.subscriptionEvent(sub));
  if (complete) deps.webhooks.publish('subscription.disable', deps.render.subscriptionEvent(sub));
  return sub;
}

/** Runs every renewal and every end of a non-renewing period that the sandbox clock has reached. */
export function runDueRenewals(deps: PaystackDeps): void {
  const now = deps.clock.now();
  let budget = MAX_RENEWALS_PER_RUN;
  for (const sub of deps.state.subscriptions.values()) {
    if (sub.status === 'non-renewing' && Date.parse(sub.paidUntil) <= now) {
      setStatus(deps, sub, 'cancelled');
      deps.webhooks.publish('subscription.disable', deps.render.subscriptionEvent(sub));
      continue;
    }
    while (budget-- > 0 && renews(sub) && sub.nextPaymentDate !== null && Date.parse(sub.nextPaymentDate) <= now) {
      renew(deps, sub, sub.renewalOutcome);
    }
  }
}

function renews(sub: PaystackSubscription): boolean {
  return sub.status === 'active' || sub.status === 'attention';
}

/**
 * One billing cycle: the invoice is created (invoice.create), the card charged; paid → charge.success and
 * invoice.update; declined → invoice.payment_failed and the subscription needs attention. Either way the next
 * payment date moves one interval on.
 */
export function renew(deps: PaystackDeps, sub: PaystackSubscription, outcome: 'success' | 'failed'): PaystackInvoice {
  if (!renews(sub)) throw paystackErrors.invalid(`Subscription is ${sub.status}; only an active subscription renews`);
  const plan = deps.state.plans.get(sub.planCode);
  if (!plan) throw paystackErrors.notFound('Plan not found');
  const periodStart = sub.nextPaymentDate ?? nowIso(deps);
  // From the period's own start (already moved to the 28th where Paystack's rule applies), so a subscription
  // enabled again after a gap is not billed for the gap.
  const periodEnd = billingDate(periodStart, plan.interval, 1);
  const invoice: PaystackInvoice = {
    code: paystackIds.invoice(),
    subscriptionCode: sub.code,
    amount: sub.amount,
    periodStart,
    periodEnd,
    status: 'pending',
    paidAt: null,
    transactionReference: undefined,
    createdAt: nowIso(deps),
  };
  deps.state.invoices.set(invoice.code, invoice);
  sub.invoiceCodes.push(invoice.code);
  sub.openInvoice = invoice.code;
  deps.webhooks.publish('invoice.create', deps.render.invoiceEvent(invoice));

  const tx = chargeAuthorization(
    deps,
    { amount: sub.amount, currency: plan.currency, customerId: sub.customerId, planCode: plan.code, authorization: sub.authorization, subscriptionCode: sub.code },
    outcome,
  );
  invoice.transactionReference = tx.reference;
  sub.nextPaymentDate = periodEnd;
  if (outcome === 'success') {
    invoice.status = 'success';
    invoice.paidAt = tx.paidAt;
    sub.openInvoice = undefined;
    sub.paidUntil = periodEnd;
    sub.paymentsCount += 1;
    setStatus(deps, sub, 'active');
    const completes = plan.invoiceLimit > 0 && sub.paymentsCount >= plan.invoiceLimit;
    if (completes) {
      setStatus(deps, sub, 'complete');
      sub.nextPaymentDate = null;
    }
    deps.webhooks.publish('invoice.update', deps.render.invoiceEvent(invoice));
    if (completes) deps.webhooks.publish('subscription.disable', deps.render.subscriptionEvent(sub));
  } else {
    invoice.status = 'failed';
    setStatus(deps, sub, 'attention');
    deps.webhooks.publish('invoice.payment_failed', deps.render.invoiceEvent(invoice));
  }
  return invoice;
}

/** POST /subscription/disable: the code and the email token must match an active subscription. */
export function disableSubscription(deps: PaystackDeps, code: unknown, token: unknown): PaystackSubscription {
  const sub = withToken(deps, code, token);
  if (!renews(sub)) throw notFoundOrInactive();
  sub.nextPaymentDate = null;
  setStatus(deps, sub, 'non-renewing');
  deps.webhooks.publish('subscription.not_renew', deps.render.subscriptionEvent(sub));
  return sub;
}

/** POST /subscription/enable: a non-renewing or cancelled subscription renews again from the end of its paid
 *  period (or now, if that has passed). */
export function enableSubscription(deps: PaystackDeps, code: unknown, token: unknown): PaystackSubscription {
  const sub = withToken(deps, code, token);
  if (sub.status !== 'non-renewing' && sub.status !== 'cancelled') {
    throw paystackErrors.invalid('Subscription with code not found or already active');
  }
  sub.nextPaymentDate = new Date(Math.max(Date.parse(sub.paidUntil), deps.clock.now())).toISOString();
  setStatus(deps, sub, 'active');
  return sub;
}

/** Cancelled at once (the control API: the customer cancels from Paystack's manage page, a card is blocked). */
export function cancelSubscription(deps: PaystackDeps, sub: PaystackSubscription): PaystackSubscription {
  if (sub.status === 'cancelled' || sub.status === 'complete') throw paystackErrors.invalid(`Subscription is already ${sub.status}`);
  sub.nextPaymentDate = null;
  setStatus(deps, sub, 'cancelled');
  deps.webhooks.publish('subscription.disable', deps.render.subscriptionEvent(sub));
  return sub;
}

function withToken(deps: PaystackDeps, code: unknown, token: unknown): PaystackSubscription {
  if (typeof code !== 'string' || code === '') throw paystackErrors.missing('Subscription code is required');
  if (typeof token !== 'string' || token === '') throw paystackErrors.missing('Email token is required');
  const sub = deps.state.subscriptions.get(code);
  if (!sub || sub.emailToken !== token) throw notFoundOrInactive();
  return sub;
}

function notFoundOrInactive(): PaystackError {
  return paystackErrors.invalid('Subscription with code not found or already inactive');
}

function setStatus(deps: PaystackDeps, sub: PaystackSubscription, status: PaystackSubscription['status']): void {
  sub.status = status;
  sub.updatedAt = nowIso(deps);
}
