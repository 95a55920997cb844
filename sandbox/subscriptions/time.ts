// Billing-period arithmetic on the sandbox clock, in UTC as PayPal reports times.
import type { Plan } from '../model';

export type IntervalUnit = Plan['interval']['unit'];

/** PayPal's times carry whole seconds ("2026-01-31T10:00:00Z"). */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The time `times` billing intervals after `iso`. Counted from one anchor, so monthly billing from Jan 31
 *  falls on Feb 28, then Mar 31, never drifting to the 28th. */
export function addIntervals(iso: string, interval: Plan['interval'], times: number): string {
  const date = new Date(iso);
  const { unit } = interval;
  const count = interval.count * times;
  if (unit === 'DAY' || unit === 'WEEK') {
    const days = unit === 'DAY' ? count : count * 7;
    return isoSeconds(date.getTime() + days * 86_400_000);
  }
  const months = unit === 'MONTH' ? count : count * 12;
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return isoSeconds(date.getTime());
}

/** "month", "3 months", "week"… for the approval page's price line. */
export function describeInterval(interval: Plan['interval']): string {
  const unit = interval.unit.toLowerCase();
  return interval.count === 1 ? unit : `${interval.count} ${unit}s`;
}

/** RFC 3339 date-time with a zone, as PayPal's `start_time` requires. */
export function parseDateTime(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
