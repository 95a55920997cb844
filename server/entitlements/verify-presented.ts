// Checks the token an app presents to POST /v1/entitlements/refresh: it must be an entitlement we signed,
// for this anchor. Deliberately NOT checked: `exp`. The refresh is how an app that was offline past its
// token's expiry (weeks away from a network, a laptop in a drawer) gets its current license back without
// buying again; the signature and the anchor binding are the proof, not the token's freshness. The age limit
// (since `iat`) still bounds how long a copied token stays usable here, and how long a retired public key
// must stay in the ring.
import { compactVerify, decodeProtectedHeader, errors } from 'jose';
import type { RefreshRequest } from '../../common/api';
import { ENTITLEMENT_ALG, ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP, type EntitlementClaims } from '../../common/entitlement';
import { readEntitlementClaims } from '../../common/entitlement-claims';
import { CLOCK_SKEW_SECONDS, type EntitlementAuthority } from './signer';

export const DEFAULT_REFRESH_MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
/** Far above any token we issue (about 600 characters); anything longer is not worth parsing. */
const MAX_TOKEN_LENGTH = 4096;
const ALLOWED_HEADER_MEMBERS = new Set(['alg', 'kid', 'typ']);

export type PresentedVerdict =
  | { ok: true; claims: EntitlementClaims }
  | { ok: false; code: 'token_invalid' | 'anchor_mismatch'; detail: string };

export interface PresentedCheck {
  /** Epoch ms (Clock.now()). */
  now: number;
  /** Oldest acceptable `iat`, in seconds before now; default DEFAULT_REFRESH_MAX_AGE_SECONDS. */
  maxAgeSeconds?: number;
}

export async function verifyPresentedEntitlement(
  authority: EntitlementAuthority,
  presented: RefreshRequest,
  check: PresentedCheck,
): Promise<PresentedVerdict> {
  const { token, anchor } = presented;
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return invalid('not a token of acceptable size');
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token);
  } catch {
    return invalid('not a compact JWS');
  }
  const extra = Object.keys(header).filter((name) => !ALLOWED_HEADER_MEMBERS.has(name));
  if (extra.length > 0) return invalid(`unexpected header members: ${extra.join(', ')}`);
  if (header.alg !== ENTITLEMENT_ALG) return invalid(`alg must be ${ENTITLEMENT_ALG}`);
  if (header.typ !== ENTITLEMENT_TYP) return invalid(`typ must be ${ENTITLEMENT_TYP}`);
  if (typeof header.kid !== 'string') return invalid('no kid');
  const key = authority.keyRing.verificationKey(header.kid);
  if (key === undefined) return invalid('signed with a key that is not ours');

  let payload: Uint8Array;
  try {
    // The algorithm is pinned here too, so jose itself refuses anything but Ed25519 whatever the header says.
    ({ payload } = await compactVerify(token, key, { algorithms: [ENTITLEMENT_ALG] }));
  } catch (error) {
    return invalid(error instanceof errors.JOSEError ? `signature check failed (${error.code})` : 'signature check failed');
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    return invalid('payload is not JSON');
  }
  const claims = readEntitlementClaims(decoded);
  if (claims === null) return invalid('payload is not an entitlement');
  if (claims.iss !== authority.issuer) return invalid('issuer is not ours');
  if (claims.aud !== ENTITLEMENT_AUDIENCE) return invalid('audience is not the app');

  const nowSeconds = Math.floor(check.now / 1000);
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return invalid('issued in the future');
  const maxAge = check.maxAgeSeconds ?? DEFAULT_REFRESH_MAX_AGE_SECONDS;
  if (nowSeconds - claims.iat > maxAge) return invalid(`issued more than ${maxAge} s ago; too old to refresh`);
  if (claims.sub !== anchor) return { ok: false, code: 'anchor_mismatch', detail: 'the token is bound to another anchor' };
  return { ok: true, claims };
}

function invalid(detail: string): PresentedVerdict {
  return { ok: false, code: 'token_invalid', detail };
}
