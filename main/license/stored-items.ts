// The names under which the core keeps its two items in the SecretStore (keychain account names).
export const STORED_ITEMS = {
  /** The compact JWS of the current entitlement. */
  entitlement: 'entitlement-token',
  /** The newest `iat` (seconds) ever seen in a verified entitlement: the clock-rollback guard's mark. */
  clockHighWater: 'clock-high-water',
} as const;
