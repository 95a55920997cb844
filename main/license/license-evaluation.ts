// Turns a verification verdict into what the license panel shows: the tier, the entitlement in force and,
// whenever the app is on Free, why — in words a person can act on.
import type { TransferCode, UnboundReason } from '../../common/api';
import type { EntitlementSummary, LicenseDetails } from '../../common/app-state';
import type { AccessChange, EntitlementClaims } from '../../common/entitlement';
import type { LicenseStatus, LicenseView } from '../../common/license';
import type { Tier } from '../../common/plans';
import { subscriptionStanding } from './subscription-standing';

export interface LicenseEvaluation {
  tier: Tier;
  entitlement: EntitlementSummary | null;
  reason: string | null;
  needsOnlineCheck: boolean;
  /** The code this computer released its license with, while it can still be used. */
  transfer: TransferCode | null;
}

/** What the server said beside the token, as stored with it. */
export interface LicenseContext {
  license?: LicenseView | null;
  unbound?: UnboundReason | null;
  transfer?: TransferCode | null;
}

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function summarize(claims: EntitlementClaims, license: LicenseView | null = null): EntitlementSummary {
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
    details: license && license.id === claims.lic ? detailsOf(license) : null,
    unbound: null,
    why: claims.why ?? null,
  };
}

function detailsOf(license: LicenseView): LicenseDetails {
  return {
    planName: typeof license.planName === 'string' && license.planName !== '' ? license.planName : license.planId,
    billing: license.billing ?? null,
    amount: license.amount ?? null,
    currency: license.currency ?? null,
    purchasedAt: license.purchasedAt ?? null,
    subscriptionId: license.subscriptionId,
    provider: license.provider ?? null,
  };
}

const FREE_REASONS: Record<LicenseStatus, string> = {
  pending: 'No license on this machine.',
  active: 'This license does not include Enterprise.',
  past_due: 'The subscription payment is overdue and its grace period has ended. Update your payment method with the provider that bills it, then refresh.',
  canceled: 'The subscription was cancelled and its paid period has ended.',
  expired: 'The subscription has ended.',
  failed: 'The payment did not go through.',
  refunded: 'The purchase was refunded.',
  reversed: 'The payment was reversed.',
  disputed: 'The payment is disputed.',
  suspended: 'The subscription is suspended. Contact support to restore it.',
  revoked: 'Support revoked this license. Contact support if you think this is a mistake.',
};

export const MOVED = 'This license was moved to another computer. To use Enterprise here again, move it back with a transfer code released on that computer.';
export const RELEASED = 'This computer was released: enter the transfer code on your new computer to move the license there.';

/** What the server said about why access ended, in words; always about the license of the token that says it. */
const WHY_ENDED: Record<AccessChange, string> = {
  refunded: 'The purchase was refunded.',
  reversed: 'The payment was reversed.',
  revoked_by_support: 'Support revoked this license. Contact support if you think this is a mistake.',
  cancelled_by_support: 'Support cancelled this subscription and its paid period has ended.',
  moved: MOVED,
  released: RELEASED,
};

export function evaluationOf(claims: EntitlementClaims, context: LicenseContext = {}): LicenseEvaluation {
  const enterprise = claims.tier === 'enterprise';
  const unbound = enterprise ? null : (context.unbound ?? null);
  return {
    tier: claims.tier,
    entitlement: { ...summarize(claims, context.license ?? null), unbound },
    reason: enterprise ? null : freeReason(claims, unbound),
    needsOnlineCheck: false,
    transfer: unbound === 'released' ? (context.transfer ?? null) : null,
  };
}

function freeReason(claims: EntitlementClaims, unbound: UnboundReason | null): string {
  const why = unbound ?? claims.why;
  return why ? WHY_ENDED[why] : FREE_REASONS[claims.status];
}

export function freeBecause(reason: string, needsOnlineCheck = false): LicenseEvaluation {
  return { tier: 'free', entitlement: null, reason, needsOnlineCheck, transfer: null };
}

export const NO_LICENSE = 'No license on this machine.';
export const CLOCK_ROLLED_BACK =
  'This computer\'s clock is more than a day behind the last license check. Check the date and time, and connect to the internet so the license can be confirmed; the app stays on Free until then.';
export const MARK_MISSING =
  'The record of this license\'s last check is missing or damaged on this computer, so the saved license cannot be trusted offline. Connect to the internet: Enterprise returns once the server confirms the license.';
export const STORED_UNREADABLE =
  'The license saved on this computer is damaged and cannot be used. If you have Enterprise, move it here again with a transfer code, or ask support for a license token.';
export const STORE_UNREADABLE =
  'The license could not be read from this computer\'s keychain. Unlock the keychain if it asks, then restart the app; if it keeps happening, contact support.';
export const STORE_UNWRITABLE =
  'The license could not be saved on this computer, so it applies only until the app quits. Unlock the keychain if it asks, then refresh.';
