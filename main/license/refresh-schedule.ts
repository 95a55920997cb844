// When refreshes happen: at start, every 6 hours, sooner again after a failure, and when the window gains
// focus or the machine resumes — but not more often than a focus-happy user can trigger them. One at a
// time: a request while one runs joins it. An entitlement that lapses sooner than that (a subscription's
// `exp` follows its paid-through date) is refreshed shortly before it lapses, and once more just after if
// the server had nothing newer then, so the change (renewed, or Free) shows when it happens.
import type { Clock } from '../../common/clock';
import type { Timers } from './timers';

export const REFRESH_INTERVAL_MS = 6 * 60 * 60 * 1000;
export const RETRY_AFTER_FAILURE_MS = 15 * 60 * 1000;
export const FOCUS_MIN_INTERVAL_MS = 5 * 60 * 1000;
/** How long before the entitlement lapses the app asks for its successor. */
export const LAPSE_LEAD_MS = 10 * 60 * 1000;
/** Past the lapse, so the server's clock has passed it too. */
export const AFTER_LAPSE_MS = 5_000;

export interface RefreshScheduleOptions {
  clock: Clock;
  timers: Timers;
  /** Runs one refresh; resolves true when the server answered. */
  run: () => Promise<boolean>;
  /** Epoch ms the entitlement in force lapses (its `exp`), or null when there is none. */
  lapsesAt?: () => number | null;
  intervalMs?: number;
  retryAfterFailureMs?: number;
  focusMinIntervalMs?: number;
}

export class RefreshSchedule {
  private timer: unknown = null;
  private dueAt: number | null = null;
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

  /** A refresh that starts from now on: after the running one, if any (it presents what was stored before). */
  runAfresh(): Promise<void> {
    const running = this.inFlight;
    return running ? running.then(() => this.runNow()) : this.runNow();
  }

  /** Focus or resume: refreshes unless one started less than the minimum interval ago. */
  poke(): void {
    if (this.stopped) return;
    const last = this.lastStartedAt;
    const min = this.options.focusMinIntervalMs ?? FOCUS_MIN_INTERVAL_MS;
    if (last === null || this.options.clock.now() - last >= min) void this.runNow();
  }

  /** The entitlement in force changed outside a refresh (a checkout, a cancellation): the next refresh
   *  moves earlier if the new one lapses before it. */
  reconsider(): void {
    if (this.stopped || this.dueAt === null) return;
    const chase = this.untilLapse();
    if (chase !== null && this.options.clock.now() + chase < this.dueAt) this.arm(chase);
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
    const regular = answered ? (this.options.intervalMs ?? REFRESH_INTERVAL_MS) : (this.options.retryAfterFailureMs ?? RETRY_AFTER_FAILURE_MS);
    this.arm(Math.min(regular, this.untilLapse() ?? regular));
  }

  /** Delay to the refresh the entitlement's lapse calls for, or null when nothing lapses ahead. */
  private untilLapse(): number | null {
    const lapsesAt = this.options.lapsesAt?.() ?? null;
    const left = lapsesAt === null ? 0 : lapsesAt - this.options.clock.now();
    // Already lapsed: the refresh just made had nothing newer; chasing it again at once would only spin.
    if (left <= 0) return null;
    // Within the lead the server has already been asked (or could not be): next time is just after the lapse.
    return left > LAPSE_LEAD_MS ? left - LAPSE_LEAD_MS : left + AFTER_LAPSE_MS;
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.disarm();
    this.dueAt = this.options.clock.now() + ms;
    this.timer = this.options.timers.setTimeout(() => {
      this.timer = null;
      this.dueAt = null;
      void this.runNow();
    }, ms);
  }

  private disarm(): void {
    if (this.timer !== null) this.options.timers.clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = null;
  }
}
