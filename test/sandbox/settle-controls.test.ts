// Settling without the merchant's server: the sandbox captures an approved order itself, and can make its
// changes without publishing any event, as if another road had settled them and PayPal had told nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvedOrder, createOrder, eventsOfType, startHarness, type OrdersHarness } from './support-orders';

let h: OrdersHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${h.sandbox.baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> })); // eslint-disable-line @typescript-eslint/no-explicit-any

describe('POST /__sandbox/orders/{id}/capture', () => {
  it('captures an approved order as the capture call would, publishing the capture event', async () => {
    const orderId = await approvedOrder(h, { customId: 'chk_side_road' });
    const reply = await control('POST', `/__sandbox/orders/${orderId}/capture`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: orderId, status: 'COMPLETED' });
    const capture = reply.body.purchase_units[0].payments.captures[0];
    expect(capture).toMatchObject({ status: 'COMPLETED', custom_id: 'chk_side_road' });
    expect((await h.call('GET', `/v2/payments/captures/${capture.id}`)).status).toBe(200);
    expect((await eventsOfType(h, 'PAYMENT.CAPTURE.COMPLETED')).map((e) => e.resource.id)).toContain(capture.id);

    const again = await control('POST', `/__sandbox/orders/${orderId}/capture`);
    expect(again.status).toBe(422);
    expect(again.body.details[0].issue).toBe('ORDER_ALREADY_CAPTURED');
  });

  it('refuses an order the buyer has not approved, and an unknown order', async () => {
    const reply = await control('POST', `/__sandbox/orders/${await createOrder(h)}/capture`);
    expect(reply.status).toBe(422);
    expect(reply.body.details[0].issue).toBe('ORDER_NOT_APPROVED');
    expect((await control('POST', '/__sandbox/orders/0000000000000000X/capture')).status).toBe(404);
  });
});

describe('publishing switch', () => {
  it('settles orders without recording or delivering events while off, and publishes again when on', async () => {
    expect((await control('GET', '/__sandbox/webhooks/publishing')).body).toEqual({ enabled: true });
    const orderId = await approvedOrder(h);
    const before = h.sandbox.control.listEvents().length;

    expect((await control('POST', '/__sandbox/webhooks/publishing', { enabled: false })).body).toEqual({ enabled: false });
    try {
      const captured = h.sandbox.control.captureOrder(orderId);
      const captureId = (captured as any).purchase_units[0].payments.captures[0].id as string; // eslint-disable-line @typescript-eslint/no-explicit-any
      h.sandbox.control.refundCapture(captureId, '1.00');
      expect(h.sandbox.control.listEvents()).toHaveLength(before);
      // A body given to deliver still goes out.
      h.sandbox.control.deliverEvent({ id: 'WH-SIDEROAD0000000-00000000000000000', event_type: 'PAYMENT.CAPTURE.COMPLETED' });
      expect(h.sandbox.control.listEvents()).toHaveLength(before + 1);
    } finally {
      await control('POST', '/__sandbox/webhooks/publishing', { enabled: true });
    }
    h.sandbox.control.approveOrder(await createOrder(h));
    expect(h.sandbox.control.listEvents()).toHaveLength(before + 2);
  });

  it('refuses a body without a boolean', async () => {
    const reply = await control('POST', '/__sandbox/webhooks/publishing', { enabled: 'no' });
    expect(reply.status).toBe(400);
    expect(reply.body.name).toBe('VALIDATION_ERROR');
  });
});
