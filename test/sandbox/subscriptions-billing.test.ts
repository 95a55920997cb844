// Renewals on the sandbox clock: one sale per due cycle, failed payments, the failure threshold, expiry,
// and the control operations (functions and /__sandbox/ routes) that drive them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, MONTHLY_PLAN, T0, startHarness, type Harness, type PayPalJson } from './support-subscriptions';

const DAILY_PLAN = {
  id: 'P-HARDBOUNDDAILY000000000',
  productName: 'Hardbound Enterprise',
  name: 'Enterprise daily',
  interval: { unit: 'DAY' as const, count: 1 },
  price: { currency_code: 'USD', value: '5.00' },
  paymentFailureThreshold: 3,
};

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ plans: [MONTHLY_PLAN, DAILY_PLAN] });
});
afterEach(() => h.close());

async function activeSubscription(planId: string): Promise<string> {
  const { id } = await h.createSubscription({}, planId);
  h.sandbox.control.approveSubscription(id);
  return id;
}

const get = async (id: string): Promise<PayPalJson> => (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
const salesOf = async (id: string): Promise<PayPalJson[]> =>
  (await h.events('PAYMENT.SALE.COMPLETED')).filter((e) => e.resource.billing_agreement_id === id).map((e) => e.resource);
const eventsOf = async (eventType: string, id: string): Promise<PayPalJson[]> =>
  (await h.events(eventType)).filter((e) => e.resource.id === id).map((e) => e.resource);

describe('renewals', () => {
  it('bills a monthly plan on the same day each month, clamped to the month\'s end', async () => {
    const id = await activeSubscription(MONTHLY_PLAN.id);
    expect((await get(id)).billing_info.next_billing_time).toBe('2026-02-28T10:00:00Z');

    await h.sandbox.control.advanceClock(28 * DAY_MS - 1000);
    expect((await get(id)).billing_info.cycle_executions[0].cycles_completed).toBe(1);

    await h.sandbox.control.advanceClock(1000);
    let body = await get(id);
    expect(body.billing_info).toMatchObject({
      cycle_executions: [{ cycles_completed: 2 }],
      last_payment: { amount: { currency_code: 'USD', value: '9.0' }, time: '2026-02-28T10:00:00Z' },
      next_billing_time: '2026-03-31T10:00:00Z',
      failed_payments_count: 0,
    });

    await h.sandbox.control.advanceClock(31 * DAY_MS);
    body = await get(id);
    expect(body.billing_info.last_payment.time).toBe('2026-03-31T10:00:00Z');
    expect(body.billing_info.next_billing_time).toBe('2026-04-30T10:00:00Z');
    const sales = await salesOf(id);
    expect(sales.map((s) => s.create_time)).toEqual(['2026-01-31T10:00:00Z', '2026-02-28T10:00:00Z', '2026-03-31T10:00:00Z']);
    expect(new Set(sales.map((s) => s.id)).size).toBe(3);
  });

  it('bills every cycle that fell due during one clock jump, once each', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    await h.sandbox.control.advanceClock(3 * DAY_MS + 3_600_000);
    const body = await get(id);
    expect(body.billing_info.cycle_executions[0].cycles_completed).toBe(4);
    expect(body.billing_info.last_payment.time).toBe(iso(T0 + 3 * DAY_MS));
    expect(body.billing_info.next_billing_time).toBe(iso(T0 + 4 * DAY_MS));
    expect(await salesOf(id)).toHaveLength(4);

    await h.sandbox.control.advanceClock(0);
    expect(await salesOf(id)).toHaveLength(4);
  });

  it('bounds one run to MAX_CYCLES_PER_RUN cycles per subscription and catches up on the next', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    await h.sandbox.control.advanceClock(1500 * DAY_MS);
    expect((await get(id)).billing_info.cycle_executions[0].cycles_completed).toBe(1 + 1000);
    await h.sandbox.control.advanceClock(0);
    expect((await get(id)).billing_info.cycle_executions[0].cycles_completed).toBe(1 + 1500);
  });

  it('does not bill the days a subscription spent suspended, and resumes on its next cycle date', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    await h.call('POST', `/v1/billing/subscriptions/${id}/suspend`, { reason: 'Pause' });
    await h.sandbox.control.advanceClock(3 * DAY_MS + 3_600_000);
    expect(await salesOf(id)).toHaveLength(1);

    await h.call('POST', `/v1/billing/subscriptions/${id}/activate`, { reason: 'Resume' });
    expect((await get(id)).billing_info.next_billing_time).toBe(iso(T0 + 4 * DAY_MS));
    await h.sandbox.control.advanceClock(0);
    expect(await salesOf(id)).toHaveLength(1);
    await h.sandbox.control.advanceClock(DAY_MS);
    expect((await salesOf(id)).map((s) => s.create_time)).toEqual([iso(T0), iso(T0 + 4 * DAY_MS)]);
  });

  it('does not bill a cancelled subscription', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    await h.call('POST', `/v1/billing/subscriptions/${id}/cancel`, { reason: 'Done' });
    await h.sandbox.control.advanceClock(5 * DAY_MS);
    const body = await get(id);
    expect(body.status).toBe('CANCELLED');
    expect(body.billing_info.cycle_executions[0].cycles_completed).toBe(1);
    expect(body.billing_info).not.toHaveProperty('next_billing_time');
    expect(await salesOf(id)).toHaveLength(1);
  });

  it('expires a plan with total_cycles after its last paid cycle', async () => {
    const product = await h.call('POST', '/v1/catalogs/products', { name: 'Pass', type: 'DIGITAL' });
    const plan = await h.call('POST', '/v1/billing/plans', {
      product_id: product.body.id,
      name: 'Two-day pass',
      billing_cycles: [{
        frequency: { interval_unit: 'DAY', interval_count: 1 }, tenure_type: 'REGULAR', sequence: 1, total_cycles: 2,
        pricing_scheme: { fixed_price: { value: '1', currency_code: 'USD' } },
      }],
      payment_preferences: {},
    });
    const id = await activeSubscription(plan.body.id);

    await h.sandbox.control.advanceClock(DAY_MS);
    let body = await get(id);
    expect(body.status).toBe('ACTIVE');
    expect(body.billing_info.cycle_executions[0]).toMatchObject({ cycles_completed: 2, cycles_remaining: 0, total_cycles: 2 });
    expect(body.billing_info).not.toHaveProperty('next_billing_time');

    await h.sandbox.control.advanceClock(DAY_MS);
    body = await get(id);
    expect(body.status).toBe('EXPIRED');
    expect((await salesOf(id)).map((s) => s.amount.total)).toEqual(['1.00', '1.00']);
    expect(await eventsOf('BILLING.SUBSCRIPTION.EXPIRED', id)).toHaveLength(1);
  });
});

describe('failed payments', () => {
  it('counts a failed renewal, leaves it outstanding and collects it with the next successful payment', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    h.sandbox.control.setRenewalOutcome(id, 'fail');
    await h.sandbox.control.advanceClock(DAY_MS);

    let body = await get(id);
    expect(body.status).toBe('ACTIVE');
    expect(body.billing_info).toMatchObject({
      failed_payments_count: 1,
      outstanding_balance: { currency_code: 'USD', value: '5.0' },
      last_failed_payment: { amount: { currency_code: 'USD', value: '5.0' }, time: iso(T0 + DAY_MS), reason_code: 'PAYMENT_DENIED' },
      last_payment: { time: iso(T0) },
      next_billing_time: iso(T0 + 2 * DAY_MS),
    });
    const [failed] = await eventsOf('BILLING.SUBSCRIPTION.PAYMENT.FAILED', id);
    expect(failed.billing_info.failed_payments_count).toBe(1);

    h.sandbox.control.setRenewalOutcome(id, 'succeed');
    await h.sandbox.control.advanceClock(DAY_MS);
    body = await get(id);
    expect(body.billing_info).toMatchObject({
      failed_payments_count: 0,
      outstanding_balance: { value: '0.0' },
      last_payment: { amount: { value: '10.0' }, time: iso(T0 + 2 * DAY_MS) },
    });
    expect((await salesOf(id)).map((s) => s.amount.total)).toEqual(['5.00', '10.00']);
  });

  it('suspends the subscription when failures reach the plan\'s payment_failure_threshold and stops billing', async () => {
    const id = await activeSubscription(MONTHLY_PLAN.id);
    h.sandbox.control.setRenewalOutcome(id, 'fail');
    await h.sandbox.control.advanceClock(28 * DAY_MS);
    expect((await get(id)).status).toBe('ACTIVE');

    await h.sandbox.control.advanceClock(31 * DAY_MS);
    const body = await get(id);
    expect(body).toMatchObject({ status: 'SUSPENDED', status_change_note: 'Payment failure threshold reached' });
    expect(body.billing_info.failed_payments_count).toBe(2);
    expect(body.billing_info.outstanding_balance.value).toBe('18.0');
    expect(await eventsOf('BILLING.SUBSCRIPTION.PAYMENT.FAILED', id)).toHaveLength(2);
    const suspended = await eventsOf('BILLING.SUBSCRIPTION.SUSPENDED', id);
    expect(suspended.map((s) => s.status)).toEqual(['SUSPENDED']);

    await h.sandbox.control.advanceClock(90 * DAY_MS);
    expect(await eventsOf('BILLING.SUBSCRIPTION.PAYMENT.FAILED', id)).toHaveLength(2);
    expect(await salesOf(id)).toHaveLength(1);
  });
});

describe('control', () => {
  it('renewSubscription bills the next cycle now and moves the schedule one interval on', async () => {
    const id = await activeSubscription(MONTHLY_PLAN.id);
    const { subscription, sale }: PayPalJson = h.sandbox.control.renewSubscription(id);
    expect(sale).toMatchObject({ state: 'completed', billing_agreement_id: id, amount: { total: '9.00' } });
    expect(subscription.billing_info).toMatchObject({
      cycle_executions: [{ cycles_completed: 2 }],
      next_billing_time: '2026-03-31T10:00:00Z',
    });
    // Paid now — never before the activation it follows, even on a clock standing still (status_update_time
    // runs a second ahead of it then).
    const paidAt = Date.parse(subscription.billing_info.last_payment.time);
    expect(paidAt).toBeGreaterThanOrEqual(T0);
    expect(paidAt).toBeGreaterThanOrEqual(Date.parse(subscription.status_update_time));
    expect((await salesOf(id)).map((s) => s.id)).toContain(sale.id);
  });

  it('failRenewal records one declined attempt; the threshold suspends', async () => {
    const id = await activeSubscription(MONTHLY_PLAN.id);
    const first: PayPalJson = h.sandbox.control.failRenewal(id);
    expect(first.billing_info.failed_payments_count).toBe(1);
    const second: PayPalJson = h.sandbox.control.failRenewal(id);
    expect(second.status).toBe('SUSPENDED');
    expect(() => h.sandbox.control.failRenewal(id)).toThrow(
      expect.objectContaining({ status: 422, details: [expect.objectContaining({ issue: 'SUBSCRIPTION_STATUS_INVALID' })] }),
    );
    expect(await eventsOf('BILLING.SUBSCRIPTION.SUSPENDED', id)).toHaveLength(1);
  });

  it('drives the same operations over /__sandbox/ routes', async () => {
    const { id } = await h.createSubscription({}, DAILY_PLAN.id);
    const approved = await h.call('POST', `/__sandbox/subscriptions/${id}/approve`);
    expect(approved).toMatchObject({ status: 200, body: { id, status: 'ACTIVE' } });

    const renewed = await h.call('POST', `/__sandbox/subscriptions/${id}/renew`);
    expect(renewed.status).toBe(200);
    expect(renewed.body.subscription.billing_info.cycle_executions[0].cycles_completed).toBe(2);
    expect(renewed.body.sale.id).toMatch(/^[A-Z0-9]{17}$/);

    const failed = await h.call('POST', `/__sandbox/subscriptions/${id}/fail-renewal`);
    expect(failed.body.billing_info.failed_payments_count).toBe(1);

    const outcome = await h.call('POST', `/__sandbox/subscriptions/${id}/renewal-outcome`, { outcome: 'fail' });
    expect(outcome.body).toEqual({ id, renewal_outcome: 'fail' });
    const badOutcome = await h.call('POST', `/__sandbox/subscriptions/${id}/renewal-outcome`, { outcome: 'maybe' });
    expect(badOutcome.status).toBe(400);

    const expired = await h.call('POST', `/__sandbox/subscriptions/${id}/expire`);
    expect(expired.body.status).toBe('EXPIRED');
    expect(await eventsOf('BILLING.SUBSCRIPTION.EXPIRED', id)).toHaveLength(1);

    const renewExpired = await h.call('POST', `/__sandbox/subscriptions/${id}/renew`);
    expect(renewExpired.status).toBe(422);
    expect(renewExpired.body.details[0].issue).toBe('SUBSCRIPTION_STATUS_INVALID');
    const unknown = await h.call('POST', '/__sandbox/subscriptions/I-UNKNOWN00000/renew');
    expect(unknown.status).toBe(404);
  });

  it('cancels through the control route with a default reason', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    const cancelled = await h.call('POST', `/__sandbox/subscriptions/${id}/cancel`);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', status_change_note: 'Cancelled by the merchant' });
    const withReason = await activeSubscription(DAILY_PLAN.id);
    const reply = await h.call('POST', `/__sandbox/subscriptions/${withReason}/cancel`, { reason: 'Chargeback risk' });
    expect(reply.body.status_change_note).toBe('Chargeback risk');
    expect(await eventsOf('BILLING.SUBSCRIPTION.CANCELLED', id)).toHaveLength(1);
  });

  it('advances the clock over HTTP and bills what fell due', async () => {
    const id = await activeSubscription(DAILY_PLAN.id);
    const reply = await h.call('POST', '/__sandbox/clock/advance', { ms: 2 * DAY_MS });
    expect(reply.body.now).toBe(new Date(T0 + 2 * DAY_MS).toISOString());
    expect((await get(id)).billing_info.cycle_executions[0].cycles_completed).toBe(3);
  });
});
