// POST /v2/checkout/orders/{id}/capture, GET /v2/payments/captures/{id}, capture outcomes and their events.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { approvedOrder, capturedOrder, createOrder, eventFor, link, startHarness, thrownIssue, type Json, type OrdersHarness } from './support-orders';

let h: OrdersHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const capture = (orderId: string, headers: Record<string, string> = {}) =>
  h.call('POST', `/v2/checkout/orders/${orderId}/capture`, { headers });

function toCents(value: string): number {
  return Math.round(Number(value) * 100);
}

describe('capturing an order', () => {
  it.each([false, true])('answers an unapproved order (legacy context: %s) with 422 ORDER_NOT_APPROVED', async (legacy) => {
    const id = await createOrder(h, { legacy });
    const { status, body } = await capture(id);
    expect(status).toBe(422);
    expect(body).toMatchObject({ name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'ORDER_NOT_APPROVED' }] });
  });

  it('answers an unknown order with 404', async () => {
    const { status, body } = await capture('8XY12345AB1234567');
    expect(status).toBe(404);
    expect(body.details[0]).toMatchObject({ issue: 'INVALID_RESOURCE_ID', field: 'order_id' });
  });

  it('creates a completed capture carrying the purchase unit ids', async () => {
    const orderId = await approvedOrder(h, { amount: '49.00', customId: 'chk_cap', invoiceId: 'INV-cap' });
    const { status, body } = await capture(orderId);
    expect(status).toBe(201);
    expect(body).toMatchObject({ id: orderId, status: 'COMPLETED', payer: { payer_id: DEFAULT_BUYER.payerId } });
    expect(body.purchase_units[0].shipping.name.full_name).toBe(`${DEFAULT_BUYER.givenName} ${DEFAULT_BUYER.surname}`);
    const captured = body.purchase_units[0].payments.captures[0] as Json;
    expect(captured).toMatchObject({
      status: 'COMPLETED',
      amount: { currency_code: 'USD', value: '49.00' },
      final_capture: true,
      custom_id: 'chk_cap',
      invoice_id: 'INV-cap',
    });
    expect(captured.id).toMatch(/^[A-Z0-9]{17}$/);
    const breakdown = captured.seller_receivable_breakdown;
    expect(breakdown.gross_amount).toEqual({ currency_code: 'USD', value: '49.00' });
    expect(toCents(breakdown.paypal_fee.value)).toBeGreaterThan(0);
    expect(toCents(breakdown.net_amount.value) + toCents(breakdown.paypal_fee.value)).toBe(4900);
    expect(captured.links).toEqual([
      { href: `${h.sandbox.baseUrl}/v2/payments/captures/${captured.id}`, rel: 'self', method: 'GET' },
      { href: `${h.sandbox.baseUrl}/v2/payments/captures/${captured.id}/refund`, rel: 'refund', method: 'POST' },
      { href: `${h.sandbox.baseUrl}/v2/checkout/orders/${orderId}`, rel: 'up', method: 'GET' },
    ]);
  });

  it('replays the first answer for the same PayPal-Request-Id, and refuses a second capture', async () => {
    const orderId = await approvedOrder(h);
    const first = await capture(orderId, { 'paypal-request-id': 'cap-1' });
    const repeat = await capture(orderId, { 'paypal-request-id': 'cap-1' });
    const other = await capture(orderId, { 'paypal-request-id': 'cap-2' });
    const bare = await capture(orderId);
    expect(first.status).toBe(201);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(first.body);
    for (const refused of [other, bare]) {
      expect(refused.status).toBe(422);
      expect(refused.body.details[0].issue).toBe('ORDER_ALREADY_CAPTURED');
    }
    const order = await h.call('GET', `/v2/checkout/orders/${orderId}`);
    expect(order.body.purchase_units[0].payments.captures).toHaveLength(1);
  });

  it('returns the full order with Prefer: return=representation', async () => {
    const orderId = await approvedOrder(h, { customId: 'chk_full' });
    const { body } = await capture(orderId, { prefer: 'return=representation' });
    expect(body).toMatchObject({ intent: 'CAPTURE', status: 'COMPLETED', purchase_units: [{ custom_id: 'chk_full', amount: { value: '49.00' } }] });
    expect(body.purchase_units[0].payments.captures[0].status).toBe('COMPLETED');
  });

  it('captures every purchase unit of a multi-unit order', async () => {
    const create = await h.call('POST', '/v2/checkout/orders', {
      body: {
        intent: 'CAPTURE',
        purchase_units: [
          { reference_id: 'seat', amount: { currency_code: 'EUR', value: '10.00' }, custom_id: 'a' },
          { reference_id: 'support', amount: { currency_code: 'EUR', value: '5.50' }, custom_id: 'b' },
        ],
      },
    });
    h.sandbox.control.approveOrder(create.body.id);
    const { body } = await capture(create.body.id);
    const captures = body.purchase_units.map((u: Json) => u.payments.captures[0]);
    expect(captures.map((c: Json) => [c.custom_id, c.amount.value])).toEqual([['a', '10.00'], ['b', '5.50']]);
    expect(new Set(captures.map((c: Json) => c.id)).size).toBe(2);
  });
});

describe('GET /v2/payments/captures/{id}', () => {
  it('shows the capture with its order id and links', async () => {
    const { orderId, capture: captured } = await capturedOrder(h, { customId: 'chk_get_cap', invoiceId: 'INV-get' });
    const { status, body } = await h.call('GET', `/v2/payments/captures/${captured.id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: captured.id,
      status: 'COMPLETED',
      custom_id: 'chk_get_cap',
      invoice_id: 'INV-get',
      supplementary_data: { related_ids: { order_id: orderId } },
      seller_receivable_breakdown: captured.seller_receivable_breakdown,
      payee: { merchant_id: expect.any(String) },
    });
    expect(link(body, 'up')?.href).toBe(`${h.sandbox.baseUrl}/v2/checkout/orders/${orderId}`);
  });

  it('answers an unknown capture with 404', async () => {
    const { status, body } = await h.call('GET', '/v2/payments/captures/2GG279541U471931P');
    expect(status).toBe(404);
    expect(body.details[0]).toMatchObject({ issue: 'INVALID_RESOURCE_ID', field: 'capture_id' });
  });
});

describe('capture events', () => {
  it('publishes PAYMENT.CAPTURE.COMPLETED with the capture resource', async () => {
    const { capture: captured } = await capturedOrder(h, { customId: 'chk_evt' });
    const event = await eventFor(h, 'PAYMENT.CAPTURE.COMPLETED', (r) => r.id === captured.id);
    expect(event).toMatchObject({
      event_type: 'PAYMENT.CAPTURE.COMPLETED',
      resource_type: 'capture',
      resource_version: '2.0',
      summary: 'Payment completed for $ 49.0 USD',
    });
    expect(event.id).toMatch(/^WH-/);
    // The event's capture is the API's without the payee, as PayPal's capture events carry it.
    const { payee, ...current } = (await h.call('GET', `/v2/payments/captures/${captured.id}`)).body;
    expect(payee).toMatchObject({ merchant_id: expect.any(String) });
    expect(event.resource).toEqual(current);
  });

  it('makes the next capture PENDING when told, then completes it', async () => {
    h.sandbox.control.setNextCaptureOutcome('PENDING', 'ECHECK');
    const { capture: pending } = await capturedOrder(h, { amount: '2.51' });
    expect(pending.status).toBe('PENDING');
    expect(pending.status_details).toEqual({ reason: 'ECHECK' });
    const pendingEvent = await eventFor(h, 'PAYMENT.CAPTURE.PENDING', (r) => r.id === pending.id);
    expect(pendingEvent.summary).toBe('Payment pending for $ 2.51 USD');
    expect(pendingEvent.resource.status_details).toEqual({ reason: 'ECHECK' });

    const { capture: following } = await capturedOrder(h);
    expect(following.status).toBe('COMPLETED');

    const completed = h.sandbox.control.completePendingCapture(pending.id);
    expect(completed.status).toBe('COMPLETED');
    expect(completed.status_details).toBeUndefined();
    const event = await eventFor(h, 'PAYMENT.CAPTURE.COMPLETED', (r) => r.id === pending.id);
    expect(event.resource.status).toBe('COMPLETED');
    expect(thrownIssue(() => h.sandbox.control.completePendingCapture(pending.id))).toBe('CAPTURE_NOT_PENDING');
  });

  it('denies a pending capture over the control API', async () => {
    const next = await fetch(`${h.sandbox.baseUrl}/__sandbox/captures/next-outcome`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'PENDING' }),
    });
    expect(await next.json()).toEqual({ outcome: 'PENDING', pending_reason: 'PENDING_REVIEW' });
    const { capture: pending } = await capturedOrder(h);
    const denied = await fetch(`${h.sandbox.baseUrl}/__sandbox/captures/${pending.id}/deny`, { method: 'POST' });
    expect(denied.status).toBe(200);
    expect(((await denied.json()) as Json).status).toBe('DECLINED');
    const event = await eventFor(h, 'PAYMENT.CAPTURE.DENIED', (r) => r.id === pending.id);
    expect(event.resource).toMatchObject({ status: 'DECLINED', supplementary_data: { related_ids: { order_id: expect.any(String) } } });
  });

  it('makes the next capture DECLINED when told', async () => {
    h.sandbox.control.setNextCaptureOutcome('DECLINED');
    const { capture: declined } = await capturedOrder(h, { customId: 'chk_declined' });
    expect(declined.status).toBe('DECLINED');
    // As PayPal's declined captures show it: the gross as net, no fee; the refund link still offered.
    expect(declined.seller_receivable_breakdown).toEqual({ gross_amount: declined.amount, net_amount: declined.amount });
    expect(link(declined, 'refund')?.method).toBe('POST');
    const event = await eventFor(h, 'PAYMENT.CAPTURE.DECLINED', (r) => r.id === declined.id);
    expect(event.resource).toMatchObject({ status: 'DECLINED', custom_id: 'chk_declined' });
  });

  it('rejects an unknown outcome on the control API', async () => {
    const res = await fetch(`${h.sandbox.baseUrl}/__sandbox/captures/next-outcome`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'MAYBE' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).details[0]).toMatchObject({ field: '/outcome', issue: 'INVALID_PARAMETER_VALUE' });
  });
});
