// What PayPal billing plan one of our recurring plans needs (unit, count, price, currency), and how a plan
// PayPal holds differs from it, in words an operator can act on.
import type { Plan } from '../../../common/plans';
import type { BillingPlan, IntervalUnit } from './account';

export interface WantedCycle {
  unit: IntervalUnit;
  count: number;
  price: { value: string; currency: string };
}

export function wantedCycle(plan: Plan): WantedCycle | null {
  if (plan.billing.kind !== 'recurring') return null;
  return {
    unit: plan.billing.interval === 'month' ? 'MONTH' : 'YEAR',
    count: plan.billing.intervalCount,
    price: { value: plan.price, currency: plan.currency },
  };
}

/** Marks the PayPal plans `paypal setup` made for one of our plans, so a second run finds them. */
export function planMarker(planId: string): string {
  return `hardbound-plan:${planId}`;
}

const sameAmount = (a: string, b: string) => /^\d+(\.\d+)?$/.test(a) && /^\d+(\.\d+)?$/.test(b) && Number(a) === Number(b);

const every = (unit: string, count: number) => `every ${count} ${unit.toLowerCase()}${count === 1 ? '' : 's'}`;

/** Each way the PayPal plan differs from ours (empty when it matches). */
export function cycleDifferences(found: BillingPlan, wanted: WantedCycle): string[] {
  const differences: string[] = [];
  if (found.status !== 'ACTIVE') differences.push(`it is ${found.status}, not ACTIVE`);
  const cycle = found.cycle;
  if (cycle === null) return [...differences, 'it has no regular billing cycle with a fixed price'];
  if (cycle.price.currency !== wanted.price.currency || !sameAmount(cycle.price.value, wanted.price.value)) {
    differences.push(`it costs ${cycle.price.value} ${cycle.price.currency}, the plans file says ${wanted.price.value} ${wanted.price.currency}`);
  }
  if (cycle.unit !== wanted.unit || cycle.count !== wanted.count) {
    differences.push(`it bills ${every(cycle.unit, cycle.count)}, the plans file says ${every(wanted.unit, wanted.count)}`);
  }
  return differences;
}
