// A machine may hold several licenses (a mistaken double purchase, a monthly subscriber who bought lifetime, a
// licence moved onto it by support). Its access is what the best of them gives now, so a refunded or failed newer
// purchase never strands an older paid one. Pure.
import { access, type AccessPolicy, type LicenseState } from '../billing';
import type { LicenseRecord } from '../store/licenses';

type Candidate = Pick<LicenseRecord, 'id' | 'state' | 'supersededBy' | 'createdAt'>;

/** The license granting Enterprise longest (lifetime first), newest on a tie; null when none grants it now. */
export function bestLicense<L extends Candidate>(licenses: readonly L[], now: number, policy: AccessPolicy): L | null {
  let best: { license: L; until: number } | null = null;
  for (const license of licenses) {
    if (license.supersededBy !== null) continue;
    const granted = access(license.state as LicenseState, now, policy);
    if (granted.tier !== 'enterprise') continue;
    const until = granted.until ?? Number.POSITIVE_INFINITY;
    const better = best === null || until > best.until || (until === best.until && newer(license, best.license));
    if (better) best = { license, until };
  }
  return best?.license ?? null;
}

function newer(a: Candidate, b: Candidate): boolean {
  return a.createdAt !== b.createdAt ? a.createdAt > b.createdAt : a.id > b.id;
}
