// The signed entitlement and its claims as the wire carries them, as schemas; the types are derived from them.
import { Type, type Static } from 'typebox';
import { LicenseStatus } from './license';
import { Tier } from './plans';

/** JOSE header `typ` of an entitlement; checked on both sides so no other JWT can pass as one. */
export const ENTITLEMENT_TYP = 'hardbound-entitlement+jwt';
/** The only algorithm accepted anywhere: Ed25519 signatures (JOSE "EdDSA"). */
export const ENTITLEMENT_ALG = 'EdDSA';
export const ENTITLEMENT_AUDIENCE = 'hardbound-app';

const numericDate = (description: string) => Type.Integer({ minimum: 0, description });

/**
 * Why access changed, said by the server where the status alone would not tell the customer the truth: who
 * ended it (support rather than PayPal or the buyer) or that the license now lives on another computer. It
 * always speaks of the license named by `lic` in the same token, so an older purchase's reason never shows.
 */
export const AccessChange = Type.Enum(['refunded', 'reversed', 'revoked_by_support', 'cancelled_by_support', 'moved', 'released']);
export type AccessChange = Static<typeof AccessChange>;

/** Claims of the signed entitlement (DESIGN.md step 6). Times are JWT NumericDate (seconds). */
export const EntitlementClaims = Type.Object({
  iss: Type.String(),
  aud: Type.String(),
  sub: Type.String({ description: 'The anchor the license is bound to.' }),
  tier: Tier,
  lic: Type.String({ description: 'License id (empty for a Free entitlement).' }),
  txn: Type.Union([Type.String(), Type.Null()], { description: 'Provider transaction id (capture id, or the latest sale id of a subscription).' }),
  status: LicenseStatus,
  plan: Type.String(),
  ptd: Type.Optional(numericDate('Paid-through, subscriptions only.')),
  why: Type.Optional(AccessChange),
  iat: numericDate('Issued at.'),
  nbf: numericDate('Not before.'),
  exp: numericDate('Expires (refresh deadline plus offline grace).'),
});
export type EntitlementClaims = Static<typeof EntitlementClaims>;

/** A compact JWS: three base64url parts. The signature itself is checked by the app against pinned keys. */
export const EntitlementToken = Type.String({ pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', maxLength: 4096 });

/** What the server hands the app: the compact JWS and, for display, its decoded claims. */
export const Entitlement = Type.Object({
  token: EntitlementToken,
  claims: EntitlementClaims,
});
export type Entitlement = Static<typeof Entitlement>;
