// POST /v1/entitlements/refresh: the app presents its token; the answer reflects the license as it is now.
import type { RefreshResponse } from '../../common/api';
import type { Clock } from '../../common/clock';
import { verifyPresentedEntitlement } from '../entitlements';
import { ApiError } from '../http/api-error';
import type { Store } from '../store/database';
import * as licenses from '../store/licenses';
import { ACCESS_STATUSES, type LicenseRecord } from '../store/licenses';
import { entitlementFor, licenseView, type GrantPolicy } from './view';

export class RefreshService {
  constructor(
    private readonly deps: { store: Store; clock: Clock; grant: GrantPolicy },
  ) {}

  async refresh(anchor: unknown, token: unknown): Promise<RefreshResponse> {
    if (typeof anchor !== 'string' || typeof token !== 'string') {
      throw new ApiError(400, 'bad_request', 'anchor and token are required strings.');
    }
    const now = this.deps.clock.now();
    const verdict = await verifyPresentedEntitlement(this.deps.grant.authority, { anchor, token }, { now });
    if (!verdict.ok) {
      if (verdict.code === 'anchor_mismatch') throw new ApiError(403, 'anchor_mismatch', 'This entitlement belongs to another machine.');
      throw new ApiError(401, 'token_invalid', 'This entitlement was not issued by this server.');
    }
    const license = await this.currentLicense(anchor, verdict.claims.lic);
    return {
      license: license && license.anchor === anchor ? licenseView(license, now, this.deps.grant) : null,
      entitlement: await entitlementFor(anchor, license, now, this.deps.grant),
    };
  }

  /** The presented license if it is still this anchor's and grants access; else one of the anchor's that does
   *  (a later purchase — which need not supersede a refunded one — or a support transfer onto this machine);
   *  else the presented one if still this anchor's, the anchor's newest, or the presented one: all grant Free. */
  private async currentLicense(anchor: string, presentedId: string): Promise<LicenseRecord | null> {
    const db = this.deps.store.db;
    const presented = presentedId ? await licenses.get(db, presentedId) : undefined;
    const stillMine = presented && presented.anchor === anchor && presented.supersededBy === null ? presented : undefined;
    if (stillMine && ACCESS_STATUSES.includes(stillMine.status)) return stillMine;
    const [granting] = await licenses.activeForAnchor(db, anchor);
    if (granting) return granting;
    if (stillMine) return stillMine;
    const current = (await licenses.listByAnchor(db, anchor)).filter((l) => l.supersededBy === null && l.status !== 'pending');
    return current.at(-1) ?? presented ?? null;
  }
}
