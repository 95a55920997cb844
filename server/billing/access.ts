// What a license state grants at a given time, and how long an entitlement saying so may live.
import type { Tier } from '../../common/plans';
import { type LicenseState, underlyingState } from './state';

export interface AccessPolicy {
  /** How long Enterprise outlives the paid-through date while a renewal is due or failing. */
  pastDueGraceMs: number;
}

export interface ExpiryPolicy extends AccessPolicy {
  /** How long an entitlement stays valid without a refresh (refresh interval plus offline grace). */
  refreshWindowMs: number;
}

export type EnterpriseReason = 'lifetime' | 'subscription_active' | 'past_due_grace' | 'canceled_until_period_end' | 'disputed';
export type FreeReason = 'not_paid' | 'period_ended' | 'suspended' | 'expired' | 'refunded' | 'reversed' | 'revoked';

export type Access =
  | { tier: Extract<Tier, 'enterprise'>; until: number | null; reason: EnterpriseReason }
  | { tier: Extract<Tier, 'free'>; until: null; reason: FreeReason };

/**
 * Enterprise while `now` is before `until` (exclusive); `until` null means for good. An active subscription
 * keeps the grace after its paid-through date too: the renewal is charged at that date and its sale is
 * reported after it, and a refresh in between must not flicker to Free.
 */
export function access(state: LicenseState, now: number, policy: AccessPolicy): Access {
  const grace = policy.pastDueGraceMs;
  switch (state.status) {
    case 'pending':
    case 'failed':
      return free('not_paid');
    case 'active': {
      const { paidThrough } = state.paid;
      if (paidThrough === null) return { tier: 'enterprise', until: null, reason: 'lifetime' };
      return enterpriseUntil(paidThrough + grace, now, 'subscription_active');
    }
    // The grace runs from the due date, or from the failure if that came earlier: a late failure report
    // cannot stretch it, and an early one never cuts into the period already paid for.
    case 'past_due': {
      const { paidThrough } = state.paid;
      if (paidThrough === null) return enterpriseUntil(state.since + grace, now, 'past_due_grace');
      return enterpriseUntil(Math.max(paidThrough, Math.min(state.since, paidThrough) + grace), now, 'past_due_grace');
    }
    case 'canceled':
      return enterpriseUntil(state.accessEndsAt, now, 'canceled_until_period_end');
    // A dispute keeps whatever access the license had, flagged so support can see it.
    case 'disputed': {
      const kept = access(underlyingState(state), now, policy);
      return kept.tier === 'enterprise' ? { ...kept, reason: 'disputed' } : kept;
    }
    case 'suspended':
    case 'expired':
    case 'refunded':
    case 'reversed':
    case 'revoked':
      return free(state.status);
  }
}

/**
 * The entitlement's `exp` (epoch ms): the refresh deadline, or earlier when the access it grants ends
 * sooner (a subscription's paid-through date plus grace, a canceled subscription's end, a past-due grace).
 * Always after `now`, so a Free entitlement is never born expired.
 */
export function entitlementExpiry(state: LicenseState, now: number, policy: ExpiryPolicy): number {
  const refreshBy = now + policy.refreshWindowMs;
  const granted = access(state, now, policy);
  return granted.tier === 'enterprise' && granted.until !== null ? Math.min(refreshBy, granted.until) : refreshBy;
}

function enterpriseUntil(until: number, now: number, reason: EnterpriseReason): Access {
  return now < until ? { tier: 'enterprise', until, reason } : free('period_ended');
}

function free(reason: FreeReason): Access {
  return { tier: 'free', until: null, reason };
}
