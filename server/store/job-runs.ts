// Each background job run, as a row: which process ran it, when, and how it ended. Written by the run's holder
// under the job's lock (job-lock.ts), so a row still 'running' when the next holder takes the lock belongs to a
// process that died mid-run: it is marked 'interrupted' then.
import type { JobRunsTable, Queryable } from './database';

export type JobRunOutcome = JobRunsTable['outcome'];

export async function start(db: Queryable, job: string, holder: string, at: number): Promise<number> {
  const row = await db.insertInto('jobRuns').values({ job, holder, startedAt: at, finishedAt: null, outcome: 'running' }).returning('id').executeTakeFirstOrThrow();
  return Number(row.id);
}

export async function finish(db: Queryable, id: number, outcome: Exclude<JobRunOutcome, 'running' | 'interrupted'>, at: number): Promise<void> {
  await db.updateTable('jobRuns').set({ outcome, finishedAt: at }).where('id', '=', id).execute();
}

/** Only the lock's holder calls this: whatever else is still 'running' was cut short. Returns how many. */
export async function markInterrupted(db: Queryable, job: string): Promise<number> {
  const result = await db.updateTable('jobRuns').set({ outcome: 'interrupted' }).where('job', '=', job).where('outcome', '=', 'running').executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Forgets runs started before `before` (the table would otherwise grow by a row per run for ever). */
export async function prune(db: Queryable, job: string, before: number): Promise<void> {
  await db.deleteFrom('jobRuns').where('job', '=', job).where('startedAt', '<', before).where('outcome', '<>', 'running').execute();
}

export function list(db: Queryable, job: string): Promise<{ id: number; holder: string; startedAt: number; finishedAt: number | null; outcome: JobRunOutcome }[]> {
  return db.selectFrom('jobRuns').select(['id', 'holder', 'startedAt', 'finishedAt', 'outcome']).where('job', '=', job).orderBy('startedAt').orderBy('id').execute();
}
