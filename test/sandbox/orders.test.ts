// Orders v2: create (both context styles, Prefer, PayPal-Request-Id), validation errors, GET before and after
// approval and capture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { approvedOrder, capturedOrder, createOrder, link, orderBody, startHarness, type Json, type OrdersHarness } from './support-orders';

let h: OrdersHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const PAYPAL_ID = /^[A-Z0-9]{17}$/;

async function create(body: unknown, headers: Record<string, string> = {}) {
  return h.call('POST', '/v2/checkout/orders', { body, headers });
}

function withUnit(unit: Json): Json {
  return { intent: 'CAPTURE', purchase_units: [unit] };
}

describe('POST /v2/checkout/orders', () => {
  it('answers experience_context with PAYER_ACTION_REQUIRED and a payer-action link', async () => {
    const { status, body } = await create(orderBody());
    expect(status).toBe(201);
    expect(body.id).toMatch(PAYPAL_ID);
    expect(body.status).toBe('PAYER_ACTION_REQUIRED');
    expect(body.payment_source).toEqual({ paypal: {} });
    expect(body.links).toEqual([
      { href: `${h.sandbox.baseUrl}/v2/checkout/orders/${body.id}`, rel: 'self', method: 'GET' },
      { href: `${h.sandbox.baseUrl}/checkoutnow?token=${body.id}`, rel: 'payer-action', method: 'GET' },
    ]);
    expect(body.purchase_units).toBeUndefined(); // minimal unless asked for the representation
  });

  it('answers legacy application_context with CREATED and an approve link', async () => {
    const { status, body } = await create(orderBody({ legacy: true }));
    expect(status).toBe(201);
    expect(body.status).toBe('CREATED');
    expect(body.payment_source).toBeUndefined();
    expect(link(body, 'approve')).toEqual({ href: `${h.sandbox.baseUrl}/checkoutnow?token=${body.id}`, rel: 'approve', method: 'GET' });
    expect(link(body, 'capture')?.method).toBe('POST');
  });

  it('returns the full order with Prefer: return=representation', async () => {
    const { body } = await create(orderBody({ customId: 'chk_42', invoiceId: 'INV-42', amount: '49' }), {
      prefer: 'return=representation',
    });
    expect(body).toMatchObject({
      intent: 'CAPTURE',
      status: 'PAYER_ACTION_REQUIRED',
      purchase_units: [
        {
          reference_id: 'default',
          amount: { currency_code: 'USD', value: '49.00' },
          custom_id: 'chk_42',
          invoice_id: 'INV-42',
          description: 'Hardbound Enterprise (lifetime)',
          payee: { email_address: expect.any(String), merchant_id: expect.stringMatching(/^[A-Z0-9]{13}$/) },
        },
      ],
    });
    expect(body.create_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(body.payer).toBeUndefined();
    expect(body.purchase_units[0].shipping).toBeUndefined();
  });

  it('keeps JPY amounts without decimals', async () => {
    const { body } = await create(orderBody({ currency: 'JPY', amount: '5000' }), { prefer: 'return=representation' });
    expect(body.purchase_units[0].amount).toEqual({ currency_code: 'JPY', value: '5000' });
  });

  it('gives the same order for the same PayPal-Request-Id', async () => {
    const headers = { 'paypal-request-id': `create-${Date.now()}` };
    const first = await create(orderBody(), headers);
    const again = await create(orderBody({ amount: '99.00' }), headers);
    const other = await create(orderBody(), { 'paypal-request-id': `other-${Date.now()}` });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(other.body.id).not.toBe(first.body.id);
  });
});

describe('POST /v2/checkout/orders validation', () => {
  const unit = { amount: { currency_code: 'USD', value: '10.00' } };

  it.each([
    ['a missing intent', { purchase_units: [unit] }, '/intent', 'MISSING_REQUIRED_PARAMETER'],
    ['an unknown intent', { intent: 'SALE', purchase_units: [unit] }, '/intent', 'INVALID_PARAMETER_VALUE'],
    ['missing purchase_units', { intent: 'CAPTURE' }, '/purchase_units', 'MISSING_REQUIRED_PARAMETER'],
    ['empty purchase_units', { intent: 'CAPTURE', purchase_units: [] }, '/purchase_units', 'INVALID_ARRAY_MIN_ITEMS'],
    [
      'eleven purchase_units',
      { intent: 'CAPTURE', purchase_units: Array.from({ length: 11 }, (_, i) => ({ ...unit, reference_id: `u${i}` })) },
      '/purchase_units',
      'INVALID_ARRAY_MAX_ITEMS',
    ],
    ['a missing amount', withUnit({}), "/purchase_units/@reference_id=='default'/amount", 'MISSING_REQUIRED_PARAMETER'],
    [
      'a numeric amount value',
      withUnit({ amount: { currency_code: 'USD', value: 10 } }),
      "/purchase_units/@reference_id=='default'/amount/value",
      'INVALID_PARAMETER_SYNTAX',
    ],
    [
      'a malformed amount value',
      withUnit({ amount: { currency_code: 'USD', value: '10,00' } }),
      "/purchase_units/@reference_id=='default'/amount/value",
      'INVALID_PARAMETER_SYNTAX',
    ],
    [
      'a malformed currency',
      withUnit({ amount: { currency_code: 'usd', value: '10.00' } }),
      "/purchase_units/@reference_id=='default'/amount/currency_code",
      'INVALID_CURRENCY_CODE',
    ],
    [
      'a 128-character custom_id',
      withUnit({ ...unit, custom_id: 'c'.repeat(128) }),
      "/purchase_units/@reference_id=='default'/custom_id",
      'INVALID_STRING_LENGTH',
    ],
    [
      'a 128-character invoice_id',
      withUnit({ ...unit, invoice_id: 'i'.repeat(128) }),
      "/purchase_units/@reference_id=='default'/invoice_id",
      'INVALID_STRING_LENGTH',
    ],
    [
      'a relative return_url',
      { ...withUnit(unit), payment_source: { paypal: { experience_context: { return_url: '/return' } } } },
      '/payment_source/paypal/experience_context/return_url',
      'INVALID_PARAMETER_SYNTAX',
    ],
  ])('answers %s with 400 INVALID_REQUEST', async (_name, body, field, issue) => {
    const { status, body: error } = await create(body);
    expect(status).toBe(400);
    expect(error).toMatchObject({
      name: 'INVALID_REQUEST',
      message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
      details: [{ field, issue, location: 'body', description: expect.any(String) }],
    });
    expect(error.debug_id).toMatch(/^[0-9a-f]{13}$/);
    expect(error.links[0].rel).toBe('information_link');
  });

  it('accepts custom_id and invoice_id of exactly 127 characters', async () => {
    const { status } = await create(withUnit({ ...unit, custom_id: 'c'.repeat(127), invoice_id: 'i'.repeat(127) }));
    expect(status).toBe(201);
  });

  it.each([
    ['intent AUTHORIZE', { intent: 'AUTHORIZE', purchase_units: [unit] }, 'UNSUPPORTED_INTENT'],
    ['a zero amount', withUnit({ amount: { currency_code: 'USD', value: '0.00' } }), 'CANNOT_BE_ZERO_OR_NEGATIVE'],
    ['a negative amount', withUnit({ amount: { currency_code: 'USD', value: '-5.00' } }), 'CANNOT_BE_ZERO_OR_NEGATIVE'],
    ['three decimals', withUnit({ amount: { currency_code: 'USD', value: '1.005' } }), 'DECIMAL_PRECISION'],
    ['decimals in JPY', withUnit({ amount: { currency_code: 'JPY', value: '100.5' } }), 'DECIMALS_NOT_SUPPORTED'],
    ['an unsupported currency', withUnit({ amount: { currency_code: 'XYZ', value: '1.00' } }), 'CURRENCY_NOT_SUPPORTED'],
    ['two units without reference ids', { intent: 'CAPTURE', purchase_units: [unit, unit] }, 'REFERENCE_ID_REQUIRED'],
    [
      'two units with one reference id',
      { intent: 'CAPTURE', purchase_units: [{ ...unit, reference_id: 'a' }, { ...unit, reference_id: 'a' }] },
      'DUPLICATE_REFERENCE_ID',
    ],
    [
      'two currencies',
      {
        intent: 'CAPTURE',
        purchase_units: [
          { ...unit, reference_id: 'a' },
          { reference_id: 'b', amount: { currency_code: 'EUR', value: '1.00' } },
        ],
      },
      'MULTI_CURRENCY_ORDER',
    ],
    ['a card payment source', { ...withUnit(unit), payment_source: { card: {} } }, 'PAYMENT_SOURCE_NOT_SUPPORTED'],
  ])('answers %s with 422 UNPROCESSABLE_ENTITY', async (_name, body, issue) => {
    const { status, body: error } = await create(body);
    expect(status).toBe(422);
    expect(error.name).toBe('UNPROCESSABLE_ENTITY');
    expect(error.details[0].issue).toBe(issue);
  });

  it('answers malformed JSON with 400 MALFORMED_REQUEST_JSON', async () => {
    const res = await fetch(`${h.sandbox.baseUrl}/v2/checkout/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.token}`, 'content-type': 'application/json' },
      body: '{"intent":',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).details[0].issue).toBe('MALFORMED_REQUEST_JSON');
  });
});

describe('GET /v2/checkout/orders/{id}', () => {
  it('answers an unknown id with 404 RESOURCE_NOT_FOUND', async () => {
    const { status, body } = await h.call('GET', '/v2/checkout/orders/0VF52814937998046');
    expect(status).toBe(404);
    expect(body).toMatchObject({
      name: 'RESOURCE_NOT_FOUND',
      message: 'The specified resource does not exist.',
      details: [{ issue: 'INVALID_RESOURCE_ID', field: 'order_id', value: '0VF52814937998046', location: 'path' }],
    });
  });

  it('shows a created order without payer details', async () => {
    const id = await createOrder(h, { customId: 'chk_get' });
    const { status, body } = await h.call('GET', `/v2/checkout/orders/${id}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id, intent: 'CAPTURE', status: 'PAYER_ACTION_REQUIRED' });
    expect(body.purchase_units[0].custom_id).toBe('chk_get');
    expect(body.payer).toBeUndefined();
  });

  it('shows the payer and shipping once approved', async () => {
    const id = await approvedOrder(h);
    const { body } = await h.call('GET', `/v2/checkout/orders/${id}`);
    expect(body.status).toBe('APPROVED');
    expect(body.payer).toEqual({
      name: { given_name: DEFAULT_BUYER.givenName, surname: DEFAULT_BUYER.surname },
      email_address: DEFAULT_BUYER.email,
      payer_id: DEFAULT_BUYER.payerId,
      address: { country_code: 'US' },
    });
    expect(body.payment_source.paypal).toMatchObject({ email_address: DEFAULT_BUYER.email, account_id: DEFAULT_BUYER.payerId });
    expect(body.purchase_units[0].shipping).toEqual({
      name: { full_name: `${DEFAULT_BUYER.givenName} ${DEFAULT_BUYER.surname}` },
      address: {
        address_line_1: DEFAULT_BUYER.address.line1,
        address_line_2: DEFAULT_BUYER.address.line2,
        admin_area_2: DEFAULT_BUYER.address.city,
        admin_area_1: DEFAULT_BUYER.address.state,
        postal_code: DEFAULT_BUYER.address.postalCode,
        country_code: 'US',
      },
    });
    expect(link(body, 'capture')).toEqual({ href: `${h.sandbox.baseUrl}/v2/checkout/orders/${id}/capture`, rel: 'capture', method: 'POST' });
    expect(link(body, 'payer-action')).toBeUndefined();
  });

  it('shows the captures once captured', async () => {
    const { orderId, capture } = await capturedOrder(h);
    const { body } = await h.call('GET', `/v2/checkout/orders/${orderId}`);
    expect(body.status).toBe('COMPLETED');
    expect(body.purchase_units[0].payments.captures).toEqual([capture]);
    expect(body.links.map((l: Json) => l.rel)).toEqual(['self']);
  });
});
