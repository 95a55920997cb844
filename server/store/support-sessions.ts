// Support console sessions: the hash of the session secret the browser holds in its cookie, the token the
// session was opened with, and its times. A session is live while it is not ended, before its absolute end, and
// while its token is not revoked; the idle limit is the caller's (it knows the policy).
import type { Selectable } from 'kysely';
import type { Queryable, SupportRole, SupportSessionsTable } from './database';

export type SupportSessionRecord = Selectable<SupportSessionsTable>;

export interface LiveSession {
  idHash: string;
  tokenId: string;
  tokenName: string;
  role: SupportRole;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export async function insert(db: Queryable, session: Omit<SupportSessionRecord, 'endedAt'>): Promise<void> {
  await db.insertInto('supportSessions').values({ ...session, endedAt: null }).execute();
}

/** The session with this hash if it is not ended and its token is not revoked (expiry is judged by the caller). */
export function findOpen(db: Queryable, idHash: string): Promise<LiveSession | undefined> {
  return db
    .selectFrom('supportSessions')
    .innerJoin('supportTokens', 'supportTokens.id', 'supportSessions.tokenId')
    .select([
      'supportSessions.idHash', 'supportSessions.tokenId', 'supportTokens.name as tokenName', 'supportTokens.role',
      'supportSessions.createdAt', 'supportSessions.lastSeenAt', 'supportSessions.expiresAt',
    ])
    .where('supportSessions.idHash', '=', idHash)
    .where('supportSessions.endedAt', 'is', null)
    .where('supportTokens.revokedAt', 'is', null)
    .executeTakeFirst();
}

export async function touch(db: Queryable, idHash: string, at: number): Promise<void> {
  await db.updateTable('supportSessions').set({ lastSeenAt: at }).where('idHash', '=', idHash).execute();
}

/** Signs the session out (or ends an expired one); true if it was open. */
export async function end(db: Queryable, idHash: string, at: number): Promise<boolean> {
  const result = await db.updateTable('supportSessions').set({ endedAt: at }).where('idHash', '=', idHash).where('endedAt', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
