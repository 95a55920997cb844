// PayPal's billing calendar, for when a subscription no longer shows next_billing_time (suspended, cancelled,
// expired). Billing dates count from start_time, in UTC, in whole seconds: monthly from Jan 31 falls on Feb 28,
// then Mar 31, never drifting to the 28th. So a date computed here equals the next_billing_time PayPal showed.
import type { PlanView } from './views';

type Interval = PlanView['interval'];

const DAY_MS = 86_400_000;
/** Average cycle lengths, only to guess which cycle a time falls in; the guess is then corrected exactly. */
const AVERAGE_MS: Readonly<Record<Interval['unit'], number>> = {
  DAY: DAY_MS,
  WEEK: 7 * DAY_MS,
  MONTH: 30.436875 * DAY_MS,
  YEAR: 365.2425 * DAY_MS,
};
/** A guess from average lengths is at most one cycle off; a few steps more are margin, not a search. */
const MAX_CORRECTION_STEPS = 4;

/** The billing date `cycles` intervals after `start` (epoch ms, truncated to whole seconds as PayPal's are). */
export function billingDate(start: number, interval: Interval, cycles: number): number {
  const date = new Date(start);
  const count = interval.count * cycles;
  if (interval.unit === 'DAY' || interval.unit === 'WEEK') {
    return wholeSeconds(start + (interval.unit === 'DAY' ? count : count * 7) * DAY_MS);
  }
  const months = interval.unit === 'MONTH' ? count : count * 12;
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return wholeSeconds(date.getTime());
}

/** The first billing date after `at` (at least one cycle after `start`): how far a payment made at `at` pays. */
export function billingDateAfter(start: number, interval: Interval, at: number): number {
  const guess = Math.floor((at - start) / (AVERAGE_MS[interval.unit] * interval.count)) + 1;
  let cycles = Math.max(1, guess);
  for (let step = 0; step < MAX_CORRECTION_STEPS && cycles > 1 && billingDate(start, interval, cycles - 1) > at; step++) cycles -= 1;
  for (let step = 0; step < MAX_CORRECTION_STEPS && billingDate(start, interval, cycles) <= at; step++) cycles += 1;
  return billingDate(start, interval, cycles);
}

function wholeSeconds(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
