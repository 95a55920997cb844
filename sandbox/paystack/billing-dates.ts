// When Paystack bills a plan's subscription: `n` intervals after the first payment, on the sandbox clock.
// Monthly-type billing follows Paystack's documented rule: a subscription started on the 29th–31st is billed
// on the 28th of later months.
import type { PlanInterval } from './model';

const HOUR_MS = 3_600_000;
const MONTHS: Partial<Record<PlanInterval, number>> = { monthly: 1, quarterly: 3, biannually: 6, annually: 12 };
const HOURS: Partial<Record<PlanInterval, number>> = { hourly: 1, daily: 24, weekly: 24 * 7 };

/** Paystack's times: milliseconds and Z ("2016-03-29T22:42:50.811Z"). */
export function isoMs(ms: number): string {
  return new Date(ms).toISOString();
}

export function billingDate(startIso: string, interval: PlanInterval, n: number): string {
  const start = new Date(startIso);
  const hours = HOURS[interval];
  if (hours !== undefined) return isoMs(start.getTime() + n * hours * HOUR_MS);
  const months = (MONTHS[interval] ?? 1) * n;
  const day = Math.min(start.getUTCDate(), 28);
  const date = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, day,
    start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()));
  return isoMs(date.getTime());
}

/** The cron expression Paystack shows on a subscription (minute hour day month weekday, UTC). */
export function cronExpression(interval: PlanInterval, startIso: string): string {
  const start = new Date(startIso);
  const day = Math.min(start.getUTCDate(), 28);
  switch (interval) {
    case 'hourly': return '0 * * * *';
    case 'daily': return '0 0 * * *';
    case 'weekly': return `0 0 * * ${start.getUTCDay()}`;
    case 'monthly': return `0 0 ${day} * *`;
    case 'quarterly': return `0 0 ${day} */3 *`;
    case 'biannually': return `0 0 ${day} */6 *`;
    case 'annually': return `0 0 ${day} ${start.getUTCMonth() + 1} *`;
  }
}
