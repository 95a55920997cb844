// Waits for a checkout to settle by long-polling GET /v1/checkouts/:id?wait=N. Bounded three ways: the
// abort signal, a deadline (the checkout's own expiry plus a margin: the server answers 'expired' by
// then), and a cap on consecutive failed polls (each already retried by the client).
import type { CheckoutView } from '../../common/api';
import type { Clock } from '../../common/clock';
import { backoffDelay, type RetryPolicy } from './retry-policy';
import type { CheckoutApi, CheckoutTicket } from './server-client';
import { ServerClientError } from './server-errors';
import { sleep, type Timers } from './timers';

export type FinalCheckoutView = Extract<CheckoutView, { status: 'completed' | 'failed' }> | { status: 'cancelled' | 'expired' };

export function isFinal(view: CheckoutView): view is FinalCheckoutView {
  return view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled' || view.status === 'expired';
}

export interface LongPollOptions {
  signal: AbortSignal;
  clock: Clock;
  timers: Timers;
  /** Epoch ms after which the loop stops and returns the last (unsettled) view. */
  deadline: number;
  waitSeconds?: number;
  /** Failed polls in a row (after the client's own retries) before the loop gives up. */
  maxConsecutiveFailures?: number;
  /** Unsettled answers come at most this often, whatever the server does with `wait`. */
  minIntervalMs?: number;
  pause?: RetryPolicy;
  random?: () => number;
}

export const DEFAULT_WAIT_SECONDS = 25;

export async function pollUntilSettled(client: Pick<CheckoutApi, 'poll'>, ticket: CheckoutTicket, options: LongPollOptions): Promise<CheckoutView> {
  const waitSeconds = options.waitSeconds ?? DEFAULT_WAIT_SECONDS;
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  const pause = options.pause ?? { attempts: maxFailures, baseDelayMs: 1_000, maxDelayMs: 10_000 };
  let last: CheckoutView = { status: 'pending' };
  let failures = 0;
  const minIntervalMs = options.minIntervalMs ?? 500;
  while (options.clock.now() < options.deadline) {
    const started = options.clock.now();
    const remaining = Math.ceil((options.deadline - started) / 1000);
    try {
      last = await client.poll(ticket, Math.min(waitSeconds, remaining), options.signal);
      failures = 0;
    } catch (error) {
      if (!(error instanceof ServerClientError) || !error.retryable || ++failures >= maxFailures) throw error;
      await sleepOrAbort(options, backoffDelay(pause, failures, options.random ?? Math.random));
      continue;
    }
    if (isFinal(last)) return last;
    const early = started + minIntervalMs - options.clock.now();
    if (early > 0) await sleepOrAbort(options, early);
  }
  return last;
}

async function sleepOrAbort(options: LongPollOptions, ms: number): Promise<void> {
  try {
    await sleep(options.timers, ms, options.signal);
  } catch {
    throw new ServerClientError('aborted', 'Checking the payment was stopped');
  }
}
