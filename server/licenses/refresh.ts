// POST /v1/entitlements/refresh: the app presents its token; the answer reflects the license as it is now.
import type { RefreshResponse, UnboundReason } from '../../common/api';
import type { Clock } from '../../common/clock';
import { verifyPresentedEntitlement } from '../entitlements';
import { ApiError } from '../http/api-error';
import type { Store } from '../store/database';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import { bestLicense } from './best-license';
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
 * Checks the presented token is ours and bound to `anchor`, then finds the anchor's license now: the best one
 * it holds (best-license.ts: whichever grants Enterprise longest, whatever was presented); when none grants,
 * the one that explains why — the presented one, wherever it is now, else the anchor's newest paid one — which
 * then grants Free.
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
  const presentedId = verdict.claims.lic || null;
  const presented = presentedId ? await licenses.get(deps.store.db, presentedId) : undefined;
  return { anchor, license: await currentLicense(deps, anchor, presentedId), ...(presented ? { presented } : {}) };
}

/** The license an entitlement for `anchor` speaks of now (see presentedLicense); `presentedId` is the one the
 *  app last held. */
export async function currentLicense(deps: EntitlementDeps, anchor: string, presentedId: string | null): Promise<LicenseRecord | null> {
  const db = deps.store.db;
  const mine = (await licenses.listByAnchor(db, anchor)).filter((l) => l.supersededBy === null);
  const best = bestLicense(mine, deps.clock.now(), deps.grant);
  if (best) return best;
  const presented = presentedId ? await licenses.get(db, presentedId) : undefined;
  if (presented) {
    // Still this machine's, it explains itself; moved or released, the answer still speaks of it (its
    // entitlement says why), never of an older purchase still bound here whose reason would be untrue now.
    return presented;
  }
  const current = mine.filter((l) => l.status !== 'pending');
  return current.at(-1) ?? null;
}
