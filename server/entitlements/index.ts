export { ensureDevKeys, generateSigningKey, loadKeyRing } from './keys';
export type { KeyRing, KeyRingErrorCode, KeyRingFailure, KeyRingOptions, KeyRingResult, PublicSigningJwk } from './keys';
export { CLOCK_SKEW_SECONDS, issueEntitlement } from './signer';
export type { EntitlementAuthority, EntitlementGrant, IssueTimes } from './signer';
export { DEFAULT_REFRESH_MAX_AGE_SECONDS, verifyPresentedEntitlement } from './verify-presented';
export type { PresentedCheck, PresentedVerdict } from './verify-presented';
export { jwksResponse } from './jwks';
