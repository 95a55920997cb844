// When refreshes happen: at start, every 6 hours, sooner again after a failure, and when the window gains
// focus or the machine resumes — but not more often than a focus-happy user can trigger them. One at a
// time: a request while one runs joins it.
import type { Clock } from '../../common/clock';
import type { Timers } from './timers';

export const REFRESH_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const RETRY_AFTER_FAILURE_MS = 15 * 60 * 1000;
export const FOCUS_MIN_INTERVAL_MS = 5 * 60 * 1000;

export interface RefreshScheduleOptions {
  clock: Clock;
  timers: Timers;
  /** Runs one refresh; resolves true when the server answered. */
  run: () => Promise<boolean>;
  intervalMs?: number;
  retryAfterFailureMs?: number;
  focusMinIntervalMs?: number;
}

export class RefreshSchedule {
  private timer: unknown = null;
  private inFlight: Promise<void> | null = null;
  private lastStartedAt: number | null = null;
  private stopped = true;

  constructor(private readonly options: RefreshScheduleOptions) {}

  /** Refreshes now and keeps refreshing on schedule until stop(). */
  start(): Promise<void> {
    this.stopped = false;
    return this.runNow();
  }

  /** Refreshes now (or joins the refresh already running), then re-arms the periodic timer. */
  runNow(): Promise<void> {
    this.inFlight ??= this.execute().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  /** Focus or resume: refreshes unless one started less than the minimum interval ago. */
  poke(): void {
    if (this.stopped) return;
    const last = this.lastStartedAt;
    const min = this.options.focusMinIntervalMs ?? FOCUS_MIN_INTERVAL_MS;
    if (last === null || this.options.clock.now() - last >= min) void this.runNow();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
  }

  private async execute(): Promise<void> {
    this.disarm();
    this.lastStartedAt = this.options.clock.now();
    let answered = false;
    try {
      answered = await this.options.run();
    } catch {
      // run() reports its own failures in the state; a throw here only means "try again sooner".
    }
    this.arm(answered ? (this.options.intervalMs ?? REFRESH_INTERVAL_MS) : (this.options.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS));
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.disarm();
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      void this.runNow();
    }, ms);
  }

  private disarm(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}
