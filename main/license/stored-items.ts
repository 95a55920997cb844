// The names of the items the core keeps in the secret store (keychain accounts, or file names).
export const STORED_ITEMS = {
  /** The license (stored-license.ts): the entitlement token with the clock guard's mark, in one item. */
  entitlement: 'entitlement-token',
} as const;
