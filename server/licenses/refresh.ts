// POST /v1/entitlements/refresh: the app presents its token; the answer reflects the license as it is now.
import type { RefreshResponse, UnboundReason } from '../../common/api';
import type { Clock } from '../../common/clock';
import { verifyPresentedEntitlement } from '../entitlements';
import { ApiError } from '../http/api-error';
import type { Store } from '../store/database';
import * as licenses from '../store/licenses';
import { ACCESS_STATUSES, type LicenseRecord } from '../store/licenses';
import { isReleasedAnchor } from './released';
import { entitlementFor, licenseView, type GrantPolicy } from './view';

export interface EntitlementDeps {
  store: Store;
  clock: Clock;
  grant: GrantPolicy;
}

export class RefreshService {
  constructor(private readonly deps: EntitlementDeps) {}

  async refresh(anchor: unknown, token: unknown): Promise<RefreshResponse> {
    const found = await presentedLicense(this.deps, anchor, token);
    return answerFor(this.deps, found.anchor, found.license, found.presented);
  }
}

/** The answer for `anchor` given its license now; `presented`, the license of the token the app presented,
 *  tells the app when that license has left this machine. */
export async function answerFor(deps: EntitlementDeps, anchor: string, license: LicenseRecord | null, presented?: LicenseRecord): Promise<RefreshResponse> {
  const now = deps.clock.now();
  const answer: RefreshResponse = {
    license: license && license.anchor === anchor ? licenseView(license, now, deps.grant) : null,
    entitlement: await entitlementFor(anchor, license, now, deps.grant),
  };
  const unbound = answer.entitlement.claims.tier === 'free' ? unboundReason(anchor, presented) : null;
  if (unbound) answer.unbound = unbound;
  return answer;
}

function unboundReason(anchor: string, presented: LicenseRecord | undefined): UnboundReason | null {
  if (!presented || presented.anchor === anchor) return null;
  return isReleasedAnchor(presented.anchor) ? 'released' : 'moved';
}

/**
 * Checks the presented token is ours and bound to `anchor`, then finds the anchor's license now: the presented
 * one if it is still this anchor's and grants access; else the anchor's one that does (a later purchase, or a
 * support transfer onto this machine); else the presented one if still this anchor's, the anchor's newest
 * current one, or the presented one — each of which then grants Free.
 */
export async function presentedLicense(
  deps: EntitlementDeps,
  anchor: unknown,
  token: unknown,
): Promise<{ anchor: string; license: LicenseRecord | null; presented?: LicenseRecord }> {
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
  const stillMine = presented && presented.anchor === anchor && presented.supersededBy === null ? presented : undefined;
  if (stillMine && ACCESS_STATUSES.includes(stillMine.status)) return { anchor, license: stillMine, presented: stillMine };
  // A later purchase need not supersede a refunded license, and a transfer supersedes nothing: look for one that grants.
  const [granting] = await licenses.activeForAnchor(db, anchor);
  if (granting) return { anchor, license: granting, ...(presented ? { presented } : {}) };
  if (stillMine) return { anchor, license: stillMine, presented: stillMine };
  const current = (await licenses.listByAnchor(db, anchor)).filter((l) => l.supersededBy === null && l.status !== 'pending');
  return { anchor, license: current.at(-1) ?? presented ?? null, ...(presented ? { presented } : {}) };
}
