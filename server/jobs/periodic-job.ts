// A background job that runs once per period per database, however many server processes share it: each process
// ticks a few times a period and runs the job only if it takes the period's lease (store/job-leases.ts). A process
// that dies mid-run leaves the lease to lapse; the next period runs again. Runs are counted on /metrics.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { Metrics } from '../observability/metrics';
import type { Store } from '../store/database';
import * as leases from '../store/job-leases';

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

export class PeriodicJob {
  private readonly holder = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly deps: PeriodicJobDeps) {
    deps.metrics.describe('hardbound_job_runs_total', 'Background job runs by job and outcome (ran, failed); skipped ticks are another process\'s period.');
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

  /** Runs the job if this process takes the period's lease; 'skipped' when another holds it. */
  async runIfDue(): Promise<'ran' | 'failed' | 'skipped'> {
    const { store, clock, name, intervalMs } = this.deps;
    const now = clock.now();
    if (!(await leases.acquire(store.db, name, this.holder, now, now + intervalMs))) return 'skipped';
    try {
      await this.deps.run();
      await leases.finished(store.db, name, this.holder, clock.now());
      this.deps.metrics.inc('hardbound_job_runs_total', { job: name, outcome: 'ran' });
      return 'ran';
    } catch (error) {
      this.deps.metrics.inc('hardbound_job_runs_total', { job: name, outcome: 'failed' });
      this.deps.log.error({ job: name, err: (error as Error).message }, 'background job failed; it runs again next period');
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
