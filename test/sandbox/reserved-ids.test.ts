// Reserved ids: the resources a genuine PayPal body names are made real in the sandbox under exactly those ids
// (settled by the sandbox itself, with its own events off), then the body is delivered byte for byte.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, SeedPlan } from '../../sandbox/index';
import { thrownIssue } from './support-orders';
import { webhookHarness, type Api, type TestListener } from './support-webhooks';
import { vector, type VectorName } from './support-vectors';

const plan = (id: string, value: string): SeedPlan => ({
  id, productName: 'Hardbound Enterprise', name: `Enterprise ${value}`, interval: { unit: 'MONTH', count: 1 },
  price: { currency_code: 'USD', value },
});
const W21_PLAN = 'P-29P74184YY2575448MBXDWAA';

let sandbox: Sandbox;
let api: Api;
let listener: TestListener;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ sandbox, api, listener, close } = await webhookHarness({
    plans: [plan(W21_PLAN, '100.00'), plan('P-HBVECTORS1490', '14.90'), plan('P-HBVECTORS0900', '9.00'), plan('P-HBVECTORS0049', '0.49')],
  }));
});
afterAll(() => close());

async function order(amount: string, currency = 'USD', extra: Record<string, unknown> = {}): Promise<string> {
  const reply = await api.call('POST', '/v2/checkout/orders', {
    intent: 'CAPTURE', purchase_units: [{ amount: { currency_code: currency, value: amount }, ...extra }],
  });
  expect(reply.status).toBe(201);
  return (reply.json as { id: string }).id;
}

async function subscription(planId: string): Promise<string> {
  const reply = await api.call('POST', '/v1/billing/subscriptions', { plan_id: planId });
  expect(reply.status).toBe(201);
  const { id } = reply.json as { id: string };
  sandbox.control.approveSubscription(id);
  return id;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- PayPal's JSON
async function get(path: string): Promise<any> {
  const reply = await api.call('GET', path);
  expect(reply.status, `${path}: ${reply.text}`).toBe(200);
  return reply.json;
}

describe('reserving ids', () => {
  it('hands reserved ids to the next resources of the kind in order, then generates again', async () => {
    expect(sandbox.control.reserveIds('order', ['RESERVEDORDER0001', 'RESERVEDORDER0002'])).toEqual({
      kind: 'order', reserved: ['RESERVEDORDER0001', 'RESERVEDORDER0002'],
    });
    // A refused create leaves the reserved id for the next order.
    expect((await api.call('POST', '/v2/checkout/orders', { intent: 'CAPTURE' })).status).toBe(400);
    expect([await order('1.00'), await order('1.00')]).toEqual(['RESERVEDORDER0001', 'RESERVEDORDER0002']);
    expect(await order('1.00')).toMatch(/^(?!RESERVED)[A-Z0-9]{17}$/);
  });

  it('reserves over HTTP, and refuses unknown kinds, malformed ids and ids in use', async () => {
    const post = (body: unknown) => fetch(`${sandbox.baseUrl}/__sandbox/ids`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() as Record<string, any> })); // eslint-disable-line @typescript-eslint/no-explicit-any

    expect(await post({ kind: 'plan', ids: ['P-HBRESERVEDPLAN'] })).toEqual({ status: 200, body: { kind: 'plan', reserved: ['P-HBRESERVEDPLAN'] } });
    const bad = await post({ kind: 'invoice', ids: ['X'] });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0]).toMatchObject({ field: '/kind', issue: 'INVALID_PARAMETER_VALUE' });
    expect((await post({ kind: 'subscription', ids: ['sub_123'] })).body.details[0]).toMatchObject({ field: '/ids/0', value: 'sub_123' });
    expect((await post({ kind: 'capture', ids: [] })).status).toBe(400);
    const taken = await post({ kind: 'plan', ids: [W21_PLAN] });
    expect(taken.status).toBe(422);
    expect(taken.body.details[0]).toMatchObject({ issue: 'DUPLICATE_RESOURCE_IDENTIFIER', value: W21_PLAN });
    expect((await post({ kind: 'plan', ids: ['P-HBRESERVEDPLAN'] })).status).toBe(422);
    expect(thrownIssue(() => sandbox.control.reserveIds('order', ['RESERVEDORDER0001']))).toBe('DUPLICATE_RESOURCE_IDENTIFIER');

    const product = await api.call('POST', '/v1/catalogs/products', { name: 'Reserved' });
    const created = await api.call('POST', '/v1/billing/plans', {
      product_id: (product.json as { id: string }).id, name: 'Reserved plan',
      billing_cycles: [{ frequency: { interval_unit: 'MONTH', interval_count: 1 }, tenure_type: 'REGULAR', sequence: 1, total_cycles: 0,
        pricing_scheme: { fixed_price: { value: '5.00', currency_code: 'USD' } } }],
      payment_preferences: { payment_failure_threshold: 1 },
    });
    expect((created.json as { id: string }).id).toBe('P-HBRESERVEDPLAN');
  });
});

describe('genuine bodies delivered against resources made real under their ids', () => {
  const delivered: VectorName[] = [];
  let receivedBefore = 0;
  let eventsBefore = 0;

  beforeAll(async () => {
    await sandbox.control.settle();
    receivedBefore = listener.received.length;
    eventsBefore = sandbox.control.listEvents().length;
    // The sandbox settles everything itself with its own events off: the only deliveries are the genuine bodies.
    sandbox.control.setPublishing(false);
  });
  afterAll(() => {
    sandbox.control.setPublishing(true);
  });

  const deliver = (name: VectorName) => {
    sandbox.control.deliverEvent(vector(name).text);
    delivered.push(name);
  };

  it('W02: order 5O190127TN364715T captured as 84745544P6340640G', async () => {
    sandbox.control.reserveIds('order', ['5O190127TN364715T']);
    sandbox.control.reserveIds('capture', ['84745544P6340640G']);
    const id = await order('100.00', 'EUR', { custom_id: 'MERCHANT_CUSTOM_ID', invoice_id: 'MERCHANT_INVOICE_ID' });
    sandbox.control.approveOrder(id);
    sandbox.control.captureOrder(id);

    const { resource } = vector('W02-capture-completed-paypal-docs-apm-2021').json;
    const capture = await get(`/v2/payments/captures/${resource.id}`);
    expect(capture).toMatchObject({
      id: resource.id, status: resource.status, amount: resource.amount, custom_id: resource.custom_id,
      invoice_id: resource.invoice_id, supplementary_data: resource.supplementary_data,
    });
    expect(capture.links.find((l: { rel: string }) => l.rel === 'up').href).toBe(`${sandbox.baseUrl}/v2/checkout/orders/5O190127TN364715T`);
    expect((await get('/v2/checkout/orders/5O190127TN364715T')).status).toBe('COMPLETED');
    deliver('W02-capture-completed-paypal-docs-apm-2021');
  });

  it('W10: refund 1Y107995YT783435V of capture 0JF852973C016714D', async () => {
    sandbox.control.reserveIds('capture', ['0JF852973C016714D']);
    const id = await order('1.98');
    sandbox.control.approveOrder(id);
    sandbox.control.captureOrder(id);
    sandbox.control.refundCapture('0JF852973C016714D', '0.99');
    sandbox.control.reserveIds('refund', ['1Y107995YT783435V']);
    sandbox.control.refundCapture('0JF852973C016714D', '0.99');

    const { resource } = vector('W10-capture-refunded-zencart-2018').json;
    const refund = await get('/v2/payments/refunds/1Y107995YT783435V');
    expect(refund).toMatchObject({
      id: resource.id, status: 'COMPLETED', amount: resource.amount,
      seller_payable_breakdown: { total_refunded_amount: resource.seller_payable_breakdown.total_refunded_amount },
    });
    expect(refund.links.find((l: { rel: string }) => l.rel === 'up').href).toBe(`${sandbox.baseUrl}/v2/payments/captures/0JF852973C016714D`);
    deliver('W10-capture-refunded-zencart-2018');
  });

  it('W21: subscription I-E27EVWPC60XD on the seeded plan P-29P74184YY2575448MBXDWAA', async () => {
    sandbox.control.reserveIds('subscription', ['I-E27EVWPC60XD']);
    expect(await subscription(W21_PLAN)).toBe('I-E27EVWPC60XD');
    const { resource } = vector('W21-subscription-activated-sandbox-2021').json;
    expect(await get('/v1/billing/subscriptions/I-E27EVWPC60XD')).toMatchObject({
      id: resource.id, plan_id: resource.plan_id, status: 'ACTIVE',
      billing_info: { last_payment: { amount: resource.billing_info.last_payment.amount } },
    });
    deliver('W21-subscription-activated-sandbox-2021');
  });

  it('W12: sale 5CS38179PL895402Y of subscription I-0HNJGFKLTLMP', async () => {
    sandbox.control.reserveIds('subscription', ['I-0HNJGFKLTLMP']);
    sandbox.control.reserveIds('sale', ['5CS38179PL895402Y']);
    await subscription('P-HBVECTORS1490');
    const { resource } = vector('W12-sale-completed-subscription-sandbox-2023-09').json;
    expect(await get('/v1/payments/sale/5CS38179PL895402Y')).toMatchObject({
      id: resource.id, state: 'completed', billing_agreement_id: resource.billing_agreement_id, amount: resource.amount,
    });
    deliver('W12-sale-completed-subscription-sandbox-2023-09');
  });

  it('W16: refund 6YX43824R4443062K of sale 9T0916710M1105906, found from the refund', async () => {
    sandbox.control.reserveIds('sale', ['9T0916710M1105906']);
    sandbox.control.reserveIds('refund', ['6YX43824R4443062K']);
    await subscription('P-HBVECTORS0900');
    sandbox.control.refundSale('9T0916710M1105906', '0.01');
    expect(await get('/v1/payments/refund/6YX43824R4443062K')).toMatchObject({
      id: '6YX43824R4443062K', sale_id: '9T0916710M1105906', state: 'completed', amount: { total: '0.01', currency: 'USD' },
    });
    expect((await get('/v1/payments/sale/9T0916710M1105906')).state).toBe('partially_refunded');
    deliver('W16-sale-refunded-simulator-2024');
  });

  it('W20: sale 80021663DE681814L reversed by refund 77689802DL785834G, found from either id', async () => {
    sandbox.control.reserveIds('sale', ['80021663DE681814L']);
    sandbox.control.reserveIds('refund', ['77689802DL785834G']);
    await subscription('P-HBVECTORS0049');
    sandbox.control.reverseSale('80021663DE681814L');
    expect(await get('/v1/payments/refund/77689802DL785834G')).toMatchObject({
      sale_id: '80021663DE681814L', amount: { total: '0.49', currency: 'USD' },
    });
    expect((await get('/v1/payments/sale/80021663DE681814L')).state).toBe('reversed');
    deliver('W20-sale-reversed-docs-sample-2014');
  });

  it('W26: dispute PP-000-042-663-135 on capture 00D10444LD479031K', async () => {
    sandbox.control.reserveIds('capture', ['00D10444LD479031K']);
    sandbox.control.reserveIds('dispute', ['PP-000-042-663-135']);
    const id = await order('3.00');
    sandbox.control.approveOrder(id);
    sandbox.control.captureOrder(id);
    sandbox.control.openDispute('00D10444LD479031K');
    const { resource } = vector('W26-dispute-created-2018-docs').json;
    expect(await get('/v1/customer/disputes/PP-000-042-663-135')).toMatchObject({
      dispute_id: resource.dispute_id, dispute_amount: resource.dispute_amount, status: 'OPEN',
      disputed_transactions: [{ seller_transaction_id: '00D10444LD479031K' }],
    });
    deliver('W26-dispute-created-2018-docs');
  });

  it('delivered only the genuine bodies, each byte for byte', async () => {
    await sandbox.control.settle();
    const bodies = listener.received.slice(receivedBefore).map((d) => d.body);
    expect(bodies.sort()).toEqual(delivered.map((name) => vector(name).text).sort());
    expect(sandbox.control.listEvents().slice(eventsBefore).map((e) => e.id)).toEqual(delivered.map((name) => vector(name).json.id));
  });
});
