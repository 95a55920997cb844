// GET /v1/billing/subscriptions/{id}/transactions: the payments of a subscription in a time range, in PayPal's
// "List transactions for subscription" shape — what a reconciliation job reads to find renewals whose webhook
// never arrived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, MONTHLY_PLAN, T0, startHarness, type Harness, type PayPalJson } from './support-subscriptions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const list = (id: string, query: string) => h.call('GET', `/v1/billing/subscriptions/${id}/transactions${query}`);

describe('listing a subscription\'s payments', () => {
  it('lists every sale paid in the range, with its status, amounts, payer and time', async () => {
    const { id } = await h.createSubscription();
    h.sandbox.control.approveSubscription(id);
    h.sandbox.control.setPublishing(false);
    try {
      // Renewals whose webhooks never went out: only the list shows them.
      await h.sandbox.control.advanceClock(28 * DAY_MS); // 2026-02-28
      await h.sandbox.control.advanceClock(31 * DAY_MS); // 2026-03-31
    } finally {
      h.sandbox.control.setPublishing(true);
    }
    const subscription = (await h.call('GET', `/v1/billing/subscriptions/${id}`)).body;
    expect(subscription.billing_info.cycle_executions[0].cycles_completed).toBe(3);
    const [first] = (await h.events('PAYMENT.SALE.COMPLETED')).filter((e) => e.resource.billing_agreement_id === id);
    h.sandbox.control.refundSale(first.resource.id);

    const start = iso(T0 - DAY_MS);
    const end = iso(T0 + 90 * DAY_MS);
    const reply = await list(id, `?start_time=${start}&end_time=${end}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ total_items: 3, total_pages: 1 });
    expect(reply.body.links).toEqual([{
      href: `${h.sandbox.baseUrl}/v1/billing/subscriptions/${id}/transactions?start_time=${encodeURIComponent(start)}&end_time=${encodeURIComponent(end)}`,
      rel: 'self', method: 'GET',
    }]);
    const transactions = reply.body.transactions as PayPalJson[];
    expect(transactions.map((t) => t.time)).toEqual(['2026-01-31T10:00:00.000Z', '2026-02-28T10:00:00.000Z', '2026-03-31T10:00:00.000Z']);
    expect(transactions.map((t) => t.status)).toEqual(['REFUNDED', 'COMPLETED', 'COMPLETED']);
    expect(transactions[0].id).toBe(first.resource.id);
    for (const t of transactions) {
      expect(Object.keys(t)).toEqual(['id', 'status', 'payer_email', 'payer_name', 'amount_with_breakdown', 'time']);
      expect(t.id).toMatch(/^[A-Z0-9]{17}$/);
      expect(t.payer_email).toMatch(/@/);
      expect(t.payer_name).toEqual({ given_name: expect.any(String), surname: expect.any(String) });
      expect(t.amount_with_breakdown).toEqual({
        gross_amount: MONTHLY_PLAN.price,
        fee_amount: { currency_code: 'USD', value: '0.80' },
        net_amount: { currency_code: 'USD', value: '8.20' },
      });
      expect((await h.call('GET', `/v1/payments/sale/${t.id}`)).body.billing_agreement_id).toBe(id);
    }

    const narrow = await list(id, `?start_time=${iso(T0 + DAY_MS)}&end_time=2026-03-01T00:00:00-08:00`);
    expect(narrow.body.transactions.map((t: PayPalJson) => t.time)).toEqual(['2026-02-28T10:00:00.000Z']);
    const none = await list(id, `?start_time=2025-01-01T00:00:00Z&end_time=2025-02-01T00:00:00Z`);
    expect(none.body).toMatchObject({ transactions: [], total_items: 0, total_pages: 0 });
  });
});

describe('refused requests', () => {
  let id: string;
  beforeAll(async () => {
    id = (await h.createSubscription()).id;
  });

  it.each([
    ['no start_time', '?end_time=2026-02-01T00:00:00Z', 'start_time', 'MISSING_REQUIRED_PARAMETER', 'A required field is missing.'],
    ['no end_time', '?start_time=2026-01-01T00:00:00Z', 'end_time', 'MISSING_REQUIRED_PARAMETER', 'A required field is missing.'],
    ['a date without a time', '?start_time=2026-01-01&end_time=2026-02-01T00:00:00Z', 'start_time', 'INVALID_PARAMETER_SYNTAX',
      'The value of a field does not conform to the expected format.'],
    ['an end before the start', '?start_time=2026-02-01T00:00:00Z&end_time=2026-01-01T00:00:00Z', 'end_time', 'INVALID_PARAMETER_VALUE',
      'The value of a field is invalid.'],
  ])('answers %s with PayPal\'s 400 INVALID_REQUEST', async (_name, query, field, issue, description) => {
    const reply = await list(id, query);
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({
      name: 'INVALID_REQUEST',
      message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
      details: [{ field, location: 'query', issue, description }],
    });
  });

  it('answers an unknown subscription with 404', async () => {
    const reply = await list('I-000000000000', '?start_time=2026-01-01T00:00:00Z&end_time=2026-02-01T00:00:00Z');
    expect(reply.status).toBe(404);
    expect(reply.body.name).toBe('RESOURCE_NOT_FOUND');
  });
});
