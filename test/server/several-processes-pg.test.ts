// What lets several server processes share one PostgreSQL, piece by piece, with two stores on one throwaway
// schema standing in for two processes: change notifications (heard on commit only, on this schema only, and
// back after the connection is lost), the job lock and its run rows, and the signing-key comparison.
// Skips with the reason where PostgreSQL is missing; fails under CI.
import { sql } from 'kysely';
import pino from 'pino';
import { afterEach, describe, expect } from 'vitest';
import { AdjustableClock } from '../../common/clock';
import { PeriodicJob } from '../../server/jobs/periodic-job';
import { keyConflict, SharedKeys } from '../../server/jobs/shared-keys';
import { Metrics } from '../../server/observability/metrics';
import type { ChangeFeed } from '../../server/store/change-feed';
import { openStore, type Store } from '../../server/store/database';
import * as jobRuns from '../../server/store/job-runs';
import * as instances from '../../server/store/server-instances';
import { itWithSystem } from '../support/system';
import { createTestSchema, probePostgres, type TestSchema } from './support-pg';

const postgres = await probePostgres();
const log = pino({ level: 'silent' });
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function schema(): Promise<TestSchema> {
  const s = await createTestSchema();
  cleanups.push(() => s.drop());
  return s;
}

async function store(url: string): Promise<Store> {
  const s = await openStore({ url });
  cleanups.push(() => s.close());
  await s.migrate();
  return s;
}

/** A feed that records what it hears. */
async function recordingFeed(s: Store) {
  const heard: string[] = [];
  let resyncs = 0;
  const feed = (await s.listenForCheckouts({ changed: (ids) => heard.push(...ids), resync: () => resyncs++, problem: () => undefined })) as ChangeFeed;
  cleanups.push(() => feed.close());
  return { feed, heard, resyncs: () => resyncs };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('change notifications across processes', () => {
  itWithSystem(postgres, 'are heard by every process once their transaction commits, never after a rollback, never on another schema', async () => {
    const ours = await schema();
    const [a, b] = [await store(ours.url), await store(ours.url)];
    const other = await store((await schema()).url);
    const inB = await recordingFeed(b);
    const inA = await recordingFeed(a);
    const elsewhere = await recordingFeed(other);
    expect(inB.feed.connected).toBe(true);

    await a.transaction(async (trx) => {
      await a.announceCheckouts(trx, ['chk_rolled_back']);
      // Not heard before the commit, even by this very process.
      await sleep(200);
      expect([...inA.heard, ...inB.heard]).toEqual([]);
      throw new Error('roll back');
    }).catch(() => undefined);
    await a.transaction(async (trx) => {
      await a.announceCheckouts(trx, ['chk_1', 'chk_2']);
      await sleep(200);
      expect(inB.heard).toEqual([]);
    });
    await expect.poll(() => inB.heard, { timeout: 5_000 }).toEqual(['chk_1', 'chk_2']);
    await expect.poll(() => inA.heard, { timeout: 5_000 }).toEqual(['chk_1', 'chk_2']);
    // Many ids at once travel in payloads under PostgreSQL's limit.
    const many = Array.from({ length: 2_000 }, (_, i) => `chk_${String(i).padStart(20, '0')}`);
    await b.transaction((trx) => b.announceCheckouts(trx, many));
    await expect.poll(() => inA.heard.length, { timeout: 5_000 }).toBe(2 + many.length);
    expect(inA.heard.slice(2)).toEqual(many);
    await sleep(200);
    expect(elsewhere.heard).toEqual([]);
  });

  itWithSystem(postgres, 'a lost notification connection reconnects and asks for a re-read of everything parked', async () => {
    const s = await schema();
    const [a, b] = [await store(s.url), await store(s.url)];
    const inB = await recordingFeed(b);
    // The listener's backend is ended from outside, as a failover or an idle-connection reaper would.
    const schemaName = new URL(s.url).searchParams.get('options')!.split('=')[1]!;
    const ended = await sql<{ ended: boolean }>`
      select pg_terminate_backend(pid) as ended from pg_stat_activity
      where application_name = 'hardbound-listen' and query like ${`%${schemaName}%`}`.execute(a.db);
    expect(ended.rows.map((r) => r.ended)).toEqual([true]);
    await expect.poll(() => inB.resyncs(), { timeout: 10_000 }).toBe(1);
    expect(inB.feed.connected).toBe(true);
    expect(inB.feed.reconnects).toBe(1);
    await a.transaction((trx) => a.announceCheckouts(trx, ['chk_after']));
    await expect.poll(() => inB.heard, { timeout: 5_000 }).toEqual(['chk_after']);
  });
});

describe('background jobs across processes', () => {
  function job(s: Store, run: () => Promise<unknown>, metrics = new Metrics()) {
    return { job: new PeriodicJob({ name: 'expire-checkouts', store: s, clock: new AdjustableClock(), metrics, log, intervalMs: 60_000, run }), metrics };
  }

  itWithSystem(postgres, 'of two processes ticking at once exactly one runs the period; each run is a row and a metric', async () => {
    const s = await schema();
    const [a, b] = [await store(s.url), await store(s.url)];
    let running = 0;
    let overlapped = false;
    const work = async () => {
      running++;
      if (running > 1) overlapped = true;
      await sleep(300);
      running--;
    };
    const [ja, jb] = [job(a, work), job(b, work)];
    const outcomes = await Promise.all([ja.job.runIfDue(), jb.job.runIfDue(), ja.job.runIfDue(), jb.job.runIfDue()]);
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'skipped')).toHaveLength(3);
    expect(overlapped).toBe(false);
    const runs = await jobRuns.list(a.db, 'expire-checkouts');
    expect(runs.map((r) => r.outcome)).toEqual(['ran']);
    expect(runs[0]!.finishedAt).toBeGreaterThanOrEqual(runs[0]!.startedAt);
    const ran = ja.metrics.get('hardbound_job_runs_total', { job: 'expire-checkouts', outcome: 'ran' }) + jb.metrics.get('hardbound_job_runs_total', { job: 'expire-checkouts', outcome: 'ran' });
    expect(ran).toBe(1);
    // Runs older than a week are forgotten by the next run.
    await a.db.updateTable('jobRuns').set({ startedAt: 0 }).execute();
    await a.db.updateTable('jobLeases').set({ leaseUntil: 0 }).execute();
    expect(await ja.job.runIfDue()).toBe('ran');
    expect((await jobRuns.list(a.db, 'expire-checkouts')).map((r) => r.outcome)).toEqual(['ran']);
    expect((await jobRuns.list(a.db, 'expire-checkouts'))[0]!.startedAt).toBeGreaterThan(0);
  });

  itWithSystem(postgres, 'a process that dies mid-run releases the lock with its connection; its run is found interrupted', async () => {
    const s = await schema();
    const survivor = await store(s.url);
    // Its connections carry a name of their own, so that only they are ended below (the database is shared).
    const dyingName = `hb_dying_${Math.random().toString(36).slice(2)}`;
    const dyingUrl = new URL(s.url);
    dyingUrl.searchParams.set('application_name', dyingName);
    const dying = await openStore({ url: dyingUrl.toString() });
    await dying.migrate();
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const { job: doomed } = job(dying, () => blocked);
    const started = doomed.runIfDue();
    await expect.poll(async () => (await jobRuns.list(survivor.db, 'expire-checkouts')).map((r) => r.outcome), { timeout: 5_000 }).toEqual(['running']);
    // While it runs, nobody else can take the job, lease or not.
    await survivor.db.updateTable('jobLeases').set({ leaseUntil: 0 }).execute();
    expect(await job(survivor, async () => undefined).job.runIfDue()).toBe('skipped');
    // It dies: PostgreSQL sees its connections close (the lock goes with them); its lease lapses.
    const ended = await sql<{ ended: boolean }>`select pg_terminate_backend(pid) as ended from pg_stat_activity where application_name = ${dyingName}`.execute(survivor.db);
    expect(ended.rows.length).toBeGreaterThanOrEqual(1);
    await survivor.db.updateTable('jobLeases').set({ leaseUntil: 0 }).execute();
    const after = job(survivor, async () => undefined);
    expect(await after.job.runIfDue()).toBe('ran');
    const runs = await jobRuns.list(survivor.db, 'expire-checkouts');
    expect(runs.map((r) => r.outcome)).toEqual(['interrupted', 'ran']);
    expect(after.metrics.get('hardbound_job_runs_total', { job: 'expire-checkouts', outcome: 'interrupted' })).toBe(1);
    // A dead process runs no more code; only now is the stand-in's run let go, so its pool (which reconnects)
    // cannot write its row before the survivor has looked.
    release();
    await started.catch(() => undefined);
    await dying.close().catch(() => undefined);
  });
});

describe('signing keys across processes', () => {
  const peer = { pid: 4242, host: 'host-b' };

  itWithSystem(postgres, 'a process whose keys another cannot verify refuses to start, naming both; a rotation in progress does not', async () => {
    const s = await schema();
    const db = await store(s.url);
    const clock = new AdjustableClock();
    const now = clock.now();
    await instances.upsert(db.db, { id: 'b', ...peer, startedAt: now, seenAt: now, activeKid: 'kid-old', kids: 'kid-old' });

    const stranger = new SharedKeys({ store: db, clock, log, keys: { activeKid: 'kid-dev', kids: ['kid-dev'] } });
    const refused = await stranger.join().then(() => null, (e: Error) => e.message);
    expect(refused).toContain('the server process 4242 on host-b signs with key kid-old, which this process does not hold');
    expect(refused).toContain('this process signs with key kid-dev, which the server process 4242 on host-b does not hold');
    expect(refused).toContain('HARDBOUND_KEYS_DIR');

    // Step 1 of a rotation: the new key is published here, the old one still signs everywhere.
    const rotating = new SharedKeys({ store: db, clock, log, keys: { activeKid: 'kid-old', kids: ['kid-new', 'kid-old'] } });
    await rotating.join();
    cleanups.push(() => rotating.leave());
    expect(rotating.problem()).toBeNull();
    expect((await instances.seenSince(db.db, 0)).map((i) => i.kids).sort()).toEqual(['kid-new,kid-old', 'kid-old']);
    await rotating.leave();
    expect((await instances.seenSince(db.db, 0)).map((i) => i.id)).toEqual(['b']);

    // A process not seen for a while is taken for dead: its keys no longer matter.
    clock.advance(60_000);
    await stranger.join();
    cleanups.push(() => stranger.leave());
  });

  itWithSystem(postgres, 'keyConflict: only a signer someone cannot verify is a conflict', async () => {
    expect(keyConflict({ activeKid: 'a', kids: ['a', 'b'] }, { ...peer, activeKid: 'b', kids: 'a,b' })).toBeNull();
    expect(keyConflict({ activeKid: 'a', kids: ['a'] }, { ...peer, activeKid: 'a', kids: 'a,b' })).toBeNull();
    expect(keyConflict({ activeKid: 'a', kids: ['a'] }, { ...peer, activeKid: 'b', kids: 'a,b' })).toContain('signs with key b');
  });
});
