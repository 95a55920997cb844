// Offline verification of an entitlement against the public keys pinned in the app build. Everything an
// attacker controls in a token is pinned or compared: the algorithm (EdDSA only, so `alg: none` and an
// HS256 MAC keyed with the public key are refused by jose before any key is used), the key (a local JWK
// set holding only the pinned keys), `typ`, `iss`, `aud`, `sub` (this machine's anchor), `nbf` and `exp`.
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { ENTITLEMENT_ALG, ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP, type EntitlementClaims } from '../../common/entitlement';
import { readEntitlementClaims } from '../../common/entitlement-claims';

/** Small allowance for clocks that disagree with the server's, on `exp` and `nbf`. */
export const VERIFY_SKEW_SECONDS = 60;

export interface EntitlementTrust {
  /** The public keys pinned in the app's config (the server's JWKS at build time). */
  pinnedJwks: JSONWebKeySet;
  /** The `iss` the server signs with (its HARDBOUND_ISSUER). */
  issuer: string;
}

export type RejectionCode =
  | 'malformed'
  | 'algorithm_not_allowed'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_type'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_anchor'
  | 'expired'
  | 'not_yet_valid'
  | 'bad_claims';

export type EntitlementVerdict =
  | { ok: true; claims: EntitlementClaims }
  | { ok: false; code: RejectionCode; reason: string };

const REASONS: Record<RejectionCode, string> = {
  malformed: 'The stored license is not a readable license token.',
  algorithm_not_allowed: 'The license token is not signed with the algorithm this app requires.',
  unknown_key: 'The license token was not signed by this app\'s license server.',
  bad_signature: 'The license token\'s signature is not valid; it was altered.',
  wrong_type: 'The token is not a license token.',
  wrong_issuer: 'The license token was issued by another server.',
  wrong_audience: 'The license token is meant for another application.',
  wrong_anchor: 'The license belongs to another machine.',
  expired: 'The license has not been refreshed in time and has expired; connect to the internet to renew it.',
  not_yet_valid: 'The license is not valid yet; check this computer\'s date and time.',
  bad_claims: 'The license token is missing required information.',
};

const reject = (code: RejectionCode): EntitlementVerdict => ({ ok: false, code, reason: REASONS[code] });

export interface VerifyContext {
  trust: EntitlementTrust;
  anchor: string;
  /** Epoch ms the time claims are judged at. */
  now: number;
}

export async function verifyEntitlement(token: string, context: VerifyContext): Promise<EntitlementVerdict> {
  try {
    const { payload } = await jwtVerify(token, createLocalJWKSet(context.trust.pinnedJwks), {
      algorithms: [ENTITLEMENT_ALG],
      typ: ENTITLEMENT_TYP,
      issuer: context.trust.issuer,
      audience: ENTITLEMENT_AUDIENCE,
      subject: context.anchor,
      currentDate: new Date(context.now),
      clockTolerance: VERIFY_SKEW_SECONDS,
      requiredClaims: ['iat', 'nbf', 'exp'],
    });
    const claims = readEntitlementClaims(payload as Record<string, unknown>);
    return claims ? { ok: true, claims } : reject('bad_claims');
  } catch (error) {
    return reject(rejectionOf(error));
  }
}

function rejectionOf(error: unknown): RejectionCode {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'typ':
        return 'wrong_type';
      case 'iss':
        return 'wrong_issuer';
      case 'aud':
        return 'wrong_audience';
      case 'sub':
        return 'wrong_anchor';
      case 'nbf':
      case 'iat':
        return error.reason === 'check_failed' ? 'not_yet_valid' : 'bad_claims';
      default:
        return 'bad_claims';
    }
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return 'algorithm_not_allowed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'unknown_key';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'bad_signature';
  return 'malformed';
}
