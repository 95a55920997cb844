// A background job that runs once per period per database, however many server processes share it: each process
// ticks a few times a period and runs the job only if it holds the job's lock (store/job-lock.ts: no two runs at
// once, anywhere) and takes the period's lease (store/job-leases.ts: one run per period). A process that dies
// mid-run releases the lock with its connection and leaves the lease to lapse; the next period runs again. Each
// run is a row in job_runs (holder, times, outcome) and counted on /metrics.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/database';
import { withJobLock } from '../store/job-lock';
import * as leases from '../store/job-leases';
import * as jobRuns from '../store/job-runs';

export interface PeriodicJobDeps {
  name: string;
  store: Store;
  clock: Clock;
  metrics: Metrics;
  log: Logger;
  intervalMs: number;
  run: () => Promise<unknown>;
}

const TICKS_PER_PERIOD = 4;
/** Runs are kept this long in job_runs, then forgotten by the next run. */
const RUNS_KEPT_MS = 7 * 86_400_000;

export class PeriodicJob {
  private readonly holder = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly deps: PeriodicJobDeps) {
    deps.metrics.describe('hardbound_job_runs_total', 'Background job ticks of this process by job and outcome: ran, failed, or skipped (another process holds the lock or ran this period); interrupted: runs of a process that died mid-run, found by this one.');
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runIfDue().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.timer = setTimeout(tick, this.tickMs()).unref();
      });
    };
    this.timer = setTimeout(tick, this.tickMs()).unref();
  }

  /** Runs the job if this process takes the lock and the period's lease; 'skipped' when another process has. */
  async runIfDue(): Promise<'ran' | 'failed' | 'skipped'> {
    const { store, name, metrics } = this.deps;
    let outcome: 'ran' | 'failed' | 'skipped';
    try {
      const taken = await withJobLock(store, name, () => this.runLocked());
      outcome = taken.locked ? taken.value : 'skipped';
    } catch (error) {
      // The database itself failed (lock, lease or bookkeeping): nothing ran to its end; next tick tries again.
      this.deps.log.error({ job: name, err: (error as Error).message }, 'background job could not start or finish its bookkeeping');
      outcome = 'failed';
    }
    metrics.inc('hardbound_job_runs_total', { job: name, outcome });
    return outcome;
  }

  private async runLocked(): Promise<'ran' | 'failed' | 'skipped'> {
    const { store, clock, name, intervalMs, metrics, log } = this.deps;
    const now = clock.now();
    if (!(await leases.acquire(store.db, name, this.holder, now, now + intervalMs))) return 'skipped';
    const interrupted = await jobRuns.markInterrupted(store.db, name);
    if (interrupted > 0) {
      metrics.inc('hardbound_job_runs_total', { job: name, outcome: 'interrupted' }, interrupted);
      log.warn({ job: name, runs: interrupted }, 'a process died during a run of this job; its transactions rolled back, this period runs it again');
    }
    await jobRuns.prune(store.db, name, now - RUNS_KEPT_MS);
    const run = await jobRuns.start(store.db, name, this.holder, now);
    try {
      await this.deps.run();
      await leases.finished(store.db, name, this.holder, clock.now());
      await jobRuns.finish(store.db, run, 'ran', clock.now());
      return 'ran';
    } catch (error) {
      await jobRuns.finish(store.db, run, 'failed', clock.now()).catch(() => undefined);
      log.error({ job: name, err: (error as Error).message }, 'background job failed; it runs again next period');
      return 'failed';
    }
  }

  /** Stops ticking and waits for a run in progress. The lease runs to the end of its period: the job ran. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  private tickMs(): number {
    const base = this.deps.intervalMs / TICKS_PER_PERIOD;
    return Math.max(100, base * (0.8 + 0.4 * Math.random()));
  }
}
