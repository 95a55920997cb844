// What a license grants now, as the app and support see it, and the entitlement that says so.
import type { AccessChange, Entitlement } from '../../common/entitlement';
import type { LicenseView } from '../../common/license';
import type { Plan } from '../../common/plans';
import { access, entitlementExpiry, paidOf, type LicenseState } from '../billing';
import { issueEntitlement, type EntitlementAuthority, type EntitlementGrant } from '../entitlements';
import type { LicenseRecord } from '../store/licenses';
import { isReleasedAnchor } from './released';

export interface GrantPolicy {
  authority: EntitlementAuthority;
  pastDueGraceMs: number;
  /** Refresh deadline plus offline grace: how long an entitlement lives without a refresh. */
  refreshWindowMs: number;
  /** The plans on sale, so a license view can name its plan; a plan no longer sold shows by its id. */
  plans?: readonly Plan[];
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function stateOf(license: LicenseRecord): LicenseState {
  return license.state as LicenseState;
}

export function licenseView(license: LicenseRecord, now: number, policy: Pick<GrantPolicy, 'pastDueGraceMs' | 'plans'>): LicenseView {
  const state = stateOf(license);
  const granted = access(state, now, policy);
  const plan = policy.plans?.find((p) => p.id === license.planId);
  return {
    id: license.id,
    planId: license.planId,
    status: state.status,
    tier: license.supersededBy ? 'free' : granted.tier,
    transactionId: license.transactionId,
    subscriptionId: license.subscriptionId,
    provider: license.provider,
    paidThrough: iso(paidOf(state)?.paidThrough),
    accessEndsAt: state.status === 'canceled' ? iso(state.accessEndsAt) : null,
    planName: plan?.name ?? license.planId,
    billing: plan?.billing ?? null,
    amount: license.amount ?? plan?.price ?? null,
    currency: license.currency ?? plan?.currency ?? null,
    purchasedAt: new Date(license.createdAt).toISOString(),
  };
}

type GrantedLicense = Pick<LicenseRecord, 'id' | 'anchor' | 'planId' | 'transactionId' | 'supersededBy' | 'state'> & {
  supportCancelledAt?: number | null;
};

/**
 * Why this license no longer grants what it did, where the status alone would not tell the customer the truth:
 * it left this machine, support ended it, or the money went back. Only ever about this license (the token's `lic`).
 */
export function accessChange(anchor: string, license: GrantedLicense): AccessChange | undefined {
  if (license.anchor !== anchor) return isReleasedAnchor(license.anchor) ? 'released' : 'moved';
  const { status } = license.state as LicenseState;
  if (status === 'revoked') return 'revoked_by_support';
  if (status === 'refunded' || status === 'reversed') return status;
  if (status === 'canceled' && license.supportCancelledAt != null) return 'cancelled_by_support';
  return undefined;
}

/** What an entitlement for `anchor` says, given its current license (or none: Free) — everything but the
 *  signature and the issue times. Pure: the same license state and time give the same grant. */
export function grantFor(
  anchor: string,
  license: GrantedLicense | null,
  now: number,
  policy: Pick<GrantPolicy, 'pastDueGraceMs' | 'refreshWindowMs'>,
): { grant: EntitlementGrant; expiresAt: number } {
  const state: LicenseState = license ? (license.state as LicenseState) : { status: 'pending' };
  const bound = license !== null && license.anchor === anchor && license.supersededBy === null;
  const granted = bound ? access(state, now, policy) : null;
  const paidThrough = paidOf(state)?.paidThrough ?? null;
  const why = license ? accessChange(anchor, license) : undefined;
  return {
    grant: {
      sub: anchor,
      tier: granted?.tier ?? 'free',
      lic: license?.id ?? '',
      txn: license?.transactionId ?? null,
      status: bound ? state.status : 'revoked',
      plan: license?.planId ?? '',
      ...(paidThrough !== null ? { ptd: Math.floor(paidThrough / 1000) } : {}),
      ...(why ? { why } : {}),
    },
    expiresAt: entitlementExpiry(bound ? state : { status: 'pending' }, now, policy),
  };
}

/** The signed entitlement for `anchor` given its current license (or none: Free). */
export async function entitlementFor(anchor: string, license: LicenseRecord | null, now: number, policy: GrantPolicy): Promise<Entitlement> {
  const { grant, expiresAt } = grantFor(anchor, license, now, policy);
  return issueEntitlement(policy.authority, grant, { now, expiresAt });
}
