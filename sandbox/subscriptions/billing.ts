// Taking money on a subscription: the first payment, renewals on the sandbox clock, failed attempts and the
// plan's payment_failure_threshold. Every successful payment is a v1 sale, as PayPal records them.
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { Plan, Sale, Subscription } from '../model';
import { fromMinor, minorOf } from '../money';
import { publishSaleCompleted, publishSubscription } from './events';
import { findPlan } from './lookup';
import { moveTo, nextEventTime } from './status';
import { addIntervals } from './time';

/** Cycles one subscription may bill in one run, so a clock moved by decades cannot stall the sandbox. */
export const MAX_CYCLES_PER_RUN = 1000;

/** Bills the first cycle now (or schedules it for a future start_time) and activates the subscription. */
export function startBilling(ctx: SandboxContext, subscription: Subscription): void {
  const plan = findPlan(ctx, subscription.planId);
  const now = ctx.isoNow();
  if (Date.parse(subscription.startTime) > ctx.clock.now()) {
    subscription.nextBillingTime = subscription.startTime;
    moveTo(ctx, subscription, 'ACTIVE');
    return;
  }
  // A subscription approved after its start time starts when it is approved, as PayPal's does.
  subscription.startTime = now;
  const sale = collect(ctx, subscription, plan, now);
  scheduleNextCycle(subscription, plan);
  moveTo(ctx, subscription, 'ACTIVE');
  publishSaleCompleted(ctx, sale);
}

/** Bills the cycle due at next_billing_time (now, even if early) and moves the schedule one interval on. */
export function billNextCycle(
  ctx: SandboxContext, subscription: Subscription, outcome: Subscription['renewalOutcome'], at: string,
): Sale | undefined {
  const plan = findPlan(ctx, subscription.planId);
  // Each payment attempt is dated after the status change or attempt before it (status.ts: nextEventTime).
  const when = nextEventTime(subscription, Date.parse(at));
  if (outcome === 'fail') {
    scheduleNextCycle(subscription, plan);
    recordFailure(ctx, subscription, plan, when);
    return undefined;
  }
  const sale = collect(ctx, subscription, plan, when);
  scheduleNextCycle(subscription, plan);
  publishSaleCompleted(ctx, sale);
  return sale;
}

/** Cycles a reactivation may skip over; a bound for the loop, far beyond any real suspension. */
const MAX_SKIPPED_CYCLES = 100_000;

/** A reactivated subscription bills again from its next cycle date still ahead; the periods it spent
 *  suspended are not billed, as with PayPal. */
export function resumeSchedule(ctx: SandboxContext, subscription: Subscription): void {
  const plan = findPlan(ctx, subscription.planId);
  const now = ctx.clock.now();
  for (let skipped = 0; skipped < MAX_SKIPPED_CYCLES; skipped++) {
    if (subscription.nextBillingTime === undefined || Date.parse(subscription.nextBillingTime) > now) return;
    subscription.cyclesBilled += 1;
    subscription.nextBillingTime = addIntervals(subscription.startTime, plan.interval, subscription.cyclesBilled);
  }
}

/** Counts the cycle just billed and moves next_billing_time to the start of the following one. */
function scheduleNextCycle(subscription: Subscription, plan: Plan): void {
  subscription.cyclesBilled += 1;
  subscription.nextBillingTime = addIntervals(subscription.startTime, plan.interval, subscription.cyclesBilled);
}

/** Bills every ACTIVE subscription once per cycle that fell due by now; expires those whose cycles ran out. */
export function runDueRenewals(ctx: SandboxContext): void {
  const now = ctx.clock.now();
  for (const subscription of ctx.state.subscriptions.values()) {
    for (let cycle = 0; cycle < MAX_CYCLES_PER_RUN; cycle++) {
      const due = subscription.nextBillingTime;
      if (subscription.status !== 'ACTIVE' || due === undefined || Date.parse(due) > now) break;
      if (cyclesExhausted(ctx, subscription)) {
        moveTo(ctx, subscription, 'EXPIRED');
        break;
      }
      billNextCycle(ctx, subscription, subscription.renewalOutcome, due);
    }
  }
}

export function cyclesExhausted(ctx: SandboxContext, subscription: Subscription): boolean {
  const { totalCycles } = findPlan(ctx, subscription.planId);
  return totalCycles > 0 && subscription.cyclesCompleted >= totalCycles;
}

/** A completed sale for one cycle plus whatever earlier cycles left outstanding (auto_bill_outstanding). */
function collect(ctx: SandboxContext, subscription: Subscription, plan: Plan, at: string): Sale {
  const currency = plan.price.currency_code;
  const sale: Sale = {
    id: ctx.newId('sale', ids.resource),
    subscriptionId: subscription.id,
    amount: fromMinor(minorOf(plan.price) + subscription.outstandingMinor, currency),
    state: 'completed',
    parentPayment: ids.v1Payment(),
    createTime: at,
    updateTime: at,
  };
  ctx.state.sales.set(sale.id, sale);
  subscription.saleIds.push(sale.id);
  subscription.lastPayment = { amount: sale.amount, time: at };
  subscription.cyclesCompleted += 1;
  subscription.failedPaymentsCount = 0;
  subscription.updateTime = ctx.isoNow();
  subscription.outstandingMinor = 0;
  return sale;
}

/** A declined payment: the cycle's amount stays outstanding; at the plan's threshold the subscription is
 *  suspended (a threshold of 0 never suspends, as in PayPal). */
function recordFailure(ctx: SandboxContext, subscription: Subscription, plan: Plan, at: string): void {
  const amount = fromMinor(minorOf(plan.price), plan.price.currency_code);
  subscription.outstandingMinor += minorOf(plan.price);
  subscription.lastFailedPayment = { amount, time: at };
  subscription.failedPaymentsCount += 1;
  subscription.updateTime = ctx.isoNow();
  publishSubscription(ctx, subscription, 'BILLING.SUBSCRIPTION.PAYMENT.FAILED');
  const threshold = plan.paymentFailureThreshold;
  if (threshold > 0 && subscription.failedPaymentsCount >= threshold) {
    moveTo(ctx, subscription, 'SUSPENDED', 'Payment failure threshold reached');
  }
}
