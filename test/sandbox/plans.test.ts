// Catalog products and billing plans: create, read, list, seeds, status changes, error shapes, idempotency.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index';
import { MONTHLY_PLAN, startHarness, type Harness, type PayPalJson } from './support-subscriptions';

const YEARLY_SEED = {
  productName: 'Hardbound Enterprise',
  name: 'Enterprise yearly',
  interval: { unit: 'YEAR' as const, count: 1 },
  price: { currency_code: 'USD', value: '90.00' },
};

function planBody(productId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    product_id: productId,
    name: 'Team quarterly',
    description: 'Billed every three months',
    billing_cycles: [
      {
        frequency: { interval_unit: 'MONTH', interval_count: 3 },
        tenure_type: 'REGULAR',
        sequence: 1,
        total_cycles: 4,
        pricing_scheme: { fixed_price: { value: '25.50', currency_code: 'EUR' } },
      },
    ],
    payment_preferences: { payment_failure_threshold: 1 },
    ...overrides,
  };
}

function cycleWith(overrides: Record<string, unknown>): Record<string, unknown>[] {
  const cycles = planBody('x').billing_cycles as Record<string, unknown>[];
  return [{ ...cycles[0], ...overrides }];
}

function expectBadRequest(reply: { status: number; body: PayPalJson }, issue: string, field: string): void {
  expect(reply.status).toBe(400);
  expect(reply.body.name).toBe('INVALID_REQUEST');
  expect(reply.body.debug_id).toMatch(/^[0-9a-f]{13}$/);
  expect(reply.body.details).toEqual([expect.objectContaining({ issue, field })]);
}

let h: Harness;
let productId: string;

beforeAll(async () => {
  h = await startHarness({ plans: [MONTHLY_PLAN, YEARLY_SEED] });
  const created = await h.call('POST', '/v1/catalogs/products', { name: 'Hardbound Team', type: 'SERVICE' });
  productId = created.body.id;
});
afterAll(() => h.close());

describe('catalog products', () => {
  it('creates a product, reads it back and publishes CATALOG.PRODUCT.CREATED', async () => {
    const created = await h.call('POST', '/v1/catalogs/products', {
      name: 'Hardbound Add-on', type: 'DIGITAL', description: 'Extra seats',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Hardbound Add-on', type: 'DIGITAL', description: 'Extra seats' });
    expect(created.body.id).toMatch(/^PROD-[A-Z0-9]{17}$/);
    expect(created.body.links).toContainEqual({
      href: `${h.sandbox.baseUrl}/v1/catalogs/products/${created.body.id}`, rel: 'self', method: 'GET',
    });

    const read = await h.call('GET', `/v1/catalogs/products/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);

    const events = await h.events('CATALOG.PRODUCT.CREATED');
    expect(events.map((e) => e.resource.id)).toContain(created.body.id);
  });

  it('honours a merchant-chosen id and refuses it a second time with 422', async () => {
    const first = await h.call('POST', '/v1/catalogs/products', { id: 'HB-SEATS-2026', name: 'Seats' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ id: 'HB-SEATS-2026', type: 'PHYSICAL' });
    const again = await h.call('POST', '/v1/catalogs/products', { id: 'HB-SEATS-2026', name: 'Seats' });
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('DUPLICATE_RESOURCE_IDENTIFIER');
  });

  it('answers a product without a name with PayPal\'s 400 and creates nothing', async () => {
    const before = await h.call('GET', '/v1/catalogs/products?total_required=true');
    const reply = await h.call('POST', '/v1/catalogs/products', { type: 'SERVICE' });
    expectBadRequest(reply, 'MISSING_REQUIRED_PARAMETER', '/name');
    const after = await h.call('GET', '/v1/catalogs/products?total_required=true');
    expect(after.body.total_items).toBe(before.body.total_items);
  });

  it('rejects a product type outside PayPal\'s list', async () => {
    const reply = await h.call('POST', '/v1/catalogs/products', { name: 'X', type: 'SUBSCRIPTION' });
    expectBadRequest(reply, 'INVALID_PARAMETER_VALUE', '/type');
  });

  it('creates one product per PayPal-Request-Id and replays it with 200', async () => {
    const headers = { 'paypal-request-id': 'product-once-1' };
    const first = await h.call('POST', '/v1/catalogs/products', { name: 'Once' }, headers);
    const second = await h.call('POST', '/v1/catalogs/products', { name: 'Once' }, headers);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    const list = await h.call('GET', '/v1/catalogs/products?page_size=20');
    expect(list.body.products.filter((p: PayPalJson) => p.name === 'Once')).toHaveLength(1);
  });

  it('lists products in pages with totals on request', async () => {
    const all = await h.call('GET', '/v1/catalogs/products?page_size=20&total_required=true');
    const total = all.body.total_items as number;
    expect(total).toBeGreaterThanOrEqual(3);

    const page = await h.call('GET', '/v1/catalogs/products?page_size=2&page=1&total_required=true');
    expect(page.status).toBe(200);
    expect(page.body.products).toHaveLength(2);
    expect(page.body).toMatchObject({ total_items: total, total_pages: Math.ceil(total / 2) });
    expect(page.body.links.map((l: PayPalJson) => l.rel)).toEqual(['self', 'next', 'last']);
    expect(page.body.products[0]).not.toHaveProperty('type');

    const untotalled = await h.call('GET', '/v1/catalogs/products?page_size=2');
    expect(untotalled.body).not.toHaveProperty('total_items');

    const tooLarge = await h.call('GET', '/v1/catalogs/products?page_size=21');
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.details[0]).toMatchObject({ field: 'page_size', location: 'query' });
  });

  it('answers an unknown product with 404 RESOURCE_NOT_FOUND', async () => {
    const reply = await h.call('GET', '/v1/catalogs/products/PROD-NOPE');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
  });

  it('needs an access token', async () => {
    const reply = await h.call('GET', '/v1/catalogs/products', undefined, { authorization: '' });
    expect(reply.status).toBe(401);
  });
});

describe('billing plans', () => {
  it('seeds plans from the options with their given id, sharing one product per product name', async () => {
    const plan = await h.call('GET', `/v1/billing/plans/${MONTHLY_PLAN.id}`);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      id: MONTHLY_PLAN.id,
      name: 'Enterprise monthly',
      status: 'ACTIVE',
      billing_cycles: [
        {
          frequency: { interval_unit: 'MONTH', interval_count: 1 },
          tenure_type: 'REGULAR',
          sequence: 1,
          total_cycles: 0,
          pricing_scheme: { fixed_price: { currency_code: 'USD', value: '9.00' } },
        },
      ],
      payment_preferences: { payment_failure_threshold: 2, auto_bill_outstanding: true },
    });
    const product = await h.call('GET', `/v1/catalogs/products/${plan.body.product_id}`);
    expect(product.body).toMatchObject({ name: 'Hardbound Enterprise', type: 'SERVICE' });

    const forProduct = await h.call('GET', `/v1/billing/plans?product_id=${plan.body.product_id}`);
    expect(forProduct.body.plans.map((p: PayPalJson) => p.name).sort()).toEqual(['Enterprise monthly', 'Enterprise yearly']);
    const yearly = forProduct.body.plans.find((p: PayPalJson) => p.name === 'Enterprise yearly');
    expect(yearly.id).toMatch(/^P-[A-Z0-9]{24}$/);
  });

  it('refuses to start with a seeded plan id PayPal could not have issued', async () => {
    await expect(startSandbox({ port: 0, plans: [{ ...MONTHLY_PLAN, id: 'my plan!' }] })).rejects.toThrow(/seed plan id "my plan!"/);
  });

  it('creates a plan: minimal answer by default, the full plan with Prefer: return=representation', async () => {
    const minimal = await h.call('POST', '/v1/billing/plans', planBody(productId));
    expect(minimal.status).toBe(201);
    expect(minimal.body).toMatchObject({
      product_id: productId, name: 'Team quarterly', status: 'ACTIVE', description: 'Billed every three months',
    });
    expect(minimal.body).not.toHaveProperty('billing_cycles');

    const full = await h.call('POST', '/v1/billing/plans', planBody(productId), { prefer: 'return=representation' });
    expect(full.status).toBe(201);
    expect(full.body.billing_cycles[0]).toMatchObject({
      frequency: { interval_unit: 'MONTH', interval_count: 3 },
      total_cycles: 4,
      pricing_scheme: { fixed_price: { value: '25.50', currency_code: 'EUR' } },
    });
    expect(full.body.payment_preferences.payment_failure_threshold).toBe(1);

    const read = await h.call('GET', `/v1/billing/plans/${minimal.body.id}`);
    expect(read.body.billing_cycles).toEqual(full.body.billing_cycles);
    const events = await h.events('BILLING.PLAN.CREATED');
    expect(events.map((e) => e.resource.id)).toEqual(expect.arrayContaining([minimal.body.id, full.body.id]));
    expect(events[0]).toMatchObject({ resource_type: 'plan', resource_version: '2.0' });
  });

  it('creates one plan per PayPal-Request-Id', async () => {
    const headers = { 'paypal-request-id': 'plan-once-1' };
    const first = await h.call('POST', '/v1/billing/plans', planBody(productId, { name: 'Once plan' }), headers);
    const second = await h.call('POST', '/v1/billing/plans', planBody(productId, { name: 'Once plan' }), headers);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    const list = await h.call('GET', `/v1/billing/plans?product_id=${productId}&page_size=20`);
    expect(list.body.plans.filter((p: PayPalJson) => p.name === 'Once plan')).toHaveLength(1);
  });

  it.each([
    ['no billing cycles', { billing_cycles: undefined }, 'MISSING_REQUIRED_PARAMETER', '/billing_cycles'],
    ['no payment preferences', { payment_preferences: undefined }, 'MISSING_REQUIRED_PARAMETER', '/payment_preferences'],
    ['an unknown interval unit', { billing_cycles: cycleWith({ frequency: { interval_unit: 'FORTNIGHT' } }) },
      'INVALID_PARAMETER_VALUE', '/billing_cycles/0/frequency/interval_unit'],
    ['13 months', { billing_cycles: cycleWith({ frequency: { interval_unit: 'MONTH', interval_count: 13 } }) },
      'INVALID_PARAMETER_VALUE', '/billing_cycles/0/frequency/interval_count'],
    ['a price that is not a number', {
      billing_cycles: cycleWith({ pricing_scheme: { fixed_price: { value: 'nine', currency_code: 'USD' } } }),
    }, 'INVALID_PARAMETER_SYNTAX', '/billing_cycles/0/pricing_scheme/fixed_price/value'],
    ['a threshold above 999', { payment_preferences: { payment_failure_threshold: 1000 } },
      'INVALID_PARAMETER_VALUE', '/payment_preferences/payment_failure_threshold'],
  ])('rejects a plan with %s', async (_name, overrides, issue, field) => {
    const reply = await h.call('POST', '/v1/billing/plans', planBody(productId, overrides));
    expectBadRequest(reply, issue, field);
  });

  it('says plainly that trial cycles are not simulated', async () => {
    const reply = await h.call('POST', '/v1/billing/plans', planBody(productId, {
      billing_cycles: cycleWith({ tenure_type: 'TRIAL' }),
    }));
    expect(reply.status).toBe(422);
    expect(reply.body.details[0].issue).toBe('SANDBOX_UNSUPPORTED');
  });

  it('answers a plan for an unknown product, or an unknown plan, with 404', async () => {
    const forUnknown = await h.call('POST', '/v1/billing/plans', planBody('PROD-UNKNOWN00000000000'));
    expect(forUnknown.status).toBe(404);
    expect(forUnknown.body.name).toBe('RESOURCE_NOT_FOUND');
    const unknown = await h.call('GET', '/v1/billing/plans/P-DOESNOTEXIST');
    expect(unknown.status).toBe(404);
    expect(unknown.body.details[0].issue).toBe('INVALID_RESOURCE_ID');
  });

  it('deactivates and reactivates a plan, refusing a repeat with 422', async () => {
    const plan = await h.call('POST', '/v1/billing/plans', planBody(productId, { name: 'Toggle' }));
    const off = await h.call('POST', `/v1/billing/plans/${plan.body.id}/deactivate`);
    expect(off.status).toBe(204);
    expect((await h.call('GET', `/v1/billing/plans/${plan.body.id}`)).body.status).toBe('INACTIVE');
    const offAgain = await h.call('POST', `/v1/billing/plans/${plan.body.id}/deactivate`);
    expect(offAgain.status).toBe(422);
    expect(offAgain.body.details[0].issue).toBe('PLAN_STATUS_INVALID');

    const subscribe = await h.call('POST', '/v1/billing/subscriptions', { plan_id: plan.body.id });
    expect(subscribe.status).toBe(422);
    expect(subscribe.body.details[0].issue).toBe('PLAN_STATUS_INVALID');

    expect((await h.call('POST', `/v1/billing/plans/${plan.body.id}/activate`)).status).toBe(204);
    expect((await h.call('GET', `/v1/billing/plans/${plan.body.id}`)).body.status).toBe('ACTIVE');
    const deactivated = await h.events('BILLING.PLAN.DEACTIVATED');
    expect(deactivated.map((e) => e.resource.id)).toContain(plan.body.id);
  });

  it('lists plans filtered by plan_ids', async () => {
    const reply = await h.call('GET', `/v1/billing/plans?plan_ids=${MONTHLY_PLAN.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body.plans).toHaveLength(1);
    expect(reply.body.plans[0]).toMatchObject({ id: MONTHLY_PLAN.id, usage_type: 'LICENSED' });
    expect(reply.body.plans[0]).not.toHaveProperty('billing_cycles');
  });
});
