// Support staff bearer tokens, stored only as hashes: the token itself is shown once, at creation.
import type { Selectable } from 'kysely';
import type { Queryable, SupportTokensTable } from './database';

export interface SupportTokenRecord {
  id: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface NewSupportToken {
  id: string;
  name: string;
  tokenHash: string;
  createdAt: number;
}

/** A reused id, name or hash throws (see isUniqueViolation). */
export async function insert(db: Queryable, token: NewSupportToken): Promise<SupportTokenRecord> {
  const row: Selectable<SupportTokensTable> = {
    id: token.id,
    name: token.name,
    token_hash: token.tokenHash,
    created_at: token.createdAt,
    revoked_at: null,
  };
  await db.insertInto('support_tokens').values(row).execute();
  return toRecord(row);
}

/** The token with this hash if it is not revoked: a revoked token is as unknown as a wrong one. */
export async function findByHash(db: Queryable, tokenHash: string): Promise<SupportTokenRecord | undefined> {
  const row = await db
    .selectFrom('support_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row && toRecord(row);
}

/** True if a live token with that name was revoked now; false if none exists or it was already revoked. */
export async function revoke(db: Queryable, name: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('support_tokens')
    .set({ revoked_at: at })
    .where('name', '=', name)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** All tokens, revoked ones included, oldest first. */
export async function list(db: Queryable): Promise<SupportTokenRecord[]> {
  const rows = await db.selectFrom('support_tokens').selectAll().orderBy('created_at').orderBy('name').execute();
  return rows.map(toRecord);
}

function toRecord(row: Selectable<SupportTokensTable>): SupportTokenRecord {
  return { id: row.id, name: row.name, tokenHash: row.token_hash, createdAt: row.created_at, revokedAt: row.revoked_at };
}
