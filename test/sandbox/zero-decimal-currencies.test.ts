// Currencies without decimals at PayPal (JPY, HUF, TWD): an amount with a decimal point is refused wherever
// money enters (orders, plans, refunds) with PayPal's 422 DECIMALS_NOT_SUPPORTED; whole amounts work end to end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currencyDecimals, fromMinor, toMinor } from '../../sandbox/money';
import { startSandbox } from '../../sandbox/index';
import { approvedOrder, orderBody, startHarness as startOrders, thrownIssue, type OrdersHarness } from './support-orders';
import { startHarness as startSubscriptions, type Harness } from './support-subscriptions';

const ZERO_DECIMAL = ['JPY', 'HUF', 'TWD'] as const;
const DECIMALS_NOT_SUPPORTED =
  'Currency does not support decimals. Please refer to https://developer.paypal.com/docs/api/reference/currency-codes/ for more information.';

describe('minor units', () => {
  it('follows ISO 4217, with PayPal\'s own rule for HUF and TWD', () => {
    expect(['USD', 'EUR', 'INR', 'GBP'].map(currencyDecimals)).toEqual([2, 2, 2, 2]);
    expect(['JPY', 'KRW', 'CLP'].map(currencyDecimals)).toEqual([0, 0, 0]);
    expect(['KWD', 'BHD', 'TND'].map(currencyDecimals)).toEqual([3, 3, 3]);
    // ISO gives HUF and TWD two minor units; PayPal does not accept them.
    expect(['HUF', 'TWD'].map(currencyDecimals)).toEqual([0, 0]);
  });

  it.each(ZERO_DECIMAL)('reads %s amounts only as whole numbers', (currency) => {
    expect(toMinor('4900', currency)).toBe(4900);
    expect(toMinor('4900.00', currency)).toBe('DECIMALS_NOT_SUPPORTED');
    expect(toMinor('4900.5', currency)).toBe('DECIMALS_NOT_SUPPORTED');
    expect(fromMinor(4900, currency)).toEqual({ currency_code: currency, value: '4900' });
  });

  it('refuses more decimals than the currency has', () => {
    expect(toMinor('49.00', 'USD')).toBe(4900);
    expect(toMinor('49.5', 'USD')).toBe(4950);
    expect(toMinor('49.000', 'USD')).toBe('DECIMAL_PRECISION');
    expect(toMinor('1.234', 'KWD')).toBe(1234);
  });
});

describe('orders and capture refunds', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrders();
  });
  afterAll(() => h.close());

  it.each(ZERO_DECIMAL)('refuses an order of "49.00" %s with PayPal\'s 422 and creates nothing', async (currency) => {
    const before = h.sandbox.control.listEvents().length;
    const reply = await h.call('POST', '/v2/checkout/orders', { body: orderBody({ currency, amount: '49.00' }) });
    expect(reply.status).toBe(422);
    expect(reply.body).toEqual({
      name: 'UNPROCESSABLE_ENTITY',
      message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
      debug_id: expect.stringMatching(/^[0-9a-f]{13}$/),
      details: [
        {
          field: "/purchase_units/@reference_id=='default'/amount/value",
          value: '49.00',
          location: 'body',
          issue: 'DECIMALS_NOT_SUPPORTED',
          description: DECIMALS_NOT_SUPPORTED,
        },
      ],
      links: [
        {
          href: 'https://developer.paypal.com/docs/api/orders/v2/#error-DECIMALS_NOT_SUPPORTED',
          rel: 'information_link',
          method: 'GET',
        },
      ],
    });
    expect(h.sandbox.control.listEvents()).toHaveLength(before);
  });

  it.each(ZERO_DECIMAL)('takes "4900" %s through order, capture and a whole-number refund', async (currency) => {
    const orderId = await approvedOrder(h, { currency, amount: '4900' });
    const captured = await h.call('POST', `/v2/checkout/orders/${orderId}/capture`);
    expect(captured.status).toBe(201);
    const capture = captured.body.purchase_units[0].payments.captures[0];
    expect(capture.amount).toEqual({ currency_code: currency, value: '4900' });
    expect(capture.seller_receivable_breakdown.paypal_fee.value).toMatch(/^\d+$/);

    const refused = await h.call('POST', `/v2/payments/captures/${capture.id}/refund`, {
      body: { amount: { currency_code: currency, value: '100.50' } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([
      expect.objectContaining({ issue: 'DECIMALS_NOT_SUPPORTED', field: '/amount/value', value: '100.50' }),
    ]);
    expect(refused.body.links[0].href).toBe('https://developer.paypal.com/docs/api/payments/v2/#error-DECIMALS_NOT_SUPPORTED');

    const refunded = await h.call('POST', `/v2/payments/captures/${capture.id}/refund`, {
      body: { amount: { currency_code: currency, value: '100' } },
      headers: { prefer: 'return=representation' },
    });
    expect(refunded.status).toBe(201);
    expect(refunded.body.amount).toEqual({ currency_code: currency, value: '100' });
    expect(thrownIssue(() => h.sandbox.control.refundCapture(capture.id, '1.5'))).toBe('DECIMALS_NOT_SUPPORTED');
  });

  it('still refuses three decimals in USD as DECIMAL_PRECISION', async () => {
    const reply = await h.call('POST', '/v2/checkout/orders', { body: orderBody({ amount: '49.001' }) });
    expect(reply.status).toBe(422);
    expect(reply.body.details[0].issue).toBe('DECIMAL_PRECISION');
  });
});

describe('plans and sale refunds', () => {
  let h: Harness;
  let productId: string;
  const yenPlan = { id: 'P-HARDBOUNDYEN00000000000', productName: 'Hardbound Enterprise', name: 'Enterprise monthly (JPY)',
    interval: { unit: 'MONTH' as const, count: 1 }, price: { currency_code: 'JPY', value: '1200' } };

  beforeAll(async () => {
    h = await startSubscriptions({ plans: [yenPlan] });
    productId = (await h.call('POST', '/v1/catalogs/products', { name: 'Hardbound Team' })).body.id;
  });
  afterAll(() => h.close());

  const plan = (currency: string, value: string) => ({
    product_id: productId,
    name: `Team ${currency}`,
    billing_cycles: [{
      frequency: { interval_unit: 'MONTH', interval_count: 1 }, tenure_type: 'REGULAR', sequence: 1, total_cycles: 0,
      pricing_scheme: { fixed_price: { value, currency_code: currency } },
    }],
    payment_preferences: { payment_failure_threshold: 1 },
  });

  it.each(ZERO_DECIMAL)('refuses a plan priced "49.00" %s with 422 DECIMALS_NOT_SUPPORTED', async (currency) => {
    const reply = await h.call('POST', '/v1/billing/plans', plan(currency, '49.00'));
    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      name: 'UNPROCESSABLE_ENTITY',
      details: [{
        field: '/billing_cycles/0/pricing_scheme/fixed_price/value', value: '49.00', location: 'body',
        issue: 'DECIMALS_NOT_SUPPORTED', description: DECIMALS_NOT_SUPPORTED,
      }],
    });
    expect((await h.call('POST', '/v1/billing/plans', plan(currency, '4900'))).status).toBe(201);
  });

  it('refuses a USD plan priced with three decimals as DECIMAL_PRECISION', async () => {
    const reply = await h.call('POST', '/v1/billing/plans', plan('USD', '9.999'));
    expect(reply.status).toBe(422);
    expect(reply.body.details[0]).toMatchObject({ issue: 'DECIMAL_PRECISION', value: '9.999' });
  });

  it('refuses to seed a plan whose price PayPal would refuse', async () => {
    await expect(startSandbox({ port: 0, plans: [{ ...yenPlan, price: { currency_code: 'JPY', value: '1200.00' } }] }))
      .rejects.toThrow(/DECIMALS_NOT_SUPPORTED/);
  });

  it('bills a JPY subscription in whole yen and refuses a decimal refund of its sale', async () => {
    const { id } = await h.createSubscription({}, yenPlan.id);
    h.sandbox.control.approveSubscription(id);
    const [sale] = (await h.events('PAYMENT.SALE.COMPLETED')).filter((e) => e.resource.billing_agreement_id === id);
    expect(sale.resource.amount).toMatchObject({ total: '1200', currency: 'JPY' });

    const refused = await h.call('POST', `/v1/payments/sale/${sale.resource.id}/refund`, { amount: { total: '100.00', currency: 'JPY' } });
    expect(refused.status).toBe(422);
    expect(refused.body.details[0]).toMatchObject({ issue: 'DECIMALS_NOT_SUPPORTED', field: '/amount/total' });
    const refunded = await h.call('POST', `/v1/payments/sale/${sale.resource.id}/refund`, { amount: { total: '100', currency: 'JPY' } });
    expect(refunded.status).toBe(201);
    expect(refunded.body.amount).toEqual({ total: '100', currency: 'JPY' });
  });
});
