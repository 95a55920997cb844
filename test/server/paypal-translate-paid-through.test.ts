// Paid-through dates once PayPal no longer shows billing_info.next_billing_time (a suspended, cancelled or
// expired subscription): derived from the plan's billing cycle, on the same calendar as PayPal's own dates.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BillingEvent } from '../../server/billing/events';
import { billingDate, billingDateAfter } from '../../server/providers/paypal/billing-period';
import { PayPalApiError } from '../../server/providers/paypal/errors';
import { fetchTruth, planIfNeeded, type TruthSource } from '../../server/providers/paypal/fetch-truth';
import {
  activationEvent, judgeSale, judgeSubscription, paidThroughByPlan, type Judgement,
} from '../../server/providers/paypal/to-billing-events';
import { translateWebhook, type Trigger } from '../../server/providers/paypal/translate';
import { parsePlan, parseSale, parseSubscription, type PlanView } from '../../server/providers/paypal/views';
import { addIntervals } from '../../sandbox/subscriptions/time';
import {
  PLAN_ID, SALE_ID, SUBSCRIPTION_ID, recurringCheckout, saleCompleted, saleResource, subscriptionEvent, subscriptionResource,
} from './paypal-translate-fixtures';

function triggerOf<K extends Trigger['kind']>(event: unknown, kind: K): Extract<Trigger, { kind: K }> {
  const reading = translateWebhook(event);
  if (reading.kind !== 'trigger' || reading.trigger.kind !== kind) throw new Error(`not a ${kind} trigger`);
  return reading.trigger as Extract<Trigger, { kind: K }>;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture did not parse');
  return value;
}

/** GET /v1/billing/plans/{id} as PayPal answers it. */
function planResource(unit = 'MONTH', count = 1, id = PLAN_ID) {
  return {
    id,
    product_id: 'PROD-XXCD1234QWER65782',
    name: 'Enterprise monthly',
    status: 'ACTIVE',
    usage_type: 'LICENSED',
    billing_cycles: [
      {
        frequency: { interval_unit: unit, interval_count: count },
        tenure_type: 'REGULAR',
        sequence: 1,
        total_cycles: 0,
        pricing_scheme: { version: 1, fixed_price: { currency_code: 'USD', value: '9.00' } },
      },
    ],
    payment_preferences: { service_type: 'PREPAID', auto_bill_outstanding: true, payment_failure_threshold: 3 },
    create_time: '2024-04-30T09:00:00Z',
  };
}

const monthly = must(parsePlan(planResource()));
/** A subscription that no longer shows next_billing_time; it left ACTIVE (if it did) after the webhooks below. */
const ended = (status: string, billing: Record<string, unknown> = {}, start = '2024-05-01T10:00:00Z') =>
  must(parseSubscription({
    ...subscriptionResource(status, { next_billing_time: undefined, ...billing }), start_time: start, status_update_time: '2024-06-20T00:00:00Z',
  }));
const cycles = (completed: number) => ({ cycle_executions: [{ tenure_type: 'REGULAR', sequence: 1, cycles_completed: completed, cycles_remaining: 0, total_cycles: 0 }] });
const saleAt = (createTime: string, total = '9.00') => must(parseSale({ ...saleResource(), create_time: createTime, amount: { total, currency: 'USD' } }));
const NOW = Date.parse('2024-07-15T00:00:00Z');
/** The activation as read from the subscription (the return road, reconciliation) once next_billing_time is gone. */
const activation = (subscription: ReturnType<typeof ended>, plan?: PlanView): Judgement => {
  const event = activationEvent({ ...subscription, status: 'ACTIVE' }, plan, NOW);
  return event === null ? { ok: false, reason: 'no_paid_through' } : { ok: true, events: [event], refs: [] };
};
const renewal = (sale: ReturnType<typeof saleAt>, subscription: ReturnType<typeof ended>, plan?: PlanView) =>
  judgeSale(triggerOf(saleCompleted(), 'sale'), { sale, subscription, ...(plan ? { plan } : {}) }, recurringCheckout(), NOW);
const paidThroughOf = (result: Judgement) => {
  if (!result.ok) throw new Error(`no events: ${result.reason}`);
  const [event] = result.events;
  if (event === undefined || !('paidThrough' in event)) throw new Error('no paid-through date');
  return new Date(event.paidThrough).toISOString();
};
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const paidThroughOfEvent = (event: BillingEvent | null) => (event !== null && 'paidThrough' in event ? iso(event.paidThrough) : null);

describe('plans', () => {
  it('keep only the id and the REGULAR cycle, and refuse what PayPal would not send', () => {
    expect(monthly).toEqual({ id: PLAN_ID, interval: { unit: 'MONTH', count: 1 } });
    const trial = { frequency: { interval_unit: 'DAY', interval_count: 7 }, tenure_type: 'TRIAL', sequence: 1, total_cycles: 1 };
    const withTrial = { ...planResource('YEAR'), billing_cycles: [trial, { ...planResource('YEAR').billing_cycles[0], sequence: 2 }] };
    expect(parsePlan(withTrial)).toEqual({ id: PLAN_ID, interval: { unit: 'YEAR', count: 1 } });
    expect(parsePlan(planResource('FORTNIGHT'))).toBeUndefined();
    expect(parsePlan(planResource('DAY', 0))).toBeUndefined();
    expect(parsePlan(planResource('DAY', 1.5))).toBeUndefined();
    expect(parsePlan({ ...planResource(), billing_cycles: [trial] })).toBeUndefined();
    expect(parsePlan(planResource('MONTH', 1, 'not a plan id'))).toBeUndefined();
  });
});

describe('the billing calendar', () => {
  const start = Date.parse('2024-01-31T10:00:00Z');
  const month: PlanView['interval'] = { unit: 'MONTH', count: 1 };

  it('counts months from the start: Jan 31 → Feb 29 → Mar 31 → Apr 30', () => {
    expect([1, 2, 3].map((n) => new Date(billingDate(start, month, n)).toISOString())).toEqual([
      '2024-02-29T10:00:00.000Z', '2024-03-31T10:00:00.000Z', '2024-04-30T10:00:00.000Z',
    ]);
    // A renewal paid on its date (Feb 29) pays up to Mar 31, not Mar 29.
    expect(new Date(billingDateAfter(start, month, Date.parse('2024-02-29T10:00:00Z'))).toISOString()).toBe('2024-03-31T10:00:00.000Z');
    expect(new Date(billingDateAfter(start, month, start)).toISOString()).toBe('2024-02-29T10:00:00.000Z');
    expect(new Date(billingDateAfter(start, month, start - 60_000)).toISOString()).toBe('2024-02-29T10:00:00.000Z');
  });

  const units = fc.constantFrom<PlanView['interval']['unit']>('DAY', 'WEEK', 'MONTH', 'YEAR');
  const starts = fc.integer({ min: Date.parse('2000-01-01T00:00:00Z') / 1000, max: Date.parse('2090-01-01T00:00:00Z') / 1000 }).map((s) => s * 1000);

  it('gives the very dates the sandbox bills on, for every unit, count and start', () => {
    fc.assert(fc.property(starts, units, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 400 }), (s, unit, count, n) => {
      const iso = new Date(s).toISOString().replace(/\.\d{3}Z$/, 'Z');
      expect(billingDate(s, { unit, count }, n)).toBe(Date.parse(addIntervals(iso, { unit, count }, n)));
    }));
  });

  it('the date after a time is the first billing date later than it', () => {
    const fiveYearsS = 5 * 366 * 86_400;
    fc.assert(fc.property(starts, units, fc.integer({ min: 1, max: 12 }), fc.integer({ min: -86_400, max: fiveYearsS }), (s, unit, count, offsetS) => {
      const interval = { unit, count };
      const at = s + offsetS * 1000;
      const dates = Array.from({ length: 5 * 366 + 2 }, (_, i) => billingDate(s, interval, i + 1));
      expect(billingDateAfter(s, interval, at)).toBe(dates.find((date) => date > at));
    }), { numRuns: 300 });
  });
});

describe('judgements once next_billing_time is gone', () => {
  it('an activation read without next_billing_time → paid through one cycle after its first payment', () => {
    // The webhook of a since-cancelled subscription's activation is not applied on its word at all.
    const late = judgeSubscription(triggerOf(subscriptionEvent('BILLING.SUBSCRIPTION.ACTIVATED'), 'subscription'), { subscription: ended('CANCELLED'), plan: monthly }, recurringCheckout(), NOW);
    expect(late).toEqual({ ok: false, reason: 'not_confirmed' });
    const result = activation(ended('CANCELLED'), monthly);
    expect(result).toMatchObject({ ok: true, events: [{ type: 'subscription.activated', subscriptionId: SUBSCRIPTION_ID }] });
    expect(paidThroughOf(result)).toBe('2024-06-01T10:00:00.000Z');
    // The same date next_billing_time showed while it was active.
    expect(paidThroughOfEvent(activationEvent(ended('ACTIVE', { next_billing_time: '2024-06-01T10:00:00Z' }), undefined, NOW))).toBe('2024-06-01T10:00:00.000Z');
    expect(paidThroughOfEvent(activationEvent(ended('ACTIVE'), monthly, NOW))).toBe('2024-06-01T10:00:00.000Z');
    expect(activationEvent(ended('ACTIVE'), undefined, NOW)).toBeNull();
  });

  it('PAYMENT.SALE.COMPLETED of a cancelled, suspended or expired subscription → paid through one cycle after the sale', () => {
    const sale = saleAt('2024-06-01T10:00:00Z');
    for (const status of ['CANCELLED', 'SUSPENDED', 'EXPIRED']) {
      const result = renewal(sale, ended(status, cycles(2)), monthly);
      expect(result, status).toMatchObject({ ok: true, events: [{ type: 'subscription.renewed', transactionId: SALE_ID, amount: { value: '9.00', currency: 'USD' } }] });
      expect(paidThroughOf(result)).toBe('2024-07-01T10:00:00.000Z');
    }
  });

  it('month ends follow the calendar from the start, as next_billing_time did', () => {
    const subscription = ended('CANCELLED', cycles(2), '2024-01-31T10:00:00Z');
    expect(paidThroughOf(renewal(saleAt('2024-02-29T10:00:00Z'), subscription, monthly))).toBe('2024-03-31T10:00:00.000Z');
  });

  it('cycles paid ahead of their dates count: the later of the sale date and the paid cycles wins', () => {
    // Three renewals billed early, all on May 1: PayPal showed next_billing_time Sep 1 before the cancel.
    const subscription = ended('CANCELLED', cycles(4));
    expect(paidThroughOf(renewal(saleAt('2024-05-01T10:05:00Z'), subscription, monthly))).toBe('2024-09-01T10:00:00.000Z');
    expect(paidThroughOf(activation(subscription, monthly))).toBe('2024-09-01T10:00:00.000Z');
    // A sale that also settled a failed cycle (Jun 1 failed, Jul 1 paid both): paid through Aug 1.
    expect(paidThroughOf(renewal(saleAt('2024-07-01T10:00:00Z'), ended('CANCELLED', cycles(2)), monthly))).toBe('2024-08-01T10:00:00.000Z');
  });

  it('a sale that pays the cycle and the one that failed before it (PayPal bills the outstanding balance with it) renews', () => {
    // auto_bill_outstanding: the Jun 1 cycle failed, so the Jul 1 sale is the plan's price twice.
    const catchUp = renewal(saleAt('2024-07-01T10:00:00Z', '18.00'), ended('SUSPENDED', cycles(2)), monthly);
    expect(catchUp).toMatchObject({ ok: true, events: [{ type: 'subscription.renewed', transactionId: SALE_ID, amount: { value: '18.00', currency: 'USD' } }] });
    expect(paidThroughOf(catchUp)).toBe('2024-08-01T10:00:00.000Z');
    // Not just any amount: less than the price pays no cycle.
    expect(renewal(saleAt('2024-07-01T10:00:00Z', '4.50'), ended('SUSPENDED', cycles(2)), monthly)).toEqual({ ok: false, reason: 'amount_mismatch' });
  });

  it('no_paid_through only when even the plan cannot tell', () => {
    const sale = saleAt('2024-06-01T10:00:00Z');
    const subscription = ended('CANCELLED', cycles(2));
    expect(renewal(sale, subscription)).toEqual({ ok: false, reason: 'no_paid_through' });
    const otherPlan = must(parsePlan(planResource('MONTH', 1, 'P-OTHERPLAN00000000000000')));
    expect(renewal(sale, subscription, otherPlan)).toEqual({ ok: false, reason: 'no_paid_through' });
    const noStart = must(parseSubscription({ ...subscriptionResource('CANCELLED', { next_billing_time: undefined }), start_time: undefined, status_update_time: '2024-06-20T00:00:00Z' }));
    expect(activation(noStart, monthly)).toEqual({ ok: false, reason: 'no_paid_through' });
    // Activated but never paid (a future start_time, cancelled before it): nothing was bought.
    const neverPaid = ended('CANCELLED', { ...cycles(0), last_payment: undefined });
    expect(activation(neverPaid, monthly)).toEqual({ ok: false, reason: 'no_paid_through' });
  });

  it('paidThroughByPlan: the billing date after the payment or after the paid cycles, whichever is later', () => {
    const at = (time: string) => Date.parse(time);
    expect(iso(paidThroughByPlan(ended('CANCELLED', cycles(1)), monthly, at('2024-06-15T00:00:00Z')))).toBe('2024-07-01T10:00:00.000Z');
    expect(iso(paidThroughByPlan(ended('CANCELLED', cycles(3)), monthly, at('2024-05-01T10:00:01Z')))).toBe('2024-08-01T10:00:00.000Z');
    expect(iso(paidThroughByPlan(ended('CANCELLED', cycles(3)), monthly, null))).toBe('2024-08-01T10:00:00.000Z');
    expect(paidThroughByPlan(ended('CANCELLED', cycles(0)), monthly, null)).toBeNull();
    expect(paidThroughByPlan(ended('CANCELLED', cycles(3)), undefined, null)).toBeNull();
    const yearly = must(parsePlan(planResource('YEAR')));
    expect(iso(paidThroughByPlan(ended('CANCELLED', cycles(1)), yearly, null))).toBe('2025-05-01T10:00:00.000Z');
  });
});

describe('fetchTruth asks for the plan only when the date is missing', () => {
  function source(subscription: unknown) {
    const calls: string[] = [];
    const unused = () => Promise.reject(new Error('not used'));
    const truth: TruthSource = {
      getCapture: unused,
      getCaptureRefund: unused,
      getSaleRefund: unused,
      getDispute: unused,
      listSubscriptionTransactions: unused,
      getSale: (id) => { calls.push(`sale ${id}`); return Promise.resolve(must(parseSale(saleResource()))); },
      getSubscription: (id) => { calls.push(`subscription ${id}`); return Promise.resolve(must(parseSubscription(subscription))); },
      getPlan: (id) => { calls.push(`plan ${id}`); return Promise.resolve(monthly); },
    };
    return { truth, calls };
  }

  it('fetches it for a sale or an activation of an ended subscription', async () => {
    const cancelled = { ...subscriptionResource('CANCELLED', { next_billing_time: undefined }) };
    const forSale = source(cancelled);
    expect(await fetchTruth(forSale.truth, triggerOf(saleCompleted(), 'sale'))).toMatchObject({ plan: monthly });
    expect(forSale.calls).toEqual([`sale ${SALE_ID}`, `subscription ${SUBSCRIPTION_ID}`, `plan ${PLAN_ID}`]);
    const forActivation = source(cancelled);
    expect(await fetchTruth(forActivation.truth, triggerOf(subscriptionEvent('BILLING.SUBSCRIPTION.ACTIVATED'), 'subscription'))).toMatchObject({ plan: monthly });
    expect(forActivation.calls).toEqual([`subscription ${SUBSCRIPTION_ID}`, `plan ${PLAN_ID}`]);
  });

  it('not while next_billing_time is shown', async () => {
    const active = source(subscriptionResource('ACTIVE'));
    expect(await fetchTruth(active.truth, triggerOf(saleCompleted(), 'sale'))).not.toHaveProperty('plan');
    expect(await fetchTruth(active.truth, triggerOf(subscriptionEvent('BILLING.SUBSCRIPTION.ACTIVATED'), 'subscription'))).not.toHaveProperty('plan');
    expect(active.calls.filter((call) => call.startsWith('plan'))).toEqual([]);
  });

  it('planIfNeeded: nothing to ask without a subscription, with a date, or without a plan id; an unknown plan is no plan', async () => {
    const asked: string[] = [];
    const api = { getPlan: (id: string) => { asked.push(id); return id === PLAN_ID ? Promise.resolve(monthly) : Promise.reject(new PayPalApiError('not_found', { operation: 'getPlan', status: 404 })); } };
    expect(await planIfNeeded(api, undefined)).toEqual({});
    expect(await planIfNeeded(api, must(parseSubscription(subscriptionResource('ACTIVE'))))).toEqual({});
    expect(await planIfNeeded(api, must(parseSubscription({ ...subscriptionResource('CANCELLED', { next_billing_time: undefined }), plan_id: undefined })))).toEqual({});
    expect(asked).toEqual([]);
    expect(await planIfNeeded(api, ended('CANCELLED'))).toEqual({ plan: monthly });
    const unknownPlan = must(parseSubscription({ ...subscriptionResource('CANCELLED', { next_billing_time: undefined }), plan_id: 'P-GONE0000000000000000000' }));
    expect(await planIfNeeded(api, unknownPlan)).toEqual({});
    expect(asked).toEqual([PLAN_ID, 'P-GONE0000000000000000000']);
  });
});
