// Buyer disputes on a capture or on a subscription's v1 sale: CUSTOMER.DISPUTE.CREATED / RESOLVED and
// GET /v1/customer/disputes/{id}.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { capturedOrder, eventFor, link, startHarness, thrownIssue, type Json, type OrdersHarness } from './support-orders';

const PLAN_ID = 'P-DISPUTESMONTHLY00000000';
let h: OrdersHarness;
beforeAll(async () => {
  h = await startHarness({
    merchantName: 'Dispute Test Vendor',
    plans: [
      {
        id: PLAN_ID,
        productName: 'Hardbound Enterprise',
        name: 'Enterprise monthly',
        interval: { unit: 'MONTH', count: 1 },
        price: { currency_code: 'USD', value: '9.00' },
      },
    ],
  });
});
afterAll(() => h.close());

const BUYER_NAME = `${DEFAULT_BUYER.givenName} ${DEFAULT_BUYER.surname}`;

async function control(path: string, body?: Json) {
  const res = await fetch(`${h.sandbox.baseUrl}/__sandbox${path}`, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('disputes on a capture', () => {
  it('opens a dispute with CUSTOMER.DISPUTE.CREATED in PayPal shape', async () => {
    const { capture } = await capturedOrder(h, { customId: 'chk_dispute', invoiceId: 'INV-D1' });
    const dispute = h.sandbox.control.openDispute(capture.id, 'UNAUTHORISED');
    expect(dispute.dispute_id).toMatch(/^PP-D-\d{5}$/);
    expect(dispute).toMatchObject({
      reason: 'UNAUTHORISED',
      status: 'OPEN',
      dispute_amount: { currency_code: 'USD', value: '49.00' },
      disputed_transactions: [
        {
          seller_transaction_id: capture.id,
          gross_amount: { currency_code: 'USD', value: '49.00' },
          custom: 'chk_dispute',
          invoice_number: 'INV-D1',
          buyer: { name: BUYER_NAME },
          seller: { name: 'Dispute Test Vendor' },
        },
      ],
    });
    expect(dispute.create_time).toMatch(/Z$/);
    expect(dispute.update_time).toBe(dispute.create_time);
    expect(dispute.dispute_outcome).toBeUndefined();
    expect(link(dispute, 'self')?.href).toBe(`${h.sandbox.baseUrl}/v1/customer/disputes/${dispute.dispute_id}`);

    const event = await eventFor(h, 'CUSTOMER.DISPUTE.CREATED', (r) => r.dispute_id === dispute.dispute_id);
    expect(event).toMatchObject({ resource_type: 'dispute', summary: `A new dispute opened with Case # ${dispute.dispute_id}` });
    expect(event.resource).toEqual(dispute);

    const shown = await h.call('GET', `/v1/customer/disputes/${dispute.dispute_id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual(dispute);
  });

  it.each([
    ['RESOLVED_BUYER_FAVOUR', true],
    ['RESOLVED_SELLER_FAVOUR', false],
  ] as const)('resolves a dispute %s over the control API', async (outcome, refunded) => {
    const { capture } = await capturedOrder(h);
    const opened = await control('/disputes', { transaction_id: capture.id });
    expect(opened.status).toBe(200);
    expect(opened.body.reason).toBe('MERCHANDISE_OR_SERVICE_NOT_RECEIVED');

    const resolved = await control(`/disputes/${opened.body.dispute_id}/resolve`, { outcome });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('RESOLVED');
    expect(resolved.body.dispute_outcome.outcome_code).toBe(outcome);
    expect(resolved.body.dispute_outcome.amount_refunded !== undefined).toBe(refunded);

    const event = await eventFor(h, 'CUSTOMER.DISPUTE.RESOLVED', (r) => r.dispute_id === opened.body.dispute_id);
    expect(event.resource.dispute_outcome).toEqual(resolved.body.dispute_outcome);
    expect(event.resource_type).toBe('dispute');

    const again = await control(`/disputes/${opened.body.dispute_id}/resolve`, { outcome });
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('DISPUTE_ALREADY_RESOLVED');
  });

  it('rejects unknown transactions, disputes and outcomes', async () => {
    expect(thrownIssue(() => h.sandbox.control.openDispute('NOSUCHCAPTURE0000'))).toBe('INVALID_RESOURCE_ID');
    expect((await control('/disputes', {})).status).toBe(400);
    const { capture } = await capturedOrder(h);
    const badReason = await control('/disputes', { transaction_id: capture.id, reason: 'BORED' });
    expect(badReason.body.details[0]).toMatchObject({ field: '/reason', issue: 'INVALID_PARAMETER_VALUE' });
    const dispute = h.sandbox.control.openDispute(capture.id);
    const badOutcome = await control(`/disputes/${dispute.dispute_id}/resolve`, { outcome: 'DRAW' });
    expect(badOutcome.status).toBe(400);
    expect((await control('/disputes/PP-D-00000/resolve', { outcome: 'RESOLVED_SELLER_FAVOUR' })).status).toBe(404);
    const unknown = await h.call('GET', '/v1/customer/disputes/PP-D-00000');
    expect(unknown.status).toBe(404);
    expect(unknown.body.name).toBe('RESOURCE_NOT_FOUND');
  });
});

describe('disputes on a subscription sale', () => {
  it('opens a dispute on a v1 sale id', async () => {
    const created = await h.call('POST', '/v1/billing/subscriptions', {
      body: {
        plan_id: PLAN_ID,
        custom_id: 'chk_sub_dispute',
        application_context: { return_url: 'https://merchant.example/r', cancel_url: 'https://merchant.example/c' },
      },
    });
    expect(created.status).toBe(201);
    h.sandbox.control.approveSubscription(created.body.id as string);
    const { sale } = h.sandbox.control.renewSubscription(created.body.id as string);

    const dispute = h.sandbox.control.openDispute(sale.id as string);
    expect(dispute.dispute_amount).toEqual({ currency_code: 'USD', value: '9.00' });
    expect(dispute.disputed_transactions).toMatchObject([
      { seller_transaction_id: sale.id, custom: 'chk_sub_dispute', buyer: { name: BUYER_NAME } },
    ]);
    await eventFor(h, 'CUSTOMER.DISPUTE.CREATED', (r) => r.dispute_id === dispute.dispute_id);
  });
});
