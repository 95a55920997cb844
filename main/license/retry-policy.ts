// Exponential back-off with full jitter (AWS architecture blog): spreads the retries of many apps that lost
// the server at the same moment instead of having them return in lock-step.

export interface RetryPolicy {
  /** Total tries, the first included; at least 1. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 300, maxDelayMs: 5_000 };

/** Delay before retry number `retry` (1 = the first retry); `random` returns [0, 1). */
export function backoffDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
