import type { StoreDialect } from './database';
import { StoreError } from './errors';

export type StoreTarget = { dialect: Extract<StoreDialect, 'sqlite'>; path: string } | { dialect: Extract<StoreDialect, 'postgres'>; url: string };

const SQLITE_PREFIX = 'sqlite:';

/** `sqlite:/abs/file.db`, `sqlite:rel/file.db`, `sqlite:///abs/file.db`, `sqlite::memory:`, `postgres(ql)://…`. */
export function parseStoreUrl(url: string): StoreTarget {
  if (url.startsWith(SQLITE_PREFIX)) {
    const rest = url.slice(SQLITE_PREFIX.length);
    const path = rest.startsWith('//') ? rest.slice(2) : rest;
    if (path === '') throw new StoreError('store_url_invalid', 'A sqlite: store URL needs a file path or :memory:.');
    return { dialect: 'sqlite', path };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return { dialect: 'postgres', url };
  // The URL may carry a password: name only its scheme.
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0] ?? '(none)';
  throw new StoreError(
    'store_url_invalid',
    `Unsupported store URL scheme ${scheme}: use sqlite:/path/to/file.db, sqlite::memory: or postgres://…`,
  );
}
