// What PayPal's API shows (the truth), judged against our own checkout → provider-neutral billing events.
// Pure. A webhook trigger only says which fact to look for: statuses, amounts, times and the links between
// resources (capture → order, sale → subscription, refund → capture/sale) all come from the API answers, and
// each is matched against what the checkout asked for before any event is produced. Event ids name the fact
// (fact-ids.ts), so every road that learns it produces the same event.
import type { BillingEvent, Money } from '../../billing/events';
import type { ProviderRefEntry } from '../../store/provider-refs';
import { billingDate, billingDateAfter } from './billing-period';
import { factId } from './fact-ids';
import { sameDecimal } from './fields';
import { matchesCheckout, matchesSubscriptionCheckout, type CheckoutMismatch } from './matches-checkout';
import type { CaptureTrigger, DisputeTrigger, RefundTrigger, SaleTrigger, SubscriptionTrigger } from './translate';
import type {
  CaptureRefundView, CaptureView, DisputeView, PlanView, SaleRefundView, SaleView, SubscriptionView,
} from './views';

/** The API answers fetched for a trigger (fetch-truth.ts): only those its kind needs. */
export interface ProviderTruth {
  capture?: CaptureView;
  captureRefund?: CaptureRefundView;
  sale?: SaleView;
  saleRefund?: SaleRefundView;
  subscription?: SubscriptionView;
  /** The subscription's plan, fetched only when the subscription no longer shows next_billing_time. */
  plan?: PlanView;
  dispute?: DisputeView;
}

/** What our own checkout asked PayPal for: the record every answer is matched against. */
export interface CheckoutFacts {
  id: string;
  kind: 'one_time' | 'recurring';
  amount: string;
  currency: string;
  providerOrderId: string | null;
  providerSubscriptionId: string | null;
  /** The PayPal plan (P-…) of the checkout's plan; null for one-time plans. */
  providerPlanId: string | null;
}

export type NotConfirmedReason =
  | CheckoutMismatch
  /** PayPal does not know the id the body names. */
  | 'not_found'
  /** The API's resource is not the one named, or is not linked to it as claimed. */
  | 'wrong_resource'
  /** The resource hangs from another order/subscription than the checkout's. */
  | 'order_mismatch'
  | 'subscription_mismatch'
  /** The resource's current state does not bear the event out. */
  | 'not_confirmed'
  /** A payment's paid-through date can be read neither from next_billing_time nor from the plan's cycle. */
  | 'no_paid_through'
  /** A provider id already bound to another checkout or license was claimed for this one. */
  | 'ref_conflict';

export type ProviderRef = Omit<ProviderRefEntry, 'licenseId' | 'checkoutId'>;

export type Judgement =
  | { ok: true; events: BillingEvent[]; refs: ProviderRef[] }
  | { ok: false; reason: NotConfirmedReason };

const PROVIDER = 'paypal';
const no = (reason: NotConfirmedReason): Judgement => ({ ok: false, reason });
const yes = (events: BillingEvent[], refs: ProviderRef[]): Judgement => ({ ok: true, events, refs });
const ref = (id: string, kind: ProviderRef['kind']): ProviderRef => ({ provider: PROVIDER, ref: id, kind });

/** The event a capture's current state stands for. A refunded capture did complete; its refund is a fact of
 *  its own. Dated by PayPal's capture time, so a refund made before any road recorded it still sorts after. */
export function captureEvent(capture: CaptureView, now: number): BillingEvent {
  const at = capture.createTime ?? now;
  const transactionId = capture.id;
  switch (capture.status) {
    case 'COMPLETED':
    case 'REFUNDED':
    case 'PARTIALLY_REFUNDED':
      return { id: factId('payment.completed', capture.id), at, type: 'payment.completed', transactionId, amount: capture.amount };
    case 'PENDING':
      return { id: factId('payment.pending', capture.id), at, type: 'payment.pending', transactionId };
    case 'DECLINED':
    case 'FAILED':
      return { id: factId('payment.failed', capture.id), at, type: 'payment.failed', transactionId, reason: capture.status };
  }
}

/** A capture of the checkout's own order, for the checkout's custom_id, amount and currency. */
export function judgeCapture(capture: CaptureView, checkout: CheckoutFacts, now: number): Judgement {
  if (checkout.kind !== 'one_time' || checkout.providerOrderId === null) return no('order_mismatch');
  if (capture.orderId !== null && capture.orderId !== checkout.providerOrderId) return no('order_mismatch');
  const match = matchesCheckout(capture, checkout);
  // A capture that is ours but not (yet) completed still tells its story: pending or declined.
  if (!match.ok && match.reason !== 'status_not_completed') return no(match.reason);
  return yes([captureEvent(capture, now)], [ref(capture.id, 'capture'), ref(checkout.providerOrderId, 'order')]);
}

export function judgeCaptureTrigger(trigger: CaptureTrigger, truth: ProviderTruth, checkout: CheckoutFacts, now: number): Judgement {
  const { capture } = truth;
  if (capture === undefined) return no('not_found');
  if (capture.id !== trigger.captureId) return no('wrong_resource');
  return judgeCapture(capture, checkout, now);
}

/**
 * A refund or reversal. The refunded transaction is the API's (the refund's `up` link or `sale_id`), and it must
 * be this checkout's: a capture of its order for its custom_id, or a sale of its subscription.
 */
export function judgeRefund(trigger: RefundTrigger, truth: ProviderTruth, checkout: CheckoutFacts, now: number): Judgement {
  return trigger.api === 'v2' ? judgeCaptureRefund(trigger, truth, checkout, now) : judgeSaleRefund(trigger, truth, checkout, now);
}

/**
 * Orders v2 shows a chargeback on a capture exactly as it shows a refund (the capture REFUNDED, a refund
 * resource), so which of the two happened cannot be read back: the body's word "reversed" is not believed, and the
 * fact recorded is the refund the API shows. A refund the API does not show by its id counts only when the capture
 * shows all its money gone.
 */
function judgeCaptureRefund(trigger: RefundTrigger, truth: ProviderTruth, checkout: CheckoutFacts, now: number): Judgement {
  const { capture, captureRefund: refund } = truth;
  if (capture === undefined) return no('not_found');
  if (refund !== undefined && refund.captureId !== capture.id) return no('wrong_resource');
  if (refund === undefined && !trigger.transactionIds.includes(capture.id)) return no('wrong_resource');
  if (checkout.providerOrderId === null || capture.orderId !== checkout.providerOrderId) return no('order_mismatch');
  // As for the capture itself (judgeCapture): custom_id, where PayPal shows one, must be ours.
  if (capture.customId !== null && capture.customId !== checkout.id) return no('custom_id_mismatch');
  if (refund !== undefined && refund.status !== 'COMPLETED') return no('not_confirmed');
  if (refund !== undefined && refund.amount.currency !== capture.amount.currency) return no('currency_mismatch');
  const full = capture.status === 'REFUNDED';
  if (!full && (refund === undefined || capture.status !== 'PARTIALLY_REFUNDED')) return no('not_confirmed');
  const refs = [ref(capture.id, 'capture'), ...(refund ? [ref(refund.id, 'refund')] : [])];
  // The payment itself, as the API shows it, comes along: money can come back before any road recorded it.
  const paid = judgeCapture(capture, checkout, now);
  return yes([...(paid.ok ? paid.events : []), moneyBack(false, refund ?? null, capture.id, capture.amount, full, now)], refs);
}

/** v1 shows a chargeback apart from a refund (the sale `reversed`); a refund the API does not show by its id
 *  counts only when the sale shows all its money gone. */
function judgeSaleRefund(trigger: RefundTrigger, truth: ProviderTruth, checkout: CheckoutFacts, now: number): Judgement {
  const { sale, saleRefund: refund } = truth;
  if (sale === undefined) return no('not_found');
  if (refund !== undefined && refund.saleId !== sale.id) return no('wrong_resource');
  if (refund === undefined && !trigger.transactionIds.includes(sale.id)) return no('wrong_resource');
  if (checkout.providerSubscriptionId === null || sale.billingAgreementId !== checkout.providerSubscriptionId) return no('subscription_mismatch');
  if (refund !== undefined && refund.state !== 'completed') return no('not_confirmed');
  if (refund !== undefined && refund.amount.currency !== sale.amount.currency) return no('currency_mismatch');
  const confirmed = trigger.reversal
    ? sale.state === 'reversed'
    : sale.state === 'refunded' || sale.state === 'reversed' || (refund !== undefined && sale.state === 'partially_refunded');
  if (!confirmed) return no('not_confirmed');
  const full = sale.state !== 'partially_refunded';
  const refs = [ref(sale.id, 'sale'), ...(refund ? [ref(refund.id, 'refund')] : [])];
  // The payment itself, as the API shows it, comes along: money can come back before any road recorded it.
  const { subscription, plan } = truth;
  const paid = subscription !== undefined && subscription.id === sale.billingAgreementId && matchesOurSubscription(subscription, checkout) === null
    ? renewal(sale.id, sale.amount, sale.createTime, true, subscription, plan, checkout, now)
    : null;
  return yes([...(paid?.ok ? paid.events : []), moneyBack(trigger.reversal, refund ?? null, sale.id, sale.amount, full, now)], refs);
}

function moneyBack(
  reversal: boolean,
  refund: CaptureRefundView | SaleRefundView | null,
  transactionId: string,
  transactionAmount: Money,
  full: boolean,
  now: number,
): BillingEvent {
  // Without a refund the API could show, the transaction's own state is the fact: one per transaction.
  const at = refund?.createTime ?? now;
  const amount = refund?.amount ?? transactionAmount;
  const named = refund?.id ?? transactionId;
  return reversal
    ? { id: factId('payment.reversed', named), at, type: 'payment.reversed', transactionId, amount }
    : { id: factId('payment.refunded', named), at, type: 'payment.refunded', transactionId, amount, full };
}

/** The subscription is the checkout's own: its id, our custom_id and the checkout's plan. */
export function matchesOurSubscription(subscription: SubscriptionView, checkout: CheckoutFacts): NotConfirmedReason | null {
  if (checkout.kind !== 'recurring' || subscription.id !== checkout.providerSubscriptionId) return 'subscription_mismatch';
  const match = matchesSubscriptionCheckout(subscription, { id: checkout.id, planId: checkout.providerPlanId ?? '' });
  return match.ok || match.reason === 'status_not_active' ? null : match.reason;
}

const AFTER_ACTIVATION: ReadonlySet<SubscriptionView['status']> = new Set(['ACTIVE', 'SUSPENDED', 'CANCELLED', 'EXPIRED']);

/** The activation PayPal shows now: one fact per time the subscription became ACTIVE (first activation, or
 *  after a suspension), the same on every road that reads it. */
export function activationEvent(subscription: SubscriptionView, plan: PlanView | undefined, now: number): BillingEvent | null {
  const paidThrough = subscription.nextBillingTime ?? paidThroughByPlan(subscription, plan, subscription.lastPayment?.time ?? null);
  if (paidThrough === null) return null;
  const since = subscription.statusUpdateTime ?? subscription.startTime ?? 0;
  return {
    id: factId('subscription.activated', subscription.id, since),
    at: subscription.statusUpdateTime ?? now,
    type: 'subscription.activated',
    subscriptionId: subscription.id,
    paidThrough,
  };
}

export function judgeSubscription(trigger: SubscriptionTrigger, truth: ProviderTruth, checkout: CheckoutFacts, now: number): Judgement {
  const { subscription, plan } = truth;
  if (subscription === undefined) return no('not_found');
  if (subscription.id !== trigger.subscriptionId) return no('wrong_resource');
  const mismatch = matchesOurSubscription(subscription, checkout);
  if (mismatch !== null) return no(mismatch);
  if (!AFTER_ACTIVATION.has(subscription.status)) return no('not_confirmed');
  const refs = [ref(subscription.id, 'subscription')];
  const { status } = subscription;
  // Each transition is believed only while the API still shows it, and is dated by the API. One the subscription
  // has since left is not applied on the body's word (its times are the sender's to choose): the state PayPal
  // shows now reaches us by its own webhook and by reconciliation.
  switch (trigger.eventType) {
    case 'BILLING.SUBSCRIPTION.ACTIVATED':
    case 'BILLING.SUBSCRIPTION.RE-ACTIVATED': {
      if (status !== 'ACTIVE') return no('not_confirmed');
      const activated = activationEvent(subscription, plan, now);
      return activated === null ? no('no_paid_through') : yes([activated], refs);
    }
    case 'BILLING.SUBSCRIPTION.SUSPENDED':
      return status === 'SUSPENDED' ? yes([suspensionEvent(subscription, now)], refs) : no('not_confirmed');
    case 'BILLING.SUBSCRIPTION.CANCELLED':
      return status === 'CANCELLED' ? yes([endEvent(subscription, 'subscription.cancelled', now)], refs) : no('not_confirmed');
    case 'BILLING.SUBSCRIPTION.EXPIRED':
      return status === 'EXPIRED' ? yes([endEvent(subscription, 'subscription.expired', now)], refs) : no('not_confirmed');
    case 'BILLING.SUBSCRIPTION.PAYMENT.FAILED': {
      const failed = failureEvent(subscription);
      return failed === null ? no('not_confirmed') : yes([failed], refs);
    }
  }
}

export function suspensionEvent(subscription: SubscriptionView, now: number): BillingEvent {
  const since = subscription.statusUpdateTime ?? now;
  return { id: factId('subscription.suspended', subscription.id, since), at: since, type: 'subscription.suspended', subscriptionId: subscription.id };
}

export function endEvent(subscription: SubscriptionView, type: 'subscription.cancelled' | 'subscription.expired', now: number): BillingEvent {
  return { id: factId(type, subscription.id), at: subscription.statusUpdateTime ?? now, type, subscriptionId: subscription.id };
}

/** The latest failed payment PayPal shows (billing_info.last_failed_payment), if any: one fact per failed attempt,
 *  named and dated by its time. */
export function failureEvent(subscription: SubscriptionView): BillingEvent | null {
  const at = subscription.lastFailedPaymentTime;
  if (at === null) return null;
  return { id: factId('subscription.payment_failed', subscription.id, at), at, type: 'subscription.payment_failed', subscriptionId: subscription.id };
}

const SALE_WAS_PAID: ReadonlySet<SaleView['state']> = new Set(['completed', 'partially_refunded', 'refunded', 'reversed']);

/** A subscription payment: a sale of the checkout's own subscription, for the checkout's price. */
export function judgeSale(trigger: SaleTrigger, truth: ProviderTruth, checkout: CheckoutFacts, now: number): Judgement {
  const { sale, subscription } = truth;
  if (sale === undefined || subscription === undefined) return no('not_found');
  if (sale.id !== trigger.saleId) return no('wrong_resource');
  if (sale.billingAgreementId !== subscription.id) return no('wrong_resource');
  const mismatch = matchesOurSubscription(subscription, checkout);
  if (mismatch !== null) return no(mismatch);
  return renewal(sale.id, sale.amount, sale.createTime, SALE_WAS_PAID.has(sale.state), subscription, truth.plan, checkout, now);
}

/** A paid cycle: shared by the webhook (a sale) and reconciliation (the subscription's transaction list). */
export function renewal(
  saleId: string,
  amount: Money,
  paidAt: number | null,
  paid: boolean,
  subscription: SubscriptionView,
  plan: PlanView | undefined,
  checkout: CheckoutFacts,
  now: number,
): Judgement {
  if (amount.currency !== checkout.currency) return no('currency_mismatch');
  if (!wholeCycles(amount.value, checkout.amount)) return no('amount_mismatch');
  if (!paid) return no('not_confirmed');
  const paidThrough = subscription.nextBillingTime ?? paidThroughByPlan(subscription, plan, paidAt);
  if (paidThrough === null) return no('no_paid_through');
  return yes(
    [{
      id: factId('subscription.renewed', saleId),
      at: paidAt ?? now,
      type: 'subscription.renewed',
      subscriptionId: subscription.id,
      transactionId: saleId,
      amount,
      paidThrough,
    }],
    [ref(saleId, 'sale'), ref(subscription.id, 'subscription')],
  );
}

/** PayPal collects what a failed cycle left outstanding together with the next one (a 9.00 plan charges 18.00):
 *  a subscription payment is the plan's price times a whole number of cycles, never any other amount. */
const MAX_CYCLES_IN_ONE_PAYMENT = 12;

function wholeCycles(paid: string, price: string): boolean {
  const cents = (value: string) => {
    const [whole = '0', fraction = ''] = value.split('.');
    return BigInt(whole) * 1000n + BigInt(fraction.padEnd(3, '0').slice(0, 3) || '0');
  };
  if (!sameDecimal(paid, paid.replace(/(\.\d{0,3})\d*$/, '$1'))) return false;
  const paidMinor = cents(paid);
  const priceMinor = cents(price);
  if (priceMinor <= 0n || paidMinor <= 0n || paidMinor % priceMinor !== 0n) return false;
  return paidMinor / priceMinor <= BigInt(MAX_CYCLES_IN_ONE_PAYMENT);
}

/**
 * What next_billing_time said before PayPal dropped it, from the plan's cycle: the billing date after the
 * given payment, or after all the cycles the subscription has paid, whichever is later. Null when nothing was
 * paid or the plan cannot tell.
 */
export function paidThroughByPlan(subscription: SubscriptionView, plan: PlanView | undefined, paidAt: number | null): number | null {
  const { startTime: start, cyclesCompleted } = subscription;
  if (plan === undefined || plan.id !== subscription.planId || start === null) return null;
  const dates = [
    ...(paidAt === null ? [] : [billingDateAfter(start, plan.interval, paidAt)]),
    ...(cyclesCompleted > 0 ? [billingDate(start, plan.interval, cyclesCompleted)] : []),
  ];
  return dates.length === 0 ? null : Math.max(...dates);
}

/** PayPal's dispute_outcome.outcome_code, read as who the money went to. */
const OUTCOME_FAVOURS: Readonly<Record<string, 'buyer' | 'seller'>> = {
  RESOLVED_BUYER_FAVOUR: 'buyer',
  ACCEPTED: 'buyer',
  RESOLVED_WITH_PAYOUT: 'buyer',
  RESOLVED_SELLER_FAVOUR: 'seller',
  CANCELED_BY_BUYER: 'seller',
  DENIED: 'seller',
};

/** A dispute over one transaction the API lists and our records bind to a license. */
export function judgeDispute(trigger: DisputeTrigger, dispute: DisputeView | undefined, transactionId: string, now: number): Judgement {
  if (dispute === undefined) return no('not_found');
  if (dispute.id !== trigger.disputeId || !dispute.transactionIds.includes(transactionId)) return no('wrong_resource');
  const refs = [ref(dispute.id, 'dispute')];
  const { id: disputeId } = dispute;
  if (trigger.eventType === 'CUSTOMER.DISPUTE.CREATED') {
    const at = dispute.createTime ?? trigger.at ?? now;
    return yes([{ id: factId('dispute.opened', disputeId, transactionId), at, type: 'dispute.opened', disputeId, transactionId }], refs);
  }
  const outcome = dispute.outcome === null ? undefined : OUTCOME_FAVOURS[dispute.outcome];
  if (outcome === undefined) return no('not_confirmed');
  const at = dispute.updateTime ?? trigger.at ?? now;
  return yes([{ id: factId('dispute.resolved', disputeId), at, type: 'dispute.resolved', disputeId, outcome }], refs);
}
