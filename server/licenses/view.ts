// What a license grants now, as the app and support see it, and the entitlement that says so.
import type { Entitlement } from '../../common/entitlement';
import type { LicenseView } from '../../common/license';
import { access, entitlementExpiry, paidOf, type LicenseState } from '../billing';
import { issueEntitlement, type EntitlementAuthority } from '../entitlements';
import type { LicenseRecord } from '../store/licenses';

export interface GrantPolicy {
  authority: EntitlementAuthority;
  pastDueGraceMs: number;
  /** Refresh deadline plus offline grace: how long an entitlement lives without a refresh. */
  refreshWindowMs: number;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

export function stateOf(license: LicenseRecord): LicenseState {
  return license.state as LicenseState;
}

export function licenseView(license: LicenseRecord, now: number, policy: Pick<GrantPolicy, 'pastDueGraceMs'>): LicenseView {
  const state = stateOf(license);
  const granted = access(state, now, policy);
  return {
    id: license.id,
    planId: license.planId,
    status: state.status,
    tier: license.supersededBy ? 'free' : granted.tier,
    transactionId: license.transactionId,
    subscriptionId: license.subscriptionId,
    paidThrough: iso(paidOf(state)?.paidThrough),
    accessEndsAt: state.status === 'canceled' ? iso(state.accessEndsAt) : null,
  };
}

/** The entitlement for `anchor` given its current license (or none: Free). */
export async function entitlementFor(
  anchor: string,
  license: LicenseRecord | null,
  now: number,
  policy: GrantPolicy,
): Promise<Entitlement> {
  const state: LicenseState = license ? stateOf(license) : { status: 'pending' };
  const bound = license !== null && license.anchor === anchor && license.supersededBy === null;
  const granted = bound ? access(state, now, policy) : null;
  const paidThrough = paidOf(state)?.paidThrough ?? null;
  return issueEntitlement(
    policy.authority,
    {
      sub: anchor,
      tier: granted?.tier ?? 'free',
      lic: license?.id ?? '',
      txn: license?.transactionId ?? null,
      status: bound ? state.status : 'revoked',
      plan: license?.planId ?? '',
      ...(paidThrough !== null ? { ptd: Math.floor(paidThrough / 1000) } : {}),
    },
    { now, expiresAt: entitlementExpiry(bound ? state : { status: 'pending' }, now, policy) },
  );
}
