// A webhook reference plus what PayPal's API says now (the truth) → provider-neutral billing events.
// The webhook only says where to look: statuses, amounts and billing dates come from the API answer, and a
// claim the API does not bear out yields no event, so a forged or replayed body cannot grant or revoke.
import type { BillingEvent } from '../../billing/events';
import { billingDate, billingDateAfter } from './billing-period';
import type {
  ActionableReference, DisputeReference, RefundReference, SaleReference, SubscriptionReference,
} from './translate';
import type { CaptureView, DisputeView, PlanView, SaleView, SubscriptionView } from './views';

/** The API answers fetched for a reference (see fetch-truth.ts): only the one(s) its kind needs are read. */
export interface ProviderTruth {
  capture?: CaptureView;
  sale?: SaleView;
  subscription?: SubscriptionView;
  dispute?: DisputeView;
  /** The subscription's plan, fetched only when the subscription no longer shows next_billing_time. */
  plan?: PlanView;
}

export type TruthProblem =
  /** The truth this kind of reference needs was not given. */
  | 'missing_truth'
  /** The fetched resource is not the one the webhook names (or not related to it as claimed). */
  | 'wrong_resource'
  /** The resource's current state does not bear the event out. It may have moved on since (the event is then
   *  superseded), or PayPal's API may lag its webhooks; either way nothing is granted or taken from it. */
  | 'not_confirmed'
  /** A payment's paid-through date could be read neither from billing_info.next_billing_time (which PayPal drops
   *  once a subscription is suspended or ends) nor from the plan's billing cycle. */
  | 'no_paid_through';

export type BillingResult = { ok: true; events: BillingEvent[] } | { ok: false; reason: TruthProblem };

const problem = (reason: TruthProblem): BillingResult => ({ ok: false, reason });
const events = (...list: BillingEvent[]): BillingResult => ({ ok: true, events: list });

/** The billing events a reference stands for, judged by the truth. An approved order yields none: it only
 *  tells the server to capture. Event ids are the webhook's; `at` is the event's create_time. */
export function toBillingEvents(reference: ActionableReference, truth: ProviderTruth): BillingResult {
  switch (reference.kind) {
    case 'order-approved':
      return events();
    case 'capture': {
      const capture = truth.capture;
      if (capture === undefined) return problem('missing_truth');
      if (capture.id !== reference.captureId) return problem('wrong_resource');
      if (reference.orderId !== null && capture.orderId !== null && capture.orderId !== reference.orderId) {
        return problem('wrong_resource');
      }
      return events(captureEvent(reference.eventId, reference.at, capture));
    }
    case 'refund':
    case 'reversal':
      return reference.transaction === 'capture' ? captureRefund(reference, truth.capture) : saleRefund(reference, truth.sale);
    case 'subscription':
      return subscriptionEvent(reference, truth.subscription, truth.plan);
    case 'sale':
      return saleCompleted(reference, truth);
    case 'dispute':
      return disputeEvents(reference, truth.dispute);
  }
}

/** The event a capture's current state stands for. Exported for the return road, where the server captures
 *  the order itself and there is no webhook: it passes an event id of its own. A refunded capture did
 *  complete; its refund arrives as an event of its own. */
export function captureEvent(id: string, at: number, capture: CaptureView): BillingEvent {
  const transactionId = capture.id;
  switch (capture.status) {
    case 'COMPLETED':
    case 'REFUNDED':
    case 'PARTIALLY_REFUNDED':
      return { id, at, type: 'payment.completed', transactionId, amount: capture.amount };
    case 'PENDING':
      return { id, at, type: 'payment.pending', transactionId };
    case 'DECLINED':
    case 'FAILED':
      return { id, at, type: 'payment.failed', transactionId, reason: capture.status };
  }
}

function captureRefund(reference: RefundReference, capture: CaptureView | undefined): BillingResult {
  if (capture === undefined) return problem('missing_truth');
  if (capture.id !== reference.captureId) return problem('wrong_resource');
  if (capture.status !== 'REFUNDED' && capture.status !== 'PARTIALLY_REFUNDED') return problem('not_confirmed');
  return events(refundEvent(reference, capture.status === 'REFUNDED'));
}

function saleRefund(reference: RefundReference, sale: SaleView | undefined): BillingResult {
  if (sale === undefined) return problem('missing_truth');
  if (sale.id !== reference.captureId) return problem('wrong_resource');
  if (sale.state !== 'refunded' && sale.state !== 'partially_refunded' && sale.state !== 'reversed') {
    return problem('not_confirmed');
  }
  return events(refundEvent(reference, sale.state !== 'partially_refunded'));
}

function refundEvent(reference: RefundReference, full: boolean): BillingEvent {
  const { eventId: id, at, captureId: transactionId, amount } = reference;
  return reference.kind === 'refund'
    ? { id, at, type: 'payment.refunded', transactionId, amount, full }
    : { id, at, type: 'payment.reversed', transactionId, amount };
}

const AFTER_ACTIVATION: ReadonlySet<SubscriptionView['status']> = new Set(['ACTIVE', 'SUSPENDED', 'CANCELLED', 'EXPIRED']);

function subscriptionEvent(
  reference: SubscriptionReference, subscription: SubscriptionView | undefined, plan: PlanView | undefined,
): BillingResult {
  if (subscription === undefined) return problem('missing_truth');
  if (subscription.id !== reference.subscriptionId) return problem('wrong_resource');
  if (!AFTER_ACTIVATION.has(subscription.status)) return problem('not_confirmed');
  const { eventId: id, at, subscriptionId } = reference;
  const { status } = subscription;
  // A transition the subscription has since left is believed only if its status changed after the event.
  const movedOnSince = subscription.statusUpdateTime !== null && subscription.statusUpdateTime > at;
  switch (reference.eventType) {
    case 'BILLING.SUBSCRIPTION.ACTIVATED': {
      const paidThrough = subscription.nextBillingTime ?? paidThroughByPlan(subscription, plan, subscription.lastPayment?.time ?? null);
      if (paidThrough === null) return problem('no_paid_through');
      return events({ id, at, type: 'subscription.activated', subscriptionId, paidThrough });
    }
    case 'BILLING.SUBSCRIPTION.RE-ACTIVATED':
      if (status !== 'ACTIVE' && !movedOnSince) return problem('not_confirmed');
      return events({ id, at, type: 'subscription.reactivated', subscriptionId });
    case 'BILLING.SUBSCRIPTION.SUSPENDED':
      if (status !== 'SUSPENDED' && !movedOnSince) return problem('not_confirmed');
      return events({ id, at, type: 'subscription.suspended', subscriptionId });
    case 'BILLING.SUBSCRIPTION.CANCELLED':
      if (status !== 'CANCELLED') return problem('not_confirmed');
      return events({ id, at, type: 'subscription.cancelled', subscriptionId });
    case 'BILLING.SUBSCRIPTION.EXPIRED':
      if (status !== 'EXPIRED') return problem('not_confirmed');
      return events({ id, at, type: 'subscription.expired', subscriptionId });
    case 'BILLING.SUBSCRIPTION.PAYMENT.FAILED':
      if (subscription.failedPaymentsCount === 0 && status !== 'SUSPENDED') return problem('not_confirmed');
      return events({ id, at, type: 'subscription.payment_failed', subscriptionId });
  }
}

const SALE_WAS_PAID: ReadonlySet<SaleView['state']> = new Set(['completed', 'partially_refunded', 'refunded', 'reversed']);

function saleCompleted(reference: SaleReference, truth: ProviderTruth): BillingResult {
  const { sale, subscription } = truth;
  if (sale === undefined || subscription === undefined) return problem('missing_truth');
  if (sale.id !== reference.saleId || subscription.id !== reference.subscriptionId) return problem('wrong_resource');
  if (sale.billingAgreementId !== subscription.id) return problem('wrong_resource');
  if (!SALE_WAS_PAID.has(sale.state)) return problem('not_confirmed');
  const paidThrough = subscription.nextBillingTime ?? paidThroughByPlan(subscription, truth.plan, sale.createTime);
  if (paidThrough === null) return problem('no_paid_through');
  return events({
    id: reference.eventId,
    at: reference.at,
    type: 'subscription.renewed',
    subscriptionId: subscription.id,
    transactionId: sale.id,
    amount: sale.amount,
    paidThrough,
  });
}

/**
 * What next_billing_time said before PayPal dropped it, from the plan's cycle: the billing date after the
 * given payment, or after all the cycles the subscription has paid, whichever is later (a payment made
 * ahead of its date, or one that also settled a failed cycle, is counted both ways). Null when nothing was
 * paid or the plan cannot tell.
 */
function paidThroughByPlan(subscription: SubscriptionView, plan: PlanView | undefined, paidAt: number | null): number | null {
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

function disputeEvents(reference: DisputeReference, dispute: DisputeView | undefined): BillingResult {
  if (dispute === undefined) return problem('missing_truth');
  if (dispute.id !== reference.disputeId) return problem('wrong_resource');
  const { eventId, at, disputeId } = reference;
  if (reference.eventType === 'CUSTOMER.DISPUTE.CREATED') {
    const single = dispute.transactionIds.length === 1;
    // One event per disputed transaction; ids stay unique when several land on one license's timeline.
    return events(
      ...dispute.transactionIds.map((transactionId): BillingEvent => ({
        id: single ? eventId : `${eventId}:${transactionId}`,
        at,
        type: 'dispute.opened',
        disputeId,
        transactionId,
      })),
    );
  }
  const outcome = dispute.outcome === null ? undefined : OUTCOME_FAVOURS[dispute.outcome];
  if (outcome === undefined) return problem('not_confirmed');
  return events({ id: eventId, at, type: 'dispute.resolved', disputeId, outcome });
}
