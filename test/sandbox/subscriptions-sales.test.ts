// v1 sales from subscription payments: reading them, refunds (full, partial, idempotent) and reversals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type PayPalJson } from './support-subscriptions';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

/** An approved subscription's first sale id. */
async function paidSale(customId = 'chk_sale'): Promise<{ saleId: string; subscriptionId: string }> {
  const { id } = await h.createSubscription({ custom_id: customId });
  h.sandbox.control.approveSubscription(id);
  const sales = (await h.events('PAYMENT.SALE.COMPLETED')).filter((e) => e.resource.billing_agreement_id === id);
  expect(sales).toHaveLength(1);
  return { saleId: sales[0].resource.id, subscriptionId: id };
}

const refundEvents = async (eventType: string, saleId: string): Promise<PayPalJson[]> =>
  (await h.events(eventType)).filter((e) => e.resource.sale_id === saleId);

describe('GET /v1/payments/sale/{id}', () => {
  it('shows the sale in v1 shape, tied to its subscription', async () => {
    const { saleId, subscriptionId } = await paidSale('chk_shape');
    const reply = await h.call('GET', `/v1/payments/sale/${saleId}`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      id: saleId,
      state: 'completed',
      amount: { total: '9.00', currency: 'USD', details: { subtotal: '9.00' } },
      billing_agreement_id: subscriptionId,
      custom: 'chk_shape',
      payment_mode: 'INSTANT_TRANSFER',
      transaction_fee: { value: '0.80', currency: 'USD' },
    });
    expect(saleId).toMatch(/^[A-Z0-9]{17}$/);
    expect(reply.body.links).toEqual([
      { href: `${h.sandbox.baseUrl}/v1/payments/sale/${saleId}`, rel: 'self', method: 'GET' },
      { href: `${h.sandbox.baseUrl}/v1/payments/sale/${saleId}/refund`, rel: 'refund', method: 'POST' },
    ]);
  });

  it('answers an unknown sale with the v1 payments 404', async () => {
    const reply = await h.call('GET', '/v1/payments/sale/0000000000000000X');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ name: 'INVALID_RESOURCE_ID', message: 'Requested resource ID was not found.' });
  });
});

describe('refunds', () => {
  it('refunds part, then the rest, then refuses a third refund', async () => {
    const { saleId } = await paidSale();
    const partial = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, { amount: { total: '4.00', currency: 'USD' } });
    expect(partial.status).toBe(201);
    expect(partial.body).toMatchObject({ state: 'completed', sale_id: saleId, amount: { total: '4.00', currency: 'USD' } });
    expect(partial.body.id).toMatch(/^[A-Z0-9]{17}$/);
    expect(partial.body.parent_payment).toMatch(/^PAYID-[A-Z0-9]{24}$/);
    expect(partial.body.links).toEqual([
      { href: `${h.sandbox.baseUrl}/v1/payments/refund/${partial.body.id}`, rel: 'self', method: 'GET' },
      { href: `${h.sandbox.baseUrl}/v1/payments/payment/${partial.body.parent_payment}`, rel: 'parent_payment', method: 'GET' },
      { href: `${h.sandbox.baseUrl}/v1/payments/sale/${saleId}`, rel: 'sale', method: 'GET' },
    ]);
    expect((await h.call('GET', `/v1/payments/sale/${saleId}`)).body.state).toBe('partially_refunded');

    const rest = await h.call('POST', `/v1/payments/sale/${saleId}/refund`);
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toEqual({ total: '5.00', currency: 'USD' });
    expect(rest.body.parent_payment).toBe(partial.body.parent_payment);
    const sale = (await h.call('GET', `/v1/payments/sale/${saleId}`)).body;
    expect(sale.state).toBe('refunded');
    expect(sale.links.map((l: PayPalJson) => l.rel)).toEqual(['self']);

    const third = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, {});
    expect(third.status).toBe(400);
    expect(third.body.name).toBe('TRANSACTION_ALREADY_REFUNDED');

    const events = await refundEvents('PAYMENT.SALE.REFUNDED', saleId);
    expect(events.map((e) => e.resource.amount.total)).toEqual(['-4.00', '-5.00']);
  });

  it('publishes PAYMENT.SALE.REFUNDED with the v1 refund, its total negative, as PayPal sends it', async () => {
    const { saleId } = await paidSale();
    const refund = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, {});
    expect(refund.body.amount).toEqual({ total: '9.00', currency: 'USD' });
    const [event] = (await h.events('PAYMENT.SALE.REFUNDED')).filter((e) => e.resource.id === refund.body.id);
    expect(event).toMatchObject({
      resource_type: 'sale', event_version: '1.0', summary: 'A 9.0 USD sale payment was refunded',
      resource: { ...refund.body, amount: { total: '-9.00', currency: 'USD' } },
    });
    expect(Object.keys(event.resource)).toEqual(['id', 'create_time', 'update_time', 'state', 'amount', 'sale_id', 'parent_payment', 'links']);
    expect(event).not.toHaveProperty('resource_version');
  });

  it('refunds once per PayPal-Request-Id and replays the refund with 200', async () => {
    const { saleId } = await paidSale();
    const headers = { 'paypal-request-id': `refund-${saleId}` };
    const body = { amount: { total: '1.00', currency: 'USD' } };
    const first = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, body, headers);
    const second = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, body, headers);
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(second.body.id).toBe(first.body.id);
    expect(await refundEvents('PAYMENT.SALE.REFUNDED', saleId)).toHaveLength(1);
    expect((await h.call('GET', `/v1/payments/refund/${first.body.id}`)).body).toEqual(first.body);
  });

  it.each([
    ['more than was paid', { amount: { total: '9.01', currency: 'USD' } }, 'REFUND_EXCEEDED_TRANSACTION_AMOUNT'],
    ['another currency', { amount: { total: '1.00', currency: 'EUR' } }, 'INVALID_REQUEST'],
    ['a malformed total', { amount: { total: 'ten', currency: 'USD' } }, 'INVALID_REQUEST'],
    ['a zero total', { amount: { total: '0.00', currency: 'USD' } }, 'INVALID_REQUEST'],
  ])('refuses a refund of %s with 400 and refunds nothing', async (_name, body, name) => {
    const { saleId } = await paidSale();
    const reply = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, body);
    expect(reply.status).toBe(400);
    expect(reply.body.name).toBe(name);
    expect((await h.call('GET', `/v1/payments/sale/${saleId}`)).body.state).toBe('completed');
  });

  it('answers a refund of an unknown sale with 404, and an unknown refund with 404', async () => {
    expect((await h.call('POST', '/v1/payments/sale/0000000000000000X/refund', {})).status).toBe(404);
    expect((await h.call('GET', '/v1/payments/refund/0000000000000000X')).status).toBe(404);
  });

  it('refunds through the control API', async () => {
    const { saleId } = await paidSale();
    const reply = await h.call('POST', `/__sandbox/sales/${saleId}/refund`, { amount: '2.50' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ sale_id: saleId, amount: { total: '2.50' } });
    expect(h.sandbox.control.refundSale(saleId, '1.50').amount).toEqual({ total: '1.50', currency: 'USD' });
    expect(h.sandbox.control.refundSale(saleId).amount).toEqual({ total: '5.00', currency: 'USD' });
    expect(await refundEvents('PAYMENT.SALE.REFUNDED', saleId)).toHaveLength(3);
  });
});

describe('reversals', () => {
  it('reverses what is left, publishes PAYMENT.SALE.REVERSED and refuses a later refund', async () => {
    const { saleId } = await paidSale();
    await h.call('POST', `/v1/payments/sale/${saleId}/refund`, { amount: { total: '1.00', currency: 'USD' } });
    const reply = await h.call('POST', `/__sandbox/sales/${saleId}/reverse`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ sale_id: saleId, amount: { total: '8.00', currency: 'USD' } });
    expect((await h.call('GET', `/v1/payments/sale/${saleId}`)).body.state).toBe('reversed');
    expect((await h.call('GET', `/v1/payments/refund/${reply.body.id}`)).body).toEqual(reply.body);

    // The documented shape (the default): the resource is the sale, its only link the refund.
    const [event] = (await h.events('PAYMENT.SALE.REVERSED')).filter((e) => e.resource.id === saleId);
    expect(event).toMatchObject({
      resource_type: 'sale', summary: 'A $ 8.0 USD sale payment was reversed',
      resource: {
        id: saleId, state: 'completed', amount: { total: '-8.00', currency: 'USD', details: { subtotal: '-8.00' } },
        links: [{ href: `${h.sandbox.baseUrl}/v1/payments/refund/${reply.body.id}`, rel: 'self', method: 'GET' }],
      },
    });
    expect(event.resource).not.toHaveProperty('sale_id');

    const refund = await h.call('POST', `/v1/payments/sale/${saleId}/refund`, {});
    expect(refund.status).toBe(400);
    expect(refund.body.name).toBe('TRANSACTION_REFUSED');
    expect(() => h.sandbox.control.reverseSale(saleId)).toThrow();
  });
});
