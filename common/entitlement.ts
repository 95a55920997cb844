import type { LicenseStatus } from './license';
import type { Tier } from './plans';

/** JOSE header `typ` of an entitlement; checked on both sides so no other JWT can pass as one. */
export const ENTITLEMENT_TYP = 'hardbound-entitlement+jwt';
/** The only algorithm accepted anywhere: Ed25519 signatures (JOSE "EdDSA"). */
export const ENTITLEMENT_ALG = 'EdDSA';
export const ENTITLEMENT_AUDIENCE = 'hardbound-app';

/** Claims of the signed entitlement (docs/architecture.md, the flow, step 6). Times are JWT NumericDate (seconds). */
export interface EntitlementClaims {
  iss: string;
  aud: string;
  /** The anchor the license is bound to. */
  sub: string;
  tier: Tier;
  /** License id. */
  lic: string;
  /** Provider transaction id (capture id, or the latest sale id of a subscription). */
  txn: string | null;
  status: LicenseStatus;
  plan: string;
  /** Paid-through (seconds), subscriptions only. */
  ptd?: number;
  iat: number;
  nbf: number;
  exp: number;
}

/** What the server hands the app: the compact JWS and, for display, its decoded claims. */
export interface Entitlement {
  token: string;
  claims: EntitlementClaims;
}
