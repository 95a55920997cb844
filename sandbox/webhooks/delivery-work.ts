// What every stand-in's webhook sender shares: deliveries tracked until their last attempt ends (settle waits for
// them), shuffling held deliveries, the duplicate/concurrent copies a fault asks for, bounded attempts in flight,
// and a close that cancels pending retries. Each provider's sender adds only its own addressing and signing.
import { randomInt } from 'node:crypto';
import type { DeliveryFaults } from './faults';
import { ListenerClient } from './listener-client';
import { DeliveryClosedError, Scheduler } from './scheduler';

export class NotSettledError extends Error {
  readonly code = 'WEBHOOKS_NOT_SETTLED';
  constructor(readonly pending: number) {
    super(`${pending} webhook deliveries still pending`);
  }
}

// Attempts in flight at once; the rest wait their turn, so that a burst of thousands of events neither signs
// everything up front nor starts timeouts that run while requests wait for a socket.
const MAX_CONCURRENT_ATTEMPTS = 64;

export class DeliveryWork {
  readonly client: ListenerClient;
  readonly scheduler = new Scheduler(MAX_CONCURRENT_ATTEMPTS);
  private held: (() => void)[] = [];
  private shuffleTimer: NodeJS.Timeout | undefined;
  /** One entry per delivery until its last attempt ends; settle() waits for it to empty. */
  private readonly work = new Set<Promise<void>>();
  private readonly idleWaiters = new Set<() => void>();

  constructor(deliveryTimeoutMs: number) {
    this.client = new ListenerClient(deliveryTimeoutMs);
  }

  get isClosed(): boolean {
    return this.scheduler.isClosed;
  }

  /** Runs one delivery as the faults ask: held for shuffling, then `duplicate` copies, at once or one by one. */
  run(faults: DeliveryFaults, attempts: () => Promise<void>): void {
    this.track((async () => {
      if (faults.shuffle) await this.hold(faults.shuffle.windowMs);
      const copies = faults.duplicate ?? 1;
      if (faults.concurrent) await Promise.all(Array.from({ length: copies }, attempts));
      else for (let copy = 0; copy < copies; copy++) await attempts();
    })());
  }

  /** Releases every delivery held for shuffling, in random order. */
  flush(): void {
    clearTimeout(this.shuffleTimer);
    this.shuffleTimer = undefined;
    const released = this.held;
    this.held = [];
    for (let i = released.length - 1; i > 0; i--) {
      const j = randomInt(i + 1);
      [released[i], released[j]] = [released[j] as () => void, released[i] as () => void];
    }
    for (const release of released) release();
  }

  /** Resolves once nothing is queued, held, in flight or waiting for a retry; rejects after `timeoutMs`. */
  settle(timeoutMs: number): Promise<void> {
    if (this.work.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onIdle = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(onIdle);
        resolve();
      };
      const timer = setTimeout(() => {
        this.idleWaiters.delete(onIdle);
        reject(new NotSettledError(this.work.size));
      }, timeoutMs);
      this.idleWaiters.add(onIdle);
    });
  }

  async close(): Promise<void> {
    this.scheduler.close();
    this.flush();
    this.client.close();
    await Promise.allSettled([...this.work]);
  }

  private track(task: Promise<void>): void {
    const tracked: Promise<void> = task
      .catch((error: unknown) => {
        if (!(error instanceof DeliveryClosedError)) throw error;
      })
      .finally(() => {
        this.work.delete(tracked);
        if (this.work.size === 0) for (const onIdle of [...this.idleWaiters]) onIdle();
      });
    this.work.add(tracked);
  }

  private hold(windowMs: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      this.held.push(resolve);
      if (windowMs !== undefined && this.shuffleTimer === undefined) {
        this.shuffleTimer = setTimeout(() => this.flush(), windowMs);
      }
    });
  }
}
