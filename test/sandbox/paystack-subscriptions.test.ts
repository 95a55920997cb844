// Plans and subscriptions: a plan transaction paid → subscription.create; renewals on the sandbox clock
// (invoice.create, charge.success, invoice.update); a failed renewal (invoice.payment_failed, attention); disable
// with code + email token (subscription.not_renew, then subscription.disable at the period's end).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, createPlan, paidTransaction, startPaystack, subscribed, type PaystackHarness } from './support-paystack';

let h: PaystackHarness;
beforeEach(async () => {
  h = await startPaystack();
});
afterEach(() => h.close());

const eventsFor = (code: string) =>
  h.received().filter((e) => e.data.subscription_code === code || e.data.subscription?.subscription_code === code).map((e) => e.event as string);

describe('plans', () => {
  it('creates a plan with a PLN_ code and lists and fetches it by code or id', async () => {
    const plan = await createPlan(h, { name: 'Enterprise yearly', amount: 4_800_000, interval: 'annually', currency: 'NGN' });
    expect(plan).toMatchObject({ name: 'Enterprise yearly', amount: 4_800_000, interval: 'annually', currency: 'NGN', domain: 'test' });
    expect(plan.plan_code).toMatch(/^PLN_[a-z0-9]{15}$/);
    const byCode = await h.call('GET', `/plan/${String(plan.plan_code)}`);
    const byId = await h.call('GET', `/plan/${String(plan.id)}`);
    expect(byCode.body).toMatchObject({ status: true, message: 'Plan retrieved', data: { plan_code: plan.plan_code } });
    expect(byId.body.data).toEqual(byCode.body.data);
    const list = await h.call('GET', '/plan?perPage=10');
    expect(list.body).toMatchObject({ status: true, message: 'Plans retrieved', meta: { total: 1, perPage: 10, page: 1, pageCount: 1 } });
    expect((list.body.data as unknown[]).length).toBe(1);
  });

  it('refuses a plan without a name, amount or valid interval', async () => {
    for (const [body, message] of [
      [{ amount: 100, interval: 'monthly' }, /Name is required/],
      [{ name: 'x', interval: 'monthly' }, /Amount is required/],
      [{ name: 'x', amount: 100 }, /Interval is required/],
      [{ name: 'x', amount: 100, interval: 'fortnightly' }, /Invalid interval/],
    ] as const) {
      const reply = await h.call('POST', '/plan', { body });
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ status: false, type: 'validation_error' });
      expect(reply.body.message).toMatch(message);
    }
  });

  it('seeds plans given in the options under their codes', async () => {
    await h.close();
    h = await startPaystack({ paystack: { plans: [{ code: 'PLN_seededmonthly1', name: 'Seeded', amount: 900_000, interval: 'monthly' }] } });
    const reply = await h.call('GET', '/plan/PLN_seededmonthly1');
    expect(reply.body.data).toMatchObject({ name: 'Seeded', amount: 900_000, interval: 'monthly' });
  });
});

describe('subscriptions', () => {
  it('a paid transaction with a plan charges the plan amount and starts a subscription', async () => {
    const { plan, reference, subscription } = await subscribed(h);
    const verified = await h.call('GET', `/transaction/verify/${reference}`);
    expect(verified.body.data).toMatchObject({ status: 'success', amount: plan.amount, plan: plan.plan_code, plan_object: { plan_code: plan.plan_code } });
    expect(subscription).toMatchObject({ status: 'active', amount: plan.amount, plan: { plan_code: plan.plan_code }, open_invoice: null });
    expect(subscription.subscription_code).toMatch(/^SUB_[a-z0-9]+$/);
    expect(subscription.email_token).toMatch(/^[a-z0-9]{15}$/);
    const paidAt = Date.parse(verified.body.data.paid_at as string);
    const next = new Date(subscription.next_payment_date as string);
    const expected = new Date(paidAt);
    expected.setUTCMonth(expected.getUTCMonth() + 1, Math.min(new Date(paidAt).getUTCDate(), 28));
    expect(next.toISOString().slice(0, 10)).toBe(expected.toISOString().slice(0, 10));
    expect(eventsFor(subscription.subscription_code as string)).toEqual(['subscription.create']);
    // charge.success precedes subscription.create, and names the plan.
    const names = h.received().map((e) => e.event);
    expect(names.indexOf('charge.success')).toBeLessThan(names.indexOf('subscription.create'));
    expect((await h.eventFor('charge.success', (d) => d.reference === reference)).data.plan).toMatchObject({ plan_code: plan.plan_code });
  });

  it('renews on the sandbox clock: invoice.create, charge.success, invoice.update, next date one interval on', async () => {
    const { plan, subscription } = await subscribed(h);
    const code = subscription.subscription_code as string;
    await h.sandbox.control.advanceClock(20 * DAY_MS);
    expect(eventsFor(code)).toEqual(['subscription.create']);

    await h.sandbox.control.advanceClock(12 * DAY_MS);
    await h.sandbox.paystack.control.settle();
    const update = await h.eventFor('invoice.update', (d) => d.subscription?.subscription_code === code);
    expect(eventsFor(code)).toEqual(['subscription.create', 'invoice.create', 'invoice.update']);
    expect(update.data).toMatchObject({ status: 'success', paid: true, amount: plan.amount, transaction: { status: 'success', amount: plan.amount } });
    const renewalRef = update.data.transaction.reference as string;
    const renewalCharge = await h.eventFor('charge.success', (d) => d.reference === renewalRef);
    expect(renewalCharge.data.plan).toMatchObject({ plan_code: plan.plan_code });
    const verified = await h.call('GET', `/transaction/verify/${renewalRef}`);
    expect(verified.body.data).toMatchObject({ status: 'success', amount: plan.amount, plan: plan.plan_code });

    const after = await h.call('GET', `/subscription/${code}`);
    expect(after.body.data).toMatchObject({ status: 'active', open_invoice: null, most_recent_invoice: { invoice_code: update.data.invoice_code, paid: true } });

    // The renewal is listed among the customer's transactions, newest first.
    const customerId = String(verified.body.data.customer.id);
    const listed = await h.call('GET', `/transaction?customer=${customerId}&status=success`);
    expect((listed.body.data as { reference: string }[]).map((t) => t.reference)[0]).toBe(renewalRef);
    expect(listed.body.meta).toMatchObject({ total: 2 });
    expect(Date.parse(after.body.data.next_payment_date as string)).toBeGreaterThan(Date.parse(subscription.next_payment_date as string) + 27 * DAY_MS);
    expect((after.body.data.invoices as unknown[]).length).toBe(1);
  });

  it('a failed renewal sends invoice.payment_failed and needs attention; the next success clears it', async () => {
    const { subscription } = await subscribed(h);
    const code = subscription.subscription_code as string;
    h.sandbox.paystack.control.setRenewalOutcome(code, 'failed');
    await h.sandbox.control.advanceClock(32 * DAY_MS);
    const failed = await h.eventFor('invoice.payment_failed', (d) => d.subscription?.subscription_code === code);
    expect(failed.data).toMatchObject({ status: 'pending', paid: false, paid_at: null, transaction: {} });
    expect(failed.data.subscription.open_invoice).toBe(failed.data.invoice_code);
    expect(h.received().filter((e) => e.event === 'charge.success')).toHaveLength(1);
    const attention = await h.call('GET', `/subscription/${code}`);
    expect(attention.body.data).toMatchObject({
      status: 'attention',
      open_invoice: failed.data.invoice_code,
      most_recent_invoice: { invoice_code: failed.data.invoice_code, paid: false },
    });

    h.sandbox.paystack.control.setRenewalOutcome(code, 'success');
    await h.sandbox.control.advanceClock(31 * DAY_MS);
    await h.eventFor('invoice.update', (d) => d.subscription?.subscription_code === code);
    const active = await h.call('GET', `/subscription/${code}`);
    expect(active.body.data).toMatchObject({ status: 'active', open_invoice: null });
  });

  it('disable with code and email token: non-renewing until the paid period ends, then cancelled', async () => {
    const { subscription } = await subscribed(h);
    const code = subscription.subscription_code as string;
    const wrong = await h.call('POST', '/subscription/disable', { body: { code, token: 'wrongtoken12345' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ status: false, message: 'Subscription with code not found or already inactive' });

    const reply = await h.call('POST', '/subscription/disable', { body: { code, token: subscription.email_token } });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: true, message: 'Subscription disabled successfully' });
    const notRenew = await h.eventFor('subscription.not_renew', (d) => d.subscription_code === code);
    expect(notRenew.data).toMatchObject({ status: 'non-renewing', next_payment_date: null });
    const again = await h.call('POST', '/subscription/disable', { body: { code, token: subscription.email_token } });
    expect(again.status).toBe(400);

    await h.sandbox.control.advanceClock(32 * DAY_MS);
    const disabled = await h.eventFor('subscription.disable', (d) => d.subscription_code === code);
    expect(disabled.data).toMatchObject({ status: 'cancelled' });
    expect(eventsFor(code)).toEqual(['subscription.create', 'subscription.not_renew', 'subscription.disable']);
    const fetched = await h.call('GET', `/subscription/${code}`);
    expect(fetched.body.data).toMatchObject({ status: 'cancelled', next_payment_date: null });
  });

  it('enable brings a non-renewing subscription back to renewing', async () => {
    const { subscription } = await subscribed(h);
    const code = subscription.subscription_code as string;
    await h.call('POST', '/subscription/disable', { body: { code, token: subscription.email_token } });
    const reply = await h.call('POST', '/subscription/enable', { body: { code, token: subscription.email_token } });
    expect(reply.body).toEqual({ status: true, message: 'Subscription enabled successfully' });
    const fetched = await h.call('GET', `/subscription/${code}`);
    expect(fetched.body.data).toMatchObject({ status: 'active', next_payment_date: subscription.next_payment_date });
  });

  it('a plan with invoice_limit completes after that many payments (subscription.disable, status complete)', async () => {
    const { subscription } = await subscribed(h, { interval: 'weekly', invoice_limit: 2 });
    const code = subscription.subscription_code as string;
    await h.sandbox.control.advanceClock(7 * DAY_MS + 1000);
    const done = await h.eventFor('subscription.disable', (d) => d.subscription_code === code);
    expect(done.data).toMatchObject({ status: 'complete' });
    await h.sandbox.control.advanceClock(30 * DAY_MS);
    expect(eventsFor(code).filter((e) => e === 'invoice.update')).toHaveLength(1);
  });

  it('a clock moved several periods ahead runs every renewal it passed', async () => {
    const { subscription } = await subscribed(h, { interval: 'daily' });
    await h.sandbox.control.advanceClock(3 * DAY_MS + 1000);
    await h.sandbox.paystack.control.settle();
    expect(eventsFor(subscription.subscription_code as string).filter((e) => e === 'invoice.update')).toHaveLength(3);
  });

  it('the control API renews and cancels on demand', async () => {
    const { subscription } = await subscribed(h);
    const code = subscription.subscription_code as string;
    const invoice = h.sandbox.paystack.control.renewSubscription(code, 'failed');
    expect(invoice).toMatchObject({ paid: false, subscription: { status: 'attention' } });
    const cancelled = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/subscriptions/${code}/cancel`, { method: 'POST' });
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled' });
    await h.eventFor('subscription.disable', (d) => d.subscription_code === code && d.status === 'cancelled');
  });

  it('a one-off payment (no plan) starts no subscription', async () => {
    await paidTransaction(h, { email: 'oneoff@example.test', amount: 10_000 });
    await h.sandbox.paystack.control.settle();
    expect(h.received().map((e) => e.event)).toEqual(['charge.success']);
  });
});

describe('enable after a gap', () => {
  it('a cancelled subscription enabled again renews from now on, without billing the missed periods', async () => {
    const { subscription } = await subscribed(h, { interval: 'daily' });
    const code = subscription.subscription_code as string;
    await h.call('POST', '/subscription/disable', { body: { code, token: subscription.email_token } });
    await h.sandbox.control.advanceClock(5 * DAY_MS);
    await h.eventFor('subscription.disable', (d) => d.subscription_code === code);
    const enabled = await h.call('POST', '/subscription/enable', { body: { code, token: subscription.email_token } });
    expect(enabled.status).toBe(200);
    await h.sandbox.control.advanceClock(DAY_MS / 2);
    await h.sandbox.paystack.control.settle();
    expect(eventsFor(code).filter((e) => e === 'invoice.update')).toHaveLength(1);
    await h.sandbox.control.advanceClock(DAY_MS);
    await h.sandbox.paystack.control.settle();
    expect(eventsFor(code).filter((e) => e === 'invoice.update')).toHaveLength(2);
  });
});
