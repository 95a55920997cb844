// POST /v1/entitlements/refresh: the app presents its token; the answer reflects the license as it is now.
import type { RefreshResponse } from '../../common/api';
import type { Clock } from '../../common/clock';
import { verifyPresentedEntitlement } from '../entitlements';
import { ApiError } from '../http/api-error';
import type { Store } from '../store/database';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import { entitlementFor, licenseView, type GrantPolicy } from './view';

export interface EntitlementDeps {
  store: Store;
  clock: Clock;
  grant: GrantPolicy;
}

export class RefreshService {
  constructor(private readonly deps: EntitlementDeps) {}

  async refresh(anchor: unknown, token: unknown): Promise<RefreshResponse> {
    const { anchor: bound, license } = await presentedLicense(this.deps, anchor, token);
    return answerFor(this.deps, bound, license);
  }
}

export async function answerFor(deps: EntitlementDeps, anchor: string, license: LicenseRecord | null): Promise<RefreshResponse> {
  const now = deps.clock.now();
  return {
    license: license && license.anchor === anchor ? licenseView(license, now, deps.grant) : null,
    entitlement: await entitlementFor(anchor, license, now, deps.grant),
  };
}

/**
 * Checks the presented token is ours and bound to `anchor`, then finds the anchor's license now: the presented
 * one if it is still this anchor's; else the anchor's newest current one (a later purchase, or a support
 * transfer onto this machine); else the presented one, which then grants Free.
 */
export async function presentedLicense(
  deps: EntitlementDeps,
  anchor: unknown,
  token: unknown,
): Promise<{ anchor: string; license: LicenseRecord | null }> {
  if (typeof anchor !== 'string' || typeof token !== 'string') {
    throw new ApiError(400, 'bad_request', 'anchor and token are required strings.');
  }
  const verdict = await verifyPresentedEntitlement(deps.grant.authority, { anchor, token }, { now: deps.clock.now() });
  if (!verdict.ok) {
    if (verdict.code === 'anchor_mismatch') throw new ApiError(403, 'anchor_mismatch', 'This entitlement belongs to another machine.');
    throw new ApiError(401, 'token_invalid', 'This entitlement was not issued by this server.');
  }
  const db = deps.store.db;
  const presentedId = verdict.claims.lic;
  const presented = presentedId ? await licenses.get(db, presentedId) : undefined;
  if (presented && presented.anchor === anchor && presented.supersededBy === null) return { anchor, license: presented };
  const current = (await licenses.listByAnchor(db, anchor)).filter((l) => l.supersededBy === null && l.status !== 'pending');
  return { anchor, license: current.at(-1) ?? presented ?? null };
}
