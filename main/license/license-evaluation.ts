// Turns a verification verdict into what the license panel shows: the tier, the entitlement in force and,
// whenever the app is on Free, why — in words.
import type { EntitlementSummary } from '../../common/app-state';
import type { EntitlementClaims } from '../../common/entitlement';
import type { LicenseStatus } from '../../common/license';
import type { Tier } from '../../common/plans';
import { subscriptionStanding } from './subscription-standing';

export interface LicenseEvaluation {
  tier: Tier;
  entitlement: EntitlementSummary | null;
  reason: string | null;
  needsOnlineCheck: boolean;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function summarize(claims: EntitlementClaims): EntitlementSummary {
  return {
    tier: claims.tier,
    status: claims.status,
    licenseId: claims.lic,
    planId: claims.plan,
    transactionId: claims.txn,
    paidThrough: claims.ptd === undefined ? null : iso(claims.ptd),
    issuedAt: iso(claims.iat),
    expiresAt: iso(claims.exp),
    subscription: subscriptionStanding(claims),
  };
}

const FREE_REASONS: Record<LicenseStatus, string> = {
  pending: 'No license on this machine.',
  active: 'This license does not include Enterprise.',
  past_due: 'The subscription payment is overdue and its grace period has ended.',
  canceled: 'The subscription was cancelled and its paid period has ended.',
  expired: 'The subscription has ended.',
  failed: 'The payment did not go through.',
  refunded: 'The purchase was refunded.',
  reversed: 'The payment was reversed.',
  disputed: 'The payment is disputed.',
  suspended: 'The subscription is suspended.',
  revoked: 'The license was revoked or moved to another machine.',
};

export function evaluationOf(claims: EntitlementClaims): LicenseEvaluation {
  return {
    tier: claims.tier,
    entitlement: summarize(claims),
    reason: claims.tier === 'enterprise' ? null : FREE_REASONS[claims.status],
    needsOnlineCheck: false,
  };
}

export function freeBecause(reason: string, needsOnlineCheck = false): LicenseEvaluation {
  return { tier: 'free', entitlement: null, reason, needsOnlineCheck };
}

export const NO_LICENSE = 'No license on this machine.';
export const CLOCK_ROLLED_BACK =
  'This computer\'s clock is more than a day behind the last license check. Connect to the internet so the license can be confirmed; the app stays on Free until then.';
