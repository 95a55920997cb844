// Leases for background jobs: whoever holds a job's lease unexpired runs it; every other server process sharing
// the database skips that period. A holder keeps the lease for the whole period (so the job runs once per period,
// not once per process), and one that dies mid-run simply lets it lapse: the next period runs again.
import type { Queryable } from './database';

/** True when `holder` took the lease until `until`: only a lapsed (or never taken) lease can be taken. */
export async function acquire(db: Queryable, name: string, holder: string, now: number, until: number): Promise<boolean> {
  const result = await db
    .insertInto('jobLeases')
    .values({ name, holder, leaseUntil: until, lastRunAt: null })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, leaseUntil: until })
        .where('jobLeases.leaseUntil', '<=', now),
    )
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Marks a finished run; the lease itself runs to the end of its period. */
export async function finished(db: Queryable, name: string, holder: string, at: number): Promise<void> {
  await db.updateTable('jobLeases').set({ lastRunAt: at }).where('name', '=', name).where('holder', '=', holder).execute();
}
