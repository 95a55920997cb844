// A license's billing state. Each status carries exactly the facts that status needs, so a paid status
// without payment facts, or a dispute without the state it resumes to, cannot be written down.
import type { Money } from './events';

/** What the license was paid with. Present on every status reached through a payment. */
export interface Paid {
  /**
   * The transaction funding current access: the capture of a one-time order, or the latest sale of a
   * subscription. Null only for a subscription whose activation was seen before any of its sales.
   */
  transactionId: string | null;
  firstPaidAt: number;
  /** Amount of that transaction; null while `transactionId` is null. */
  amount: Money | null;
  subscriptionId: string | null;
  /** Epoch ms the subscription is paid through; null for a lifetime (one-time) license. */
  paidThrough: number | null;
}

export interface PendingState {
  status: 'pending';
}
export interface FailedState {
  status: 'failed';
  reason: string;
  at: number;
}
export interface ActiveState {
  status: 'active';
  paid: Paid;
}
export interface PastDueState {
  status: 'past_due';
  paid: Paid;
  /** When the first unrecovered renewal failure happened. */
  since: number;
}
export interface CanceledState {
  status: 'canceled';
  paid: Paid;
  canceledAt: number;
  /** Access ends here: the paid-through date, or the suspension time if it was suspended when canceled. */
  accessEndsAt: number;
}
export interface SuspendedState {
  status: 'suspended';
  paid: Paid;
  at: number;
}
export interface ExpiredState {
  status: 'expired';
  paid: Paid;
  at: number;
}
export interface RefundedState {
  status: 'refunded';
  paid: Paid;
  at: number;
}
export interface ReversedState {
  status: 'reversed';
  paid: Paid;
  at: number;
}

/** Paid statuses a dispute can open from, and that a dispute won by the seller returns to. */
export type ResumableState = ActiveState | PastDueState | CanceledState | SuspendedState;

type WithoutPaid<S> = S extends ResumableState ? Omit<S, 'paid'> : never;
/** A resumable state minus its payment facts, which live once on the disputed state itself. */
export type ResumeTo = WithoutPaid<ResumableState>;

export interface DisputedState {
  status: 'disputed';
  paid: Paid;
  disputeId: string;
  openedAt: number;
  resumeTo: ResumeTo;
}
export interface RevokedState {
  status: 'revoked';
  /** Null when support revoked a license that was never paid. */
  paid: Paid | null;
  reason: string;
  at: number;
}

export type LicenseState =
  | PendingState
  | FailedState
  | ActiveState
  | PastDueState
  | CanceledState
  | SuspendedState
  | ExpiredState
  | RefundedState
  | ReversedState
  | DisputedState
  | RevokedState;

export const PENDING: PendingState = { status: 'pending' };

/** The state a dispute sits on, with the dispute taken away. */
export function underlyingState(disputed: DisputedState): ResumableState {
  return { ...disputed.resumeTo, paid: disputed.paid };
}

export function isResumable(state: LicenseState): state is ResumableState {
  return (
    state.status === 'active' ||
    state.status === 'past_due' ||
    state.status === 'canceled' ||
    state.status === 'suspended'
  );
}

export function withoutPaid(state: ResumableState): ResumeTo {
  const { paid: _paid, ...rest } = state;
  return rest;
}

/** The payment facts of any state, null before the first payment. */
export function paidOf(state: LicenseState): Paid | null {
  return 'paid' in state ? state.paid : null;
}
