// Support staff bearer tokens, stored only as hashes: the token itself is shown once, at creation.
import type { Selectable } from 'kysely';
import type { Queryable, SupportRole, SupportTokensTable } from './database';

export type SupportTokenRecord = Selectable<SupportTokensTable>;

export interface NewSupportToken {
  id: string;
  name: string;
  tokenHash: string;
  createdAt: number;
  /** Least privilege: read-only unless given. */
  role?: SupportRole;
}

/** A reused id, name or hash throws (see isUniqueViolation). */
export async function insert(db: Queryable, token: NewSupportToken): Promise<SupportTokenRecord> {
  const record: SupportTokenRecord = { id: token.id, name: token.name, tokenHash: token.tokenHash, createdAt: token.createdAt, revokedAt: null, role: token.role ?? 'read' };
  await db.insertInto('supportTokens').values(record).execute();
  return record;
}

/** The token with this hash if it is not revoked: a revoked token is as unknown as a wrong one. */
export function findByHash(db: Queryable, tokenHash: string): Promise<SupportTokenRecord | undefined> {
  return db.selectFrom('supportTokens').selectAll().where('tokenHash', '=', tokenHash).where('revokedAt', 'is', null).executeTakeFirst();
}

/** True if a live token with that name was revoked now; false if none exists or it was already revoked. */
export async function revoke(db: Queryable, name: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('supportTokens')
    .set({ revokedAt: at })
    .where('name', '=', name)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** All tokens, revoked ones included, oldest first. */
export function list(db: Queryable): Promise<SupportTokenRecord[]> {
  return db.selectFrom('supportTokens').selectAll().orderBy('createdAt').orderBy('name').execute();
}
