// Where PayPal sends more than one real shape (sale reversals; captures naming their order), the sandbox sends
// the one chosen, at start or while it runs; and the shape details PayPal's bodies show (refund times with
// PayPal's offset, disputes with milliseconds) are what it emits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index';
import { capturedOrder, eventFor, link, startHarness as startOrders, type Json, type OrdersHarness } from './support-orders';
import { startHarness as startSubscriptions, type Harness } from './support-subscriptions';

describe('PAYMENT.SALE.REVERSED shapes', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startSubscriptions();
  });
  afterAll(() => h.close());

  async function reversedSale(): Promise<{ saleId: string; refundId: string }> {
    const { id } = await h.createSubscription();
    h.sandbox.control.approveSubscription(id);
    const [sale] = (await h.events('PAYMENT.SALE.COMPLETED')).filter((e) => e.resource.billing_agreement_id === id);
    const reversal = await h.call('POST', `/__sandbox/sales/${sale.resource.id}/reverse`);
    return { saleId: sale.resource.id, refundId: reversal.body.id };
  }

  const reversedEvents = async () => h.events('PAYMENT.SALE.REVERSED');

  it('sends the documented shape by default: the sale as resource, negative total, one self link to the refund', async () => {
    expect((await h.call('GET', '/__sandbox/webhooks/shapes')).body).toEqual({
      saleReversal: 'resource-is-sale', captureOrder: 'related-ids-and-up',
    });
    const { saleId, refundId } = await reversedSale();
    const event = (await reversedEvents()).find((e) => e.resource.id === saleId);
    expect(event.resource).toEqual({
      amount: { total: '-9.00', currency: 'USD', details: { subtotal: '-9.00' } },
      id: saleId,
      state: 'completed',
      create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      links: [{ href: `${h.sandbox.baseUrl}/v1/payments/refund/${refundId}`, rel: 'self', method: 'GET' }],
    });
  });

  it('sends the simulator\'s shape when chosen: the refund as resource, nothing naming the sale; GET refund names it', async () => {
    const chosen = await h.call('POST', '/__sandbox/webhooks/shapes', { saleReversal: 'resource-is-refund' });
    expect(chosen.body).toEqual({ saleReversal: 'resource-is-refund', captureOrder: 'related-ids-and-up' });
    try {
      const { saleId, refundId } = await reversedSale();
      const event = (await reversedEvents()).find((e) => e.resource.id === refundId);
      expect(event).toMatchObject({ resource_type: 'sale', event_version: '1.0' });
      expect(Object.keys(event.resource)).toEqual(['id', 'create_time', 'state', 'amount', 'links']);
      expect(event.resource.amount.total).toBe('-9.00');
      expect(JSON.stringify(event)).not.toContain(saleId);

      const refund = await h.call('GET', `/v1/payments/refund/${refundId}`);
      expect(refund.body).toMatchObject({ id: refundId, sale_id: saleId, amount: { total: '9.00', currency: 'USD' } });
    } finally {
      h.sandbox.control.setResourceShapes({ saleReversal: 'resource-is-sale' });
    }
  });

  it('takes the shape from the options at start, and refuses unknown shapes and values', async () => {
    const sandbox = await startSandbox({ port: 0, shapes: { saleReversal: 'resource-is-refund' } });
    try {
      expect(sandbox.control.resourceShapes()).toEqual({ saleReversal: 'resource-is-refund', captureOrder: 'related-ids-and-up' });
    } finally {
      await sandbox.close();
    }
    await expect(startSandbox({ port: 0, shapes: { saleReversal: 'resource-is-invented' as never } })).rejects.toThrow();
    for (const body of [{ saleReversal: 'sale_id' }, { refundShape: 'x' }]) {
      const reply = await h.call('POST', '/__sandbox/webhooks/shapes', body);
      expect(reply.status).toBe(400);
      expect(reply.body.name).toBe('VALIDATION_ERROR');
    }
    expect(h.sandbox.control.resourceShapes().saleReversal).toBe('resource-is-sale');
  });
});

describe('how captures name their order', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrders();
  });
  afterAll(() => h.close());

  it('by default: supplementary_data.related_ids and the up link; the payee only in the API\'s capture', async () => {
    const { orderId, capture } = await capturedOrder(h);
    expect(capture).not.toHaveProperty('supplementary_data');
    const api = (await h.call('GET', `/v2/payments/captures/${capture.id}`)).body;
    const event = (await eventFor(h, 'PAYMENT.CAPTURE.COMPLETED', (r) => r.id === capture.id)).resource as Json;
    for (const body of [api, event]) {
      expect(body.supplementary_data).toEqual({ related_ids: { order_id: orderId } });
      expect(link(body, 'up')?.href).toBe(`${h.sandbox.baseUrl}/v2/checkout/orders/${orderId}`);
    }
    expect(api.payee).toBeDefined();
    expect(event).not.toHaveProperty('payee');
  });

  it('in the up-only shape: nothing but the up link leads to the order, in the API and in events', async () => {
    h.sandbox.control.setResourceShapes({ captureOrder: 'up-only' });
    try {
      const { orderId, capture } = await capturedOrder(h);
      const api = (await h.call('GET', `/v2/payments/captures/${capture.id}`)).body;
      const event = (await eventFor(h, 'PAYMENT.CAPTURE.COMPLETED', (r) => r.id === capture.id)).resource as Json;
      for (const body of [api, event]) {
        expect(body).not.toHaveProperty('supplementary_data');
        expect(link(body, 'up')?.href).toBe(`${h.sandbox.baseUrl}/v2/checkout/orders/${orderId}`);
      }
    } finally {
      h.sandbox.control.setResourceShapes({ captureOrder: 'related-ids-and-up' });
    }
  });

  it('shows the statement descriptor on a paid order\'s purchase unit', async () => {
    const { orderId } = await capturedOrder(h);
    const order = (await h.call('GET', `/v2/checkout/orders/${orderId}`)).body;
    expect(order.purchase_units[0].soft_descriptor).toMatch(/^PAYPAL \*[A-Z0-9]{1,14}$/);
  });

  it('writes refund times in PayPal\'s Pacific time with the offset, in the API and in events', async () => {
    const { capture } = await capturedOrder(h);
    const refund = h.sandbox.control.refundCapture(capture.id, '1.00');
    expect(refund.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[78]:00$/);
    expect(refund.update_time).toBe(refund.create_time);
    const event = await eventFor(h, 'PAYMENT.CAPTURE.REFUNDED', (r) => r.id === refund.id);
    expect((event.resource as Json).create_time).toBe(refund.create_time);
    expect(Math.abs(Date.parse(refund.create_time as string) - Date.parse(event.create_time as string))).toBeLessThan(2000);
  });
});

describe('disputes', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrders();
  });
  afterAll(() => h.close());

  it('writes times with milliseconds and keeps the buyer\'s opening message, as the Disputes API does', async () => {
    const { capture } = await capturedOrder(h);
    const dispute = h.sandbox.control.openDispute(capture.id);
    expect(dispute.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
    expect(dispute.messages).toEqual([{ posted_by: 'BUYER', time_posted: dispute.create_time, content: expect.any(String) }]);
    expect((dispute.links as Json[]).map((l) => l.rel)).toEqual(['self', 'send_message']);
    const resolved = h.sandbox.control.resolveDispute(dispute.dispute_id as string, 'RESOLVED_SELLER_FAVOUR');
    expect((resolved.links as Json[]).map((l) => l.rel)).toEqual(['self']);
  });
});
