// The waits of webhook delivery, all cancellable: retry and fault delays, and turns at a bounded number of
// attempts in flight. Closing the sandbox ends every wait at once with DeliveryClosedError.

export class DeliveryClosedError extends Error {
  readonly code = 'DELIVERY_CLOSED';
}

interface PendingTimer {
  handle: NodeJS.Timeout;
  reject(error: Error): void;
}

export class Scheduler {
  private closed = false;
  private readonly timers = new Set<PendingTimer>();
  private active = 0;
  private readonly turnWaiters: (() => void)[] = [];

  constructor(private readonly maxConcurrent: number) {}

  get isClosed(): boolean {
    return this.closed;
  }

  sleep(ms: number): Promise<void> {
    if (this.closed) return Promise.reject(new DeliveryClosedError());
    return new Promise((resolve, reject) => {
      const timer: PendingTimer = {
        handle: setTimeout(() => {
          this.timers.delete(timer);
          resolve();
        }, ms),
        reject,
      };
      this.timers.add(timer);
    });
  }

  /** Runs `task` once fewer than maxConcurrent tasks are running; waiting tasks run in arrival order. */
  async inTurn<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.maxConcurrent) this.active++;
    else await new Promise<void>((resolve) => this.turnWaiters.push(resolve));
    try {
      if (this.closed) throw new DeliveryClosedError();
      return await task();
    } finally {
      // The turn passes straight to the next waiter, if any.
      const next = this.turnWaiters.shift();
      if (next) next();
      else this.active--;
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) {
      clearTimeout(timer.handle);
      timer.reject(new DeliveryClosedError());
    }
    this.timers.clear();
    for (const wake of this.turnWaiters.splice(0)) wake();
  }
}
