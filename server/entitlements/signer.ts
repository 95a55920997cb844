// Issues entitlements: compact JWS, Ed25519 (JOSE "EdDSA"), header { alg, kid, typ } and nothing else.
import { SignJWT } from 'jose';
import {
  ENTITLEMENT_ALG,
  ENTITLEMENT_AUDIENCE,
  ENTITLEMENT_TYP,
  type Entitlement,
  type EntitlementClaims,
} from '../../common/entitlement';
import type { KeyRing } from './keys';

/**
 * `nbf` is set this far before `iat`: an app whose clock runs up to a minute behind the server's can use a
 * fresh token at once instead of rejecting it as not yet valid. The refresh check allows the same skew on `iat`.
 */
export const CLOCK_SKEW_SECONDS = 60;

/** Who issues: the ring that signs and the configured `iss`. Shared by signing and refresh verification. */
export interface EntitlementAuthority {
  keyRing: KeyRing;
  issuer: string;
}

/** What the caller decides; iss/aud come from the authority, times from `issueEntitlement`'s third argument. */
export type EntitlementGrant = Omit<EntitlementClaims, 'iss' | 'aud' | 'iat' | 'nbf' | 'exp'>;

export interface IssueTimes {
  /** Epoch ms (Clock.now()). */
  now: number;
  /** Epoch ms: the refresh deadline plus offline grace. */
  expiresAt: number;
}

export async function issueEntitlement(authority: EntitlementAuthority, grant: EntitlementGrant, times: IssueTimes): Promise<Entitlement> {
  const iat = Math.floor(times.now / 1000);
  const exp = Math.floor(times.expiresAt / 1000);
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(exp) || exp <= iat) {
    throw new RangeError('an entitlement must expire after it is issued');
  }
  const claims: EntitlementClaims = {
    iss: authority.issuer,
    aud: ENTITLEMENT_AUDIENCE,
    sub: grant.sub,
    tier: grant.tier,
    lic: grant.lic,
    txn: grant.txn,
    status: grant.status,
    plan: grant.plan,
    iat,
    nbf: iat - CLOCK_SKEW_SECONDS,
    exp,
  };
  if (grant.ptd !== undefined) claims.ptd = grant.ptd;
  if (grant.why !== undefined) claims.why = grant.why;
  const { kid, privateKey } = authority.keyRing.active;
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: ENTITLEMENT_ALG, kid, typ: ENTITLEMENT_TYP })
    .sign(privateKey);
  return { token, claims };
}
