// One event applied to one state. Only reduce.ts calls this, always in canonical order: applying events one
// by one as they arrive would make the result depend on delivery order.
//
// Policy (the README quotes it):
// - A license follows the money that currently pays for it: the capture of a one-time order, or the latest
//   sale of a subscription. Refunds, reversals and disputes of any other transaction leave the state as it
//   is: an unknown transaction belongs to another license, and an earlier sale of the same subscription paid
//   for a period that is already over. They still appear in the support timeline.
// - Subscription events name their subscription; events for another subscription are ignored likewise.
// - A full refund or a reversal of the current transaction ends access (refunded / reversed); a partial
//   refund changes nothing.
// - A dispute keeps the access the license had and flags it for support. Won by the seller, the license
//   returns to the state it would be in had the dispute never been opened (renewals, failures and
//   cancellations seen meanwhile included). Won by the buyer, the money went back through the dispute, so
//   the license is `reversed`, exactly as a chargeback would make it. One dispute at a time: another one
//   opened while the first is open is ignored.
// - refunded, reversed and expired are final for provider events; revoked is final for everything.
// - payment.failed counts only before the first payment: once paid, a failed attempt cannot undo it. A failed
//   renewal (subscription.payment_failed) makes an active subscription past due instead.
// - A subscription's first sale arrives as subscription.renewed and pays for the license like activation does.
import type { BillingEvent } from './events';
import {
  type ActiveState,
  type DisputedState,
  type FailedState,
  type LicenseState,
  type Paid,
  type PendingState,
  type ResumableState,
  isResumable,
  paidOf,
  underlyingState,
  withoutPaid,
} from './state';

export function applyEvent(state: LicenseState, event: BillingEvent): LicenseState {
  if (state.status === 'revoked') return state;
  if (event.type === 'license.revoked') {
    return { status: 'revoked', paid: paidOf(state), reason: event.reason, at: event.at };
  }
  switch (state.status) {
    case 'pending':
    case 'failed':
      return fromUnpaid(state, event);
    case 'disputed':
      return fromDisputed(state, event);
    case 'expired':
    case 'refunded':
    case 'reversed':
      return state;
    default:
      return fromResumable(state, event);
  }
}

function fromUnpaid(state: PendingState | FailedState, event: BillingEvent): LicenseState {
  switch (event.type) {
    case 'payment.pending':
      return { status: 'pending' };
    case 'payment.failed':
      return { status: 'failed', reason: event.reason, at: event.at };
    case 'payment.completed':
      return active({
        transactionId: event.transactionId,
        firstPaidAt: event.at,
        amount: event.amount,
        subscriptionId: null,
        paidThrough: null,
      });
    case 'subscription.activated':
      return active({
        transactionId: null,
        firstPaidAt: event.at,
        amount: null,
        subscriptionId: event.subscriptionId,
        paidThrough: event.paidThrough,
      });
    // A subscription's first sale may carry an earlier provider time than its activation.
    case 'subscription.renewed':
      return active({
        transactionId: event.transactionId,
        firstPaidAt: event.at,
        amount: event.amount,
        subscriptionId: event.subscriptionId,
        paidThrough: event.paidThrough,
      });
    default:
      return state;
  }
}

function fromResumable(state: ResumableState, event: BillingEvent): LicenseState {
  const { paid } = state;
  if ('subscriptionId' in event && event.subscriptionId !== paid.subscriptionId) return state;
  switch (event.type) {
    case 'subscription.activated':
      // Activating a suspended (or failing) subscription is how the provider resumes it: each activation is a
      // fact of its own, dated after what it resumes. On a canceled one it is stale.
      if (state.status === 'canceled') return state;
      return withPaid(state.status === 'suspended' || state.status === 'past_due' ? active(paid) : state, {
        ...paid,
        paidThrough: latest(paid.paidThrough, event.paidThrough),
      });
    case 'subscription.renewed': {
      const renewed: Paid = {
        ...paid,
        transactionId: event.transactionId,
        amount: event.amount,
        paidThrough: latest(paid.paidThrough, event.paidThrough),
      };
      if (state.status === 'past_due') return active(renewed);
      // A sale after cancellation still pays for its period.
      if (state.status === 'canceled') {
        return { ...state, paid: renewed, accessEndsAt: Math.max(state.accessEndsAt, event.paidThrough) };
      }
      return withPaid(state, renewed);
    }
    case 'subscription.payment_failed':
      return state.status === 'active' ? { status: 'past_due', paid, since: event.at } : state;
    case 'subscription.suspended':
      return state.status === 'active' || state.status === 'past_due'
        ? { status: 'suspended', paid, at: event.at }
        : state;
    case 'subscription.reactivated':
      return state.status === 'suspended' || state.status === 'past_due' ? active(paid) : state;
    case 'subscription.cancelled': {
      if (state.status === 'canceled') return state;
      const periodEnd = paid.paidThrough ?? event.at;
      // A suspension already ended access; cancelling must not hand back the rest of the period.
      const accessEndsAt = state.status === 'suspended' ? Math.min(periodEnd, state.at) : periodEnd;
      return { status: 'canceled', paid, canceledAt: event.at, accessEndsAt };
    }
    case 'subscription.expired':
      return { status: 'expired', paid, at: event.at };
    case 'payment.refunded':
      if (event.transactionId !== paid.transactionId || !event.full) return state;
      return { status: 'refunded', paid, at: event.at };
    case 'payment.reversed':
      if (event.transactionId !== paid.transactionId) return state;
      return { status: 'reversed', paid, at: event.at };
    case 'dispute.opened':
      if (event.transactionId !== paid.transactionId) return state;
      return { status: 'disputed', paid, disputeId: event.disputeId, openedAt: event.at, resumeTo: withoutPaid(state) };
    default:
      return state;
  }
}

function fromDisputed(state: DisputedState, event: BillingEvent): LicenseState {
  if (event.type === 'dispute.opened') return state;
  if (event.type === 'dispute.resolved') {
    if (event.disputeId !== state.disputeId) return state;
    return event.outcome === 'seller' ? underlyingState(state) : { status: 'reversed', paid: state.paid, at: event.at };
  }
  // Everything else happens to the state underneath; the dispute stays open over it unless access ended.
  const next = fromResumable(underlyingState(state), event);
  if (!isResumable(next)) return next;
  return { ...state, paid: next.paid, resumeTo: withoutPaid(next) };
}

function active(paid: Paid): ActiveState {
  return { status: 'active', paid };
}

function withPaid<S extends ResumableState>(state: S, paid: Paid): S {
  return { ...state, paid };
}

function latest(current: number | null, candidate: number): number {
  return current === null ? candidate : Math.max(current, candidate);
}
