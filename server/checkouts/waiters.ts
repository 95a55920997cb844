// Long-poll waiters: GET /v1/checkouts/:id?wait=N parks here until the checkout changes, the wait runs out,
// or the server shuts down — whichever comes first. A change made in this process notifies at once; on
// PostgreSQL a change made by another process arrives through the change feed (store/change-feed.ts), and the
// poller's periodic re-read (see CheckoutService) is the fallback should a notification be lost.

export interface Parked {
  /** Resolves when notified (or on close()) with 'woken', after the timeout with 'timed-out'; never rejects. */
  done: Promise<'woken' | 'timed-out'>;
  cancel(): void;
}

type Wake = (why?: 'woken' | 'timed-out') => void;

export class CheckoutWaiters {
  private readonly waiting = new Map<string, Set<Wake>>();
  private isClosed = false;

  /** Parks first, so a change that lands between the caller's read and its wait still wakes it. */
  park(checkoutId: string, timeoutMs: number): Parked {
    if (this.isClosed || timeoutMs <= 0) return { done: Promise.resolve(this.isClosed ? 'woken' : 'timed-out'), cancel: () => {} };
    let wake: Wake = () => {};
    const done = new Promise<'woken' | 'timed-out'>((resolve) => {
      const set = this.waiting.get(checkoutId) ?? new Set<Wake>();
      this.waiting.set(checkoutId, set);
      const timer = setTimeout(() => wake('timed-out'), timeoutMs);
      wake = (why = 'woken') => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0 && this.waiting.get(checkoutId) === set) this.waiting.delete(checkoutId);
        resolve(why);
      };
      set.add(wake);
    });
    return { done, cancel: () => wake() };
  }

  notify(checkoutId: string): void {
    const set = this.waiting.get(checkoutId);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Wakes every parked poll so that each re-reads its checkout (the change feed reconnected: notifications
   *  may have been missed meanwhile). Unchanged ones park again. */
  wakeAll(): void {
    for (const id of [...this.waiting.keys()]) this.notify(id);
  }

  get count(): number {
    let n = 0;
    for (const set of this.waiting.values()) n += set.size;
    return n;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Answers every parked poll now (graceful shutdown) and parks no new ones. */
  close(): void {
    this.isClosed = true;
    this.wakeAll();
  }
}
