// Failures of the store as values with machine-readable codes, so callers branch on `code`, not on text.

export type StoreErrorCode = 'store_url_invalid' | 'store_unavailable' | 'migration_failed';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** True for a UNIQUE or PRIMARY KEY violation from either database (a caller's duplicate, not a fault). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const { code } = error;
  // PostgreSQL reports SQLSTATE 23505; better-sqlite3 reports SQLite's extended result code names.
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
