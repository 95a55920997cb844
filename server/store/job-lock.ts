// One run of a background job at a time per database. On PostgreSQL a session advisory lock, held on a
// connection of its own for the whole run: it is released when the run ends or, if the process dies mid-run,
// when PostgreSQL sees its connection close, so a dead holder never blocks the job. On SQLite (one process by
// design) the run is guarded in this process only.
import { sql } from 'kysely';
import type { Store } from './database';

const heldHere = new Set<string>();

/** Runs fn if no other run of `job` holds the lock anywhere on this database; `{ locked: false }` otherwise. */
export async function withJobLock<T>(store: Pick<Store, 'db' | 'dialect'>, job: string, fn: () => Promise<T>): Promise<{ locked: true; value: T } | { locked: false }> {
  if (store.dialect === 'sqlite') {
    if (heldHere.has(job)) return { locked: false };
    heldHere.add(job);
    try {
      return { locked: true, value: await fn() };
    } finally {
      heldHere.delete(job);
    }
  }
  return store.db.connection().execute(async (connection) => {
    // Advisory locks are per database, not per schema: the key names the schema too.
    const key = sql`hashtext(current_schema() || ':job:' || ${job})`;
    const taken = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${key}) as locked`.execute(connection);
    if (!taken.rows[0]?.locked) return { locked: false as const };
    try {
      return { locked: true as const, value: await fn() };
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(connection).catch(() => undefined);
    }
  });
}
