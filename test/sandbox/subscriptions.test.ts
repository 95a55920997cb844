// Subscriptions v1 through the API: create, read, approval, cancel / suspend / activate, error shapes, idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Buyer } from '../../sandbox/model';
import { DAY_MS, MONTHLY_PLAN, startHarness, type Harness, type PayPalJson } from './support-subscriptions';

const BUYER: Buyer = {
  payerId: 'TESTPAYER0001',
  email: 'sb-subscriber@personal.example.com',
  givenName: 'Avery',
  surname: 'Subscriber',
  phone: '4085550199',
  address: { line1: '1 Infinite Loop', city: 'Cupertino', state: 'CA', postalCode: '95014', countryCode: 'US' },
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ buyer: BUYER });
});
afterAll(() => h.close());

const eventsFor = async (eventType: string, id: string): Promise<PayPalJson[]> =>
  (await h.events(eventType)).filter((e) => e.resource.id === id || e.resource.billing_agreement_id === id);

const post = (path: string, body?: unknown) => h.call('POST', path, body);

describe('creating a subscription', () => {
  it('answers 201 APPROVAL_PENDING with approve, edit and self links and publishes BILLING.SUBSCRIPTION.CREATED', async () => {
    const reply = await post('/v1/billing/subscriptions', {
      plan_id: MONTHLY_PLAN.id,
      custom_id: 'chk_created',
      application_context: { return_url: 'https://app.example.com/r', cancel_url: 'https://app.example.com/c' },
    });
    expect(reply.status).toBe(201);
    const subscription = reply.body;
    expect(subscription.id).toMatch(/^I-[A-Z0-9]{12}$/);
    expect(subscription).toMatchObject({
      status: 'APPROVAL_PENDING', plan_id: MONTHLY_PLAN.id, custom_id: 'chk_created', quantity: '1',
    });
    expect(subscription).not.toHaveProperty('subscriber');
    expect(subscription).not.toHaveProperty('billing_info');
    const rels = Object.fromEntries(subscription.links.map((l: PayPalJson) => [l.rel, l]));
    expect(Object.keys(rels).sort()).toEqual(['approve', 'edit', 'self']);
    expect(rels.approve.href).toMatch(
      new RegExp(`^${h.sandbox.baseUrl.replace(/[.]/g, '\\.')}/webapps/billing/subscriptions\\?ba_token=BA-[A-Z0-9]{17}$`),
    );
    expect(rels.self).toEqual({
      href: `${h.sandbox.baseUrl}/v1/billing/subscriptions/${subscription.id}`, rel: 'self', method: 'GET',
    });

    const read = await h.call('GET', `/v1/billing/subscriptions/${subscription.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(subscription);

    const [created] = await eventsFor('BILLING.SUBSCRIPTION.CREATED', subscription.id);
    expect(created).toMatchObject({
      resource_type: 'subscription', resource_version: '2.0', event_version: '1.0',
      resource: { id: subscription.id, status: 'APPROVAL_PENDING', custom_id: 'chk_created' },
    });
  });

  it('creates one subscription per PayPal-Request-Id and replays it with 200', async () => {
    const headers = { 'paypal-request-id': 'sub-once-1' };
    const body = { plan_id: MONTHLY_PLAN.id, custom_id: 'chk_once' };
    const first = await h.call('POST', '/v1/billing/subscriptions', body, headers);
    const second = await h.call('POST', '/v1/billing/subscriptions', body, headers);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    const created = (await h.events('BILLING.SUBSCRIPTION.CREATED')).filter((e) => e.resource.custom_id === 'chk_once');
    expect(created).toHaveLength(1);
  });

  it.each([
    ['no plan_id', {}, 'MISSING_REQUIRED_PARAMETER', '/plan_id'],
    ['a malformed plan_id', { plan_id: 'P 1!' }, 'INVALID_PARAMETER_SYNTAX', '/plan_id'],
    ['a custom_id of 128 characters', { plan_id: MONTHLY_PLAN.id, custom_id: 'c'.repeat(128) }, 'INVALID_STRING_LENGTH', '/custom_id'],
    ['a start_time that is not a date-time', { plan_id: MONTHLY_PLAN.id, start_time: 'tomorrow' }, 'INVALID_PARAMETER_SYNTAX', '/start_time'],
    ['a return_url that is not a URL', { plan_id: MONTHLY_PLAN.id, application_context: { return_url: 'not a url' } },
      'INVALID_PARAMETER_SYNTAX', '/application_context/return_url'],
    ['an unknown user_action', { plan_id: MONTHLY_PLAN.id, application_context: { user_action: 'PAY_LATER' } },
      'INVALID_PARAMETER_VALUE', '/application_context/user_action'],
  ])('answers a request with %s with PayPal\'s 400', async (_name, body, issue, field) => {
    const reply = await post('/v1/billing/subscriptions', body);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ name: 'INVALID_REQUEST', details: [{ issue, field }] });
    expect(reply.body.debug_id).toEqual(expect.any(String));
  });

  it('accepts a custom_id of exactly 127 characters', async () => {
    const subscription = await h.createSubscription({ custom_id: 'c'.repeat(127) });
    expect(subscription.custom_id).toHaveLength(127);
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST_JSON', async () => {
    const reply = await h.call('POST', '/v1/billing/subscriptions', '{"plan_id":');
    expect(reply.status).toBe(400);
    expect(reply.body.details[0].issue).toBe('MALFORMED_REQUEST_JSON');
  });

  it('answers an unknown plan with 404 RESOURCE_NOT_FOUND', async () => {
    const reply = await post('/v1/billing/subscriptions', { plan_id: 'P-00000000000000000000NONE' });
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({
      name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID', description: 'Requested resource ID was not found.' }],
    });
  });

  it('refuses a quantity the plan does not support with 422', async () => {
    const reply = await post('/v1/billing/subscriptions', { plan_id: MONTHLY_PLAN.id, quantity: '3' });
    expect(reply.status).toBe(422);
    expect(reply.body.details[0].issue).toBe('SUBSCRIPTION_CANNOT_HAVE_QUANTITY');
  });

  it('answers an unknown subscription with 404', async () => {
    const reply = await h.call('GET', '/v1/billing/subscriptions/I-UNKNOWN00000');
    expect(reply.status).toBe(404);
    expect(reply.body.name).toBe('RESOURCE_NOT_FOUND');
  });
});

describe('approval', () => {
  it('makes the sandbox buyer the subscriber, takes the first payment and publishes ACTIVATED and PAYMENT.SALE.COMPLETED', async () => {
    const { id, start_time: startTime } = await h.createSubscription({ custom_id: 'chk_approved' });
    const approved = await post(`/__sandbox/subscriptions/${id}/approve`);
    expect(approved.status).toBe(200);

    const { body } = await h.call('GET', `/v1/billing/subscriptions/${id}`);
    expect(body.status).toBe('ACTIVE');
    expect(body.start_time).toBe(startTime);
    expect(body.subscriber).toEqual({
      email_address: BUYER.email,
      payer_id: BUYER.payerId,
      name: { given_name: 'Avery', surname: 'Subscriber' },
      shipping_address: {
        name: { full_name: 'Avery Subscriber' },
        address: {
          address_line_1: '1 Infinite Loop', admin_area_2: 'Cupertino', admin_area_1: 'CA', postal_code: '95014', country_code: 'US',
        },
      },
    });
    expect(body.billing_info).toMatchObject({
      outstanding_balance: { currency_code: 'USD', value: '0.0' },
      cycle_executions: [{ tenure_type: 'REGULAR', sequence: 1, cycles_completed: 1, total_cycles: 0 }],
      last_payment: { amount: { currency_code: 'USD', value: '9.0' }, time: startTime },
      failed_payments_count: 0,
    });
    expect(Date.parse(body.billing_info.next_billing_time)).toBeGreaterThanOrEqual(Date.parse(startTime) + 28 * DAY_MS);
    expect(body.links.map((l: PayPalJson) => l.rel).sort()).toEqual(['cancel', 'capture', 'edit', 'self', 'suspend']);

    const [activated] = await eventsFor('BILLING.SUBSCRIPTION.ACTIVATED', id);
    expect(activated).toMatchObject({
      resource_type: 'subscription', resource_version: '2.0',
      resource: { status: 'ACTIVE', custom_id: 'chk_approved', subscriber: { payer_id: BUYER.payerId } },
    });
    const [sale] = await eventsFor('PAYMENT.SALE.COMPLETED', id);
    expect(sale).toMatchObject({
      resource_type: 'sale', event_version: '1.0',
      resource: { state: 'completed', amount: { total: '9.00', currency: 'USD' }, billing_agreement_id: id },
    });
    expect(sale).not.toHaveProperty('resource_version');
    expect(sale.resource.id).toMatch(/^[A-Z0-9]{17}$/);
  });

  it('refuses a second approval with 422 SUBSCRIPTION_STATUS_INVALID', async () => {
    const { id } = await h.createSubscription();
    await post(`/__sandbox/subscriptions/${id}/approve`);
    const again = await post(`/__sandbox/subscriptions/${id}/approve`);
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('SUBSCRIPTION_STATUS_INVALID');
    expect(await eventsFor('PAYMENT.SALE.COMPLETED', id)).toHaveLength(1);
  });

  it('with user_action CONTINUE leaves it APPROVED until the merchant activates it', async () => {
    const { id } = await h.createSubscription({ application_context: { user_action: 'CONTINUE' } });
    await post(`/__sandbox/subscriptions/${id}/approve`);
    const approved = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(approved.status).toBe('APPROVED');
    expect(approved.subscriber.payer_id).toBe(BUYER.payerId);
    expect(approved.links.map((l: PayPalJson) => l.rel)).toContain('activate');
    expect(await eventsFor('PAYMENT.SALE.COMPLETED', id)).toHaveLength(0);

    expect((await post(`/v1/billing/subscriptions/${id}/activate`, { reason: 'Merchant confirmed' })).status).toBe(204);
    const active = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(active.status).toBe('ACTIVE');
    expect(active.billing_info.cycle_executions[0].cycles_completed).toBe(1);
    expect(await eventsFor('PAYMENT.SALE.COMPLETED', id)).toHaveLength(1);
  });

  it('with a future start_time activates without a payment and bills at the start time', async () => {
    const start = new Date(h.sandbox.clock.now() + 3 * DAY_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const { id } = await h.createSubscription({ start_time: start });
    await post(`/__sandbox/subscriptions/${id}/approve`);
    const before = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(before.status).toBe('ACTIVE');
    expect(before.billing_info.next_billing_time).toBe(start);
    expect(before.billing_info).not.toHaveProperty('last_payment');
    expect(await eventsFor('PAYMENT.SALE.COMPLETED', id)).toHaveLength(0);

    await h.sandbox.control.advanceClock(3 * DAY_MS);
    const after = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(after.billing_info.last_payment.time).toBe(start);
    expect(after.billing_info.cycle_executions[0].cycles_completed).toBe(1);
    expect(Date.parse(after.billing_info.next_billing_time)).toBeGreaterThan(Date.parse(start) + 27 * DAY_MS);
    expect(await eventsFor('PAYMENT.SALE.COMPLETED', id)).toHaveLength(1);
  });
});

describe('cancel, suspend and activate', () => {
  it('moves ACTIVE → SUSPENDED → ACTIVE → CANCELLED with 204s, a note and one event each', async () => {
    const { id } = await h.createSubscription();
    await post(`/__sandbox/subscriptions/${id}/approve`);

    expect((await post(`/v1/billing/subscriptions/${id}/suspend`, { reason: 'Paused by customer' })).status).toBe(204);
    let body = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(body).toMatchObject({ status: 'SUSPENDED', status_change_note: 'Paused by customer' });
    expect(body.billing_info).not.toHaveProperty('next_billing_time');
    expect(body.links.map((l: PayPalJson) => l.rel).sort()).toEqual(['activate', 'cancel', 'capture', 'edit', 'self']);

    expect((await post(`/v1/billing/subscriptions/${id}/activate`, { reason: 'Resumed' })).status).toBe(204);
    body = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(body).toMatchObject({ status: 'ACTIVE', status_change_note: 'Resumed' });

    expect((await post(`/v1/billing/subscriptions/${id}/cancel`, { reason: 'Not needed' })).status).toBe(204);
    body = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(body).toMatchObject({ status: 'CANCELLED', status_change_note: 'Not needed' });
    expect(body.links.map((l: PayPalJson) => l.rel)).toEqual(['self']);

    expect((await eventsFor('BILLING.SUBSCRIPTION.SUSPENDED', id)).map((e) => e.resource.status)).toEqual(['SUSPENDED']);
    expect((await eventsFor('BILLING.SUBSCRIPTION.ACTIVATED', id)).map((e) => e.resource.status)).toEqual(['ACTIVE', 'ACTIVE']);
    expect((await eventsFor('BILLING.SUBSCRIPTION.CANCELLED', id)).map((e) => e.resource.status)).toEqual(['CANCELLED']);
  });

  it.each([
    ['cancel', 'APPROVAL_PENDING', 'active or suspended'],
    ['suspend', 'APPROVAL_PENDING', 'active'],
    ['activate', 'APPROVAL_PENDING', 'approved or suspended'],
    ['activate', 'ACTIVE', 'approved or suspended'],
    ['suspend', 'CANCELLED', 'active'],
    ['cancel', 'CANCELLED', 'active or suspended'],
  ])('refuses %s from %s with 422 SUBSCRIPTION_STATUS_INVALID', async (action, from, expected) => {
    const { id } = await h.createSubscription();
    if (from !== 'APPROVAL_PENDING') await post(`/__sandbox/subscriptions/${id}/approve`);
    if (from === 'CANCELLED') await post(`/v1/billing/subscriptions/${id}/cancel`, { reason: 'setup' });
    const reply = await post(`/v1/billing/subscriptions/${id}/${action}`, { reason: 'try' });
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      name: 'UNPROCESSABLE_ENTITY',
      details: [{
        issue: 'SUBSCRIPTION_STATUS_INVALID',
        description: `Invalid subscription status for ${action} action; subscription status should be ${expected}.`,
      }],
    });
    expect((await h.call('GET', `/v1/billing/subscriptions/${id}`)).body.status).toBe(from);
  });

  it.each(['cancel', 'suspend', 'activate'])('%s without a reason is 400 MISSING_REQUIRED_PARAMETER', async (action) => {
    const { id } = await h.createSubscription();
    await post(`/__sandbox/subscriptions/${id}/approve`);
    for (const body of [undefined, {}]) {
      const reply = await post(`/v1/billing/subscriptions/${id}/${action}`, body);
      expect(reply.status).toBe(400);
      expect(reply.body.details).toEqual([expect.objectContaining({ issue: 'MISSING_REQUIRED_PARAMETER', field: '/reason' })]);
    }
    const tooLong = await post(`/v1/billing/subscriptions/${id}/${action}`, { reason: 'r'.repeat(129) });
    expect(tooLong.status).toBe(400);
    expect((await h.call('GET', `/v1/billing/subscriptions/${id}`)).body.status).toBe('ACTIVE');
  });

  it('answers an action on an unknown subscription with 404', async () => {
    const reply = await post('/v1/billing/subscriptions/I-UNKNOWN00000/cancel', { reason: 'x' });
    expect(reply.status).toBe(404);
  });
});
