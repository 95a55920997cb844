export type SecretStoreErrorCode = 'keychain_failed' | 'keychain_timeout' | 'file_failed';

/** A SecretStore operation failed; the message says which store and what, never the secret. */
export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
