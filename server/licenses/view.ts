// What a license grants now, as the app and support see it, and the entitlement that says so.
import type { Entitlement } from '../../common/entitlement';
import type { LicenseView } from '../../common/license';
import type { Plan } from '../../common/plans';
import { access, entitlementExpiry, paidOf, type LicenseState } from '../billing';
import { issueEntitlement, type EntitlementAuthority, type EntitlementGrant } from '../entitlements';
import type { LicenseRecord } from '../store/licenses';

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
    paidThrough: iso(paidOf(state)?.paidThrough),
    accessEndsAt: state.status === 'canceled' ? iso(state.accessEndsAt) : null,
    planName: plan?.name ?? license.planId,
    billing: plan?.billing ?? null,
    amount: license.amount ?? plan?.price ?? null,
    currency: license.currency ?? plan?.currency ?? null,
    purchasedAt: new Date(license.createdAt).toISOString(),
  };
}

/** What an entitlement for `anchor` says, given its current license (or none: Free) — everything but the
 *  signature and the issue times. Pure: the same license state and time give the same grant. */
export function grantFor(
  anchor: string,
  license: Pick<LicenseRecord, 'id' | 'anchor' | 'planId' | 'transactionId' | 'supersededBy' | 'state'> | null,
  now: number,
  policy: Pick<GrantPolicy, 'pastDueGraceMs' | 'refreshWindowMs'>,
): { grant: EntitlementGrant; expiresAt: number } {
  const state: LicenseState = license ? (license.state as LicenseState) : { status: 'pending' };
  const bound = license !== null && license.anchor === anchor && license.supersededBy === null;
  const granted = bound ? access(state, now, policy) : null;
  const paidThrough = paidOf(state)?.paidThrough ?? null;
  return {
    grant: {
      sub: anchor,
      tier: granted?.tier ?? 'free',
      lic: license?.id ?? '',
      txn: license?.transactionId ?? null,
      status: bound ? state.status : 'revoked',
      plan: license?.planId ?? '',
      ...(paidThrough !== null ? { ptd: Math.floor(paidThrough / 1000) } : {}),
    },
    expiresAt: entitlementExpiry(bound ? state : { status: 'pending' }, now, policy),
  };
}

/** The signed entitlement for `anchor` given its current license (or none: Free). */
export async function entitlementFor(anchor: string, license: LicenseRecord | null, now: number, policy: GrantPolicy): Promise<Entitlement> {
  const { grant, expiresAt } = grantFor(anchor, license, now, policy);
  return issueEntitlement(policy.authority, grant, { now, expiresAt });
}
