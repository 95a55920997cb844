// What Paystack's API shows (the truth), judged against our own checkout → provider-neutral billing events. Pure.
// A webhook only says where to look: statuses, amounts, currencies, plans and the customer behind a renewal all
// come from the API answers, and each is matched against what the checkout asked for before any event is
// produced. Event ids name the fact (the transaction, the subscription's state, the refund, the dispute), so the
// return, the webhook and reconciliation produce the same event and the second is a no-op.
import { minorUnits } from '../../../common/currency';
import type { BillingEvent, BillingEventType } from '../../billing/events';
import type { Judgement, ProviderRef } from '../port';
import type { DisputeView, RefundView, SubscriptionView, TransactionView } from './views';

export const PROVIDER = 'paystack';

export const factId = (type: BillingEventType, ...resource: (string | number)[]): string => `paystack:${type}:${resource.join(':')}`;

const ref = (id: string, kind: ProviderRef['kind']): ProviderRef => ({ provider: PROVIDER, ref: id, kind });
const no = (reason: string): Judgement => ({ ok: false, reason });
const yes = (events: BillingEvent[], refs: ProviderRef[]): Judgement => ({ ok: true, events, refs });

/** Our checkout id as a Paystack reference (letters, digits, "-", ".", "=" only): "_" becomes "." — our ids
 *  never hold a ".", so the mapping is one to one. */
export function referenceOf(checkoutId: string): string {
  return checkoutId.replaceAll('_', '.');
}

/** What our checkout asked Paystack for: the record every answer is matched against. */
export interface PaystackCheckoutFacts {
  id: string;
  kind: 'one_time' | 'recurring';
  /** Decimal in the currency's major unit, as in the plans file ("49.00"). */
  amount: string;
  currency: string;
  /** The transaction reference we initialized (our checkout id as a reference). */
  reference: string;
  /** The Paystack plan (PLN_…) of a recurring checkout's plan, else null. */
  planCode: string | null;
}

/** "49.00" USD → 4900: Paystack counts amounts in the currency's subunit. */
export function toSubunits(amount: string, currency: string): number {
  const [whole, fraction = ''] = amount.split('.');
  const decimals = minorUnits(currency);
  return Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0').slice(0, decimals) || '0');
}

export function fromSubunits(subunits: number, currency: string): string {
  const decimals = minorUnits(currency);
  if (decimals === 0) return String(subunits);
  const text = String(subunits).padStart(decimals + 1, '0');
  return `${text.slice(0, -decimals)}.${text.slice(-decimals)}`;
}

/** The transaction is the checkout's own: its reference, our checkout id in its metadata, its price, currency
 *  and (recurring) plan. Null when it is; else why not. */
export function transactionMismatch(tx: TransactionView, checkout: PaystackCheckoutFacts): string | null {
  if (tx.reference !== checkout.reference) return 'wrong_resource';
  if (tx.checkoutId !== checkout.id) return 'custom_id_mismatch';
  if (tx.currency !== checkout.currency) return 'currency_mismatch';
  if (tx.amount !== toSubunits(checkout.amount, checkout.currency)) return 'amount_mismatch';
  if (checkout.kind === 'recurring' && tx.planCode !== checkout.planCode) return 'plan_mismatch';
  return null;
}

const PAID = new Set(['success', 'reversed']);
const UNSETTLED = new Set(['abandoned', 'ongoing', 'pending', 'processing', 'queued']);

export type PaymentVerdict = Judgement | { ok: 'not-paid' };

/** A one-time checkout's payment as verify shows it. */
export function judgeOneTimePayment(tx: TransactionView, checkout: PaystackCheckoutFacts, now: number): PaymentVerdict {
  const mismatch = transactionMismatch(tx, checkout);
  if (mismatch !== null) return no(mismatch);
  const at = tx.paidAt ?? tx.createdAt ?? now;
  const refs = [ref(tx.reference, 'order'), ref(tx.id, 'capture')];
  if (PAID.has(tx.status)) {
    return yes([{ id: factId('payment.completed', tx.reference), at, type: 'payment.completed', transactionId: tx.reference, amount: money(tx) }], refs);
  }
  if (tx.status === 'failed') return yes([{ id: factId('payment.failed', tx.reference), at, type: 'payment.failed', transactionId: tx.reference, reason: 'FAILED' }], refs);
  if (UNSETTLED.has(tx.status)) return { ok: 'not-paid' };
  return no('not_confirmed');
}

/** The subscription is on the checkout's plan (the caller knows it is bound to the checkout). */
export function subscriptionMismatch(subscription: SubscriptionView, checkout: PaystackCheckoutFacts): string | null {
  if (checkout.kind !== 'recurring') return 'subscription_mismatch';
  if (subscription.planCode !== checkout.planCode) return 'plan_mismatch';
  return null;
}

/** A subscription payment: paid, for the checkout's plan, price and currency, by the subscription's own customer. */
export function judgeRenewal(tx: TransactionView, subscription: SubscriptionView, checkout: PaystackCheckoutFacts, now: number): Judgement {
  const mismatch = subscriptionMismatch(subscription, checkout);
  if (mismatch !== null) return no(mismatch);
  if (!PAID.has(tx.status)) return no('not_confirmed');
  if (tx.planCode !== checkout.planCode) return no('plan_mismatch');
  if (tx.currency !== checkout.currency) return no('currency_mismatch');
  if (tx.amount !== toSubunits(checkout.amount, checkout.currency)) return no('amount_mismatch');
  // The first payment is the checkout's own transaction; a renewal must be paid by the subscription's customer.
  if (tx.reference !== checkout.reference && (tx.customerId === null || tx.customerId !== subscription.customerId)) return no('customer_mismatch');
  if (subscription.nextPaymentDate === null) return no('no_paid_through');
  const at = tx.paidAt ?? tx.createdAt ?? now;
  return yes(
    [{ id: factId('subscription.renewed', tx.reference), at, type: 'subscription.renewed', subscriptionId: subscription.code, transactionId: tx.reference, amount: money(tx), paidThrough: subscription.nextPaymentDate }],
    [ref(subscription.code, 'subscription'), ref(tx.reference, tx.reference === checkout.reference ? 'order' : 'sale'), ref(tx.id, 'capture')],
  );
}

/** A subscription Paystack made for a payment is created with it: no earlier than the transaction itself. */
export const CREATION_SLACK_MS = 5 * 60_000;

/** Reconciliation: the subscription's paid renewals among its customer's transactions (Paystack's subscription
 *  answer lists no payments), each judged as the webhook road judges it (judgeRenewal), under the same fact ids.
 *  Paystack's transaction names no subscription, so a payment is counted only where nothing else can claim it: the
 *  checkout's own first payment (the same fact settling produced), or a payment on the subscription's plan made
 *  after it was created, carrying no checkout's metadata, while the customer held no other subscription to the
 *  plan. `others`: the customer's other subscriptions. Pure; what does not pass is left out, never an error. */
export function subscriptionRenewals(
  transactions: readonly TransactionView[], subscription: SubscriptionView, others: readonly SubscriptionView[],
  checkout: PaystackCheckoutFacts, now: number,
): { events: BillingEvent[]; refs: ProviderRef[] } {
  const events: BillingEvent[] = [];
  const refs: ProviderRef[] = [];
  const rivals = others.filter((o) => o.code !== subscription.code && o.planCode === subscription.planCode);
  for (const tx of transactions) {
    if (!PAID.has(tx.status)) continue;
    if (tx.reference !== checkout.reference) {
      const paidAt = tx.paidAt ?? tx.createdAt;
      if (paidAt === null || subscription.createdAt === null || tx.checkoutId !== null || tx.planCode !== subscription.planCode) continue;
      if (paidAt < subscription.createdAt - CREATION_SLACK_MS) continue;
      // Two subscriptions of one customer to one plan: whose renewal this is, only the webhook can say.
      if (rivals.some((o) => o.createdAt === null || o.createdAt <= paidAt + CREATION_SLACK_MS)) continue;
    }
    const renewal = judgeRenewal(tx, subscription, checkout, now);
    if (!renewal.ok) continue;
    events.push(...renewal.events);
    refs.push(...renewal.refs.filter((r) => r.kind !== 'subscription'));
  }
  return { events, refs };
}

/** The activation of the checkout's subscription, as the API shows it now. */
export function activationEvent(subscription: SubscriptionView, now: number): BillingEvent | null {
  if (subscription.status !== 'active' && subscription.status !== 'attention' && subscription.status !== 'non-renewing') return null;
  if (subscription.nextPaymentDate === null) return null;
  return {
    id: factId('subscription.activated', subscription.code),
    at: subscription.createdAt ?? now,
    type: 'subscription.activated',
    subscriptionId: subscription.code,
    paidThrough: subscription.nextPaymentDate,
  };
}

export type SubscriptionChange = 'subscription.create' | 'subscription.not_renew' | 'subscription.disable' | 'invoice.payment_failed';

/** A subscription event, believed only while the API still shows it. */
export function judgeSubscriptionChange(change: SubscriptionChange, subscription: SubscriptionView, checkout: PaystackCheckoutFacts, now: number): Judgement {
  const mismatch = subscriptionMismatch(subscription, checkout);
  if (mismatch !== null) return no(mismatch);
  const refs = [ref(subscription.code, 'subscription')];
  const event = subscriptionStateEvent(change, subscription, now);
  return event === null ? no('not_confirmed') : yes([event], refs);
}

function subscriptionStateEvent(change: SubscriptionChange, subscription: SubscriptionView, now: number): BillingEvent | null {
  const { code, status } = subscription;
  switch (change) {
    case 'subscription.create':
      return activationEvent(subscription, now);
    case 'subscription.not_renew':
      // Not renewing: no more charges, access until the paid period ends (the billing core's canceled).
      return status === 'non-renewing' || status === 'cancelled' ? cancelled(code, now) : null;
    case 'subscription.disable':
      if (status === 'cancelled' || status === 'non-renewing') return cancelled(code, now);
      return status === 'complete' || status === 'completed' ? { id: factId('subscription.expired', code), at: now, type: 'subscription.expired', subscriptionId: code } : null;
    case 'invoice.payment_failed':
      return status === 'attention' ? failure(subscription, now) : null;
  }
}

const cancelled = (code: string, now: number): BillingEvent => ({ id: factId('subscription.cancelled', code), at: now, type: 'subscription.cancelled', subscriptionId: code });

function failure(subscription: SubscriptionView, now: number): BillingEvent {
  // One fact per failed attempt: the invoice it failed on names it.
  const attempt = subscription.latestInvoiceCode ?? subscription.nextPaymentDate ?? 'latest';
  return { id: factId('subscription.payment_failed', subscription.code, attempt), at: now, type: 'subscription.payment_failed', subscriptionId: subscription.code };
}

/** Everything the subscription's current state says (reconciliation): activation and how it stands now. */
export function subscriptionStateFacts(subscription: SubscriptionView, checkout: PaystackCheckoutFacts, now: number): Judgement {
  const mismatch = subscriptionMismatch(subscription, checkout);
  if (mismatch !== null) return no(mismatch);
  const events: BillingEvent[] = [];
  const activated = activationEvent(subscription, now);
  if (activated) events.push(activated);
  if (subscription.status === 'non-renewing' || subscription.status === 'cancelled') events.push(cancelled(subscription.code, now));
  if (subscription.status === 'complete' || subscription.status === 'completed') events.push({ id: factId('subscription.expired', subscription.code), at: now, type: 'subscription.expired', subscriptionId: subscription.code });
  if (subscription.status === 'attention') events.push(failure(subscription, now));
  return yes(events, [ref(subscription.code, 'subscription')]);
}

/** Money given back on one of the checkout's transactions: the refunds Paystack shows processed for it. */
export function judgeRefund(tx: TransactionView, refunds: readonly RefundView[], checkout: PaystackCheckoutFacts, now: number): Judgement {
  if (checkout.kind === 'one_time') {
    const mismatch = transactionMismatch(tx, checkout);
    if (mismatch !== null) return no(mismatch);
  } else if (tx.planCode !== checkout.planCode) {
    return no('plan_mismatch');
  }
  const processed = refunds.filter((r) => r.status === 'processed' && r.transactionId === tx.id && r.currency === tx.currency);
  if (processed.length === 0) return no('not_confirmed');
  const latest = processed.reduce((a, b) => ((b.createdAt ?? 0) > (a.createdAt ?? 0) ? b : a));
  const total = processed.reduce((sum, r) => sum + r.amount, 0);
  const full = total >= tx.amount;
  const events: BillingEvent[] = [];
  // The payment itself, as the API shows it, comes along: money can come back before any road recorded it.
  if (checkout.kind === 'one_time') {
    const paid = judgeOneTimePayment(tx, checkout, now);
    if (paid.ok === true) events.push(...paid.events);
  }
  events.push({
    id: factId('payment.refunded', latest.id), at: latest.createdAt ?? now, type: 'payment.refunded',
    transactionId: tx.reference, amount: { value: fromSubunits(total, tx.currency), currency: tx.currency }, full,
  });
  return yes(events, [...processed.map((r) => ref(r.id, 'refund'))]);
}

/** A dispute over one of our transactions, as the API shows it now. merchant-accepted or auto-accepted: the
 *  customer got the money back; declined: the merchant kept it. */
export function judgeDispute(dispute: DisputeView, resolve: boolean, now: number): Judgement {
  const reference = dispute.transactionReference;
  if (reference === null) return no('wrong_resource');
  const refs = [ref(dispute.id, 'dispute')];
  if (!resolve) {
    return yes([{ id: factId('dispute.opened', dispute.id, reference), at: dispute.createdAt ?? now, type: 'dispute.opened', disputeId: dispute.id, transactionId: reference }], refs);
  }
  if (dispute.status !== 'resolved') return no('not_confirmed');
  // auto-accepted: the merchant did not answer in time, and the customer got the money back.
  const outcome = dispute.resolution === 'merchant-accepted' || dispute.resolution === 'auto-accepted' ? 'buyer' : dispute.resolution === 'declined' ? 'seller' : undefined;
  if (outcome === undefined) return no('not_confirmed');
  return yes([{ id: factId('dispute.resolved', dispute.id), at: dispute.resolvedAt ?? now, type: 'dispute.resolved', disputeId: dispute.id, outcome }], refs);
}

function money(tx: TransactionView) {
  return { value: fromSubunits(tx.amount, tx.currency), currency: tx.currency };
}
