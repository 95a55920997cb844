// Reads a verified entitlement payload back into EntitlementClaims, for both sides: the server (a token
// presented for refresh) and the app (its cached token). The signature proves the server issued a payload;
// this proves it has the contract's shape before any field is trusted (an older or newer server may have
// signed something else).
import type { AccessChange, EntitlementClaims } from './entitlement';
import type { LicenseStatus } from './license';
import type { Tier } from './plans';

// Records over the unions so the compiler flags a status or tier added to the contract but not here.
const STATUSES: Record<LicenseStatus, true> = {
  pending: true,
  active: true,
  past_due: true,
  canceled: true,
  expired: true,
  failed: true,
  refunded: true,
  reversed: true,
  disputed: true,
  suspended: true,
  revoked: true,
};
const TIERS: Record<Tier, true> = { free: true, enterprise: true };
const CHANGES: Record<AccessChange, true> = {
  refunded: true, reversed: true, revoked_by_support: true, cancelled_by_support: true, moved: true, released: true,
};

/** The claims with exactly the contract's members, or null when the payload does not have that shape. */
export function readEntitlementClaims(payload: unknown): EntitlementClaims | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { iss, aud, sub, tier, lic, txn, status, plan, ptd, why, iat, nbf, exp } = payload as Record<string, unknown>;
  if (!isText(iss) || !isText(aud) || !isText(sub)) return null;
  // A Free entitlement for a machine that never bought has an empty license and plan id.
  if (typeof lic !== 'string' || typeof plan !== 'string') return null;
  if (txn !== null && !isText(txn)) return null;
  if (!isText(tier) || !Object.hasOwn(TIERS, tier)) return null;
  if (!isText(status) || !Object.hasOwn(STATUSES, status)) return null;
  if (!isNumericDate(iat) || !isNumericDate(nbf) || !isNumericDate(exp)) return null;
  if (ptd !== undefined && !isNumericDate(ptd)) return null;
  // A reason this app does not know (a newer server's) is left out rather than refusing the token.
  const knownWhy = isText(why) && Object.hasOwn(CHANGES, why) ? (why as AccessChange) : undefined;
  const claims: EntitlementClaims = { iss, aud, sub, tier: tier as Tier, lic, txn, status: status as LicenseStatus, plan, iat, nbf, exp };
  if (ptd !== undefined) claims.ptd = ptd;
  if (knownWhy !== undefined) claims.why = knownWhy;
  return claims;
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isNumericDate(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
