// PayPalClient against the real sandbox over loopback.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock, type Clock } from '../../common/clock';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { accessToken } from '../sandbox/support-auth';
import { PayPalClient, requestIds, type CreateOrderInput } from '../../server/providers/paypal/client';
import { PayPalApiError } from '../../server/providers/paypal/errors';
import { matchesCheckout, matchesSubscriptionCheckout } from '../../server/providers/paypal/matches-checkout';
import type { Fetch } from '../../server/providers/paypal/transport';
import { PII, SUBSCRIPTION_ID, subscriptionTransaction, subscriptionTransactionsResource } from './paypal-translate-fixtures';

const PLAN_ID = 'P-HARDBOUNDMONTHLY0000000001';
const BUYER_PII = [DEFAULT_BUYER.email, DEFAULT_BUYER.givenName, DEFAULT_BUYER.surname, DEFAULT_BUYER.payerId, DEFAULT_BUYER.phone, DEFAULT_BUYER.address.line1];

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    plans: [
      { id: PLAN_ID, productName: 'Hardbound', name: 'Enterprise monthly', interval: { unit: 'MONTH', count: 1 }, price: { currency_code: 'USD', value: '9.00' } },
    ],
  });
});

afterAll(async () => {
  await sandbox.close();
});

interface Exchange {
  method: string;
  path: string;
  status: number;
}

/** The global fetch, recording each exchange; `rewrite` may alter a request's headers first. */
function recordingFetch(rewrite: (headers: Headers, path: string) => void = () => {}) {
  const exchanges: Exchange[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const path = new URL(String(input)).pathname;
    const headers = new Headers(init?.headers);
    rewrite(headers, path);
    const response = await fetch(input, { ...init, headers });
    exchanges.push({ method: init?.method ?? 'GET', path, status: response.status });
    return response;
  };
  const tokenRequests = () => exchanges.filter((e) => e.path === '/v1/oauth2/token').length;
  return { fetchImpl, exchanges, tokenRequests };
}

function client(options: { clock?: Clock; fetch?: typeof fetch; clientSecret?: string } = {}): PayPalClient {
  return new PayPalClient({
    baseUrl: sandbox.baseUrl,
    clientId: sandbox.credentials.clientId,
    clientSecret: options.clientSecret ?? sandbox.credentials.clientSecret,
    clock: options.clock ?? sandbox.clock,
    timeoutMs: 5_000,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

function order(checkoutId = randomUUID()): CreateOrderInput {
  return {
    checkoutId,
    amount: '49.00',
    currency: 'USD',
    description: 'Hardbound Enterprise (lifetime)',
    brandName: 'Hardbound',
    returnUrl: 'http://127.0.0.1:8787/checkout/return',
    cancelUrl: 'http://127.0.0.1:8787/checkout/cancel',
  };
}

async function rejection(promise: Promise<unknown>): Promise<PayPalApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PayPalApiError)) throw new Error(`expected a PayPalApiError, got ${String(error)}`);
  return error;
}

function expectNoBuyerData(value: unknown): void {
  const text = JSON.stringify(value);
  for (const pii of BUYER_PII) expect(text).not.toContain(pii);
}

describe('access token', () => {
  it('is requested once for many calls, concurrent ones included', async () => {
    const { fetchImpl, tokenRequests } = recordingFetch();
    const paypal = client({ fetch: fetchImpl });
    const { orderId } = await paypal.createOrder(order());
    await Promise.all(Array.from({ length: 10 }, () => paypal.getOrder(orderId)));
    await paypal.getOrder(orderId);
    expect(tokenRequests()).toBe(1);
  });

  it('is renewed shortly before expires_in runs out on the injected clock', async () => {
    const clock = new AdjustableClock();
    const { fetchImpl, tokenRequests } = recordingFetch();
    const paypal = client({ clock, fetch: fetchImpl });
    const { orderId } = await paypal.createOrder(order());
    const lifetimeMs = 32_400_000; // the sandbox's expires_in, as PayPal's
    clock.advance(lifetimeMs - 10 * 60_000);
    await paypal.getOrder(orderId);
    expect(tokenRequests()).toBe(1);
    clock.advance(6 * 60_000);
    await paypal.getOrder(orderId);
    expect(tokenRequests()).toBe(2);
  });

  it('is renewed once when PayPal answers 401 to it, and the call succeeds', async () => {
    let spoil = 1;
    const { fetchImpl, tokenRequests, exchanges } = recordingFetch((headers, path) => {
      if (path !== '/v1/oauth2/token' && spoil-- > 0) headers.set('authorization', 'Bearer A21AAstale');
    });
    const paypal = client({ fetch: fetchImpl });
    const created = await paypal.createOrder(order());
    expect(created.orderId).toMatch(/^[A-Z0-9]{17}$/);
    expect(tokenRequests()).toBe(2);
    expect(exchanges.map((e) => e.status)).toEqual([200, 401, 200, 201]);
  });

  it('a token refused twice is provider_rejected, after one renewal only', async () => {
    const { fetchImpl, tokenRequests } = recordingFetch((headers, path) => {
      if (path !== '/v1/oauth2/token') headers.set('authorization', 'Bearer A21AAstale');
    });
    const error = await rejection(client({ fetch: fetchImpl }).getOrder('5O190127TN364715T'));
    expect(error.code).toBe('provider_rejected');
    expect(error.status).toBe(401);
    expect(tokenRequests()).toBe(2);
  });

  it('wrong client credentials are provider_rejected with the OAuth error name', async () => {
    const error = await rejection(client({ clientSecret: 'not-the-secret' }).createOrder(order()));
    expect(error.code).toBe('provider_rejected');
    expect(error.detail).toMatchObject({ operation: 'getAccessToken', status: 401, paypalName: 'invalid_client' });
  });
});

describe('orders', () => {
  it('create → approve → capture 201 → the same request id replays the same capture (200)', async () => {
    const { fetchImpl, exchanges } = recordingFetch();
    const paypal = client({ fetch: fetchImpl });
    const input = order();
    const created = await paypal.createOrder(input);
    expect(created.status).toBe('PAYER_ACTION_REQUIRED');
    expect(created.approveUrl).toBe(`${sandbox.baseUrl}/checkoutnow?token=${created.orderId}`);
    expect(await paypal.createOrder(input)).toEqual(created);

    sandbox.control.approveOrder(created.orderId);
    const requestId = requestIds.captureOrder(input.checkoutId);
    const first = await paypal.captureOrder(created.orderId, requestId);
    expect(first).toEqual({
      kind: 'captured',
      orderId: created.orderId,
      alreadyCaptured: false,
      capture: {
        id: expect.stringMatching(/^[A-Z0-9]{17}$/),
        status: 'COMPLETED',
        amount: { value: '49.00', currency: 'USD' },
        orderId: created.orderId,
        customId: input.checkoutId,
        invoiceId: input.checkoutId,
        createTime: expect.any(Number),
      },
    });
    const replay = await paypal.captureOrder(created.orderId, requestId);
    expect(replay).toEqual(first);
    const captureCalls = exchanges.filter((e) => e.path.endsWith('/capture')).map((e) => e.status);
    expect(captureCalls).toEqual([201, 200]);
    if (first.kind !== 'captured') throw new Error('not captured');
    expect(matchesCheckout(first.capture, { id: input.checkoutId, amount: '49.00', currency: 'USD' })).toEqual({ ok: true });
  });

  it('a capture under another request id finds the order captured and returns that capture', async () => {
    const paypal = client();
    const input = order();
    const { orderId } = await paypal.createOrder(input);
    sandbox.control.approveOrder(orderId);
    const first = await paypal.captureOrder(orderId, requestIds.captureOrder(input.checkoutId));
    const second = await paypal.captureOrder(orderId, 'another-road');
    if (first.kind !== 'captured') throw new Error('not captured');
    expect(second).toEqual({ ...first, alreadyCaptured: true });
  });

  it('capture before approval → a typed not-approved result', async () => {
    const paypal = client();
    const { orderId } = await paypal.createOrder(order());
    expect(await paypal.captureOrder(orderId, 'early')).toEqual({ kind: 'not-approved', orderId });
  });

  it('the buyer approves on the hosted page; get order and get capture show narrowed views without payer data', async () => {
    const paypal = client();
    const input = order();
    const created = await paypal.createOrder(input);
    const page = await fetch(created.approveUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=pay',
      redirect: 'manual',
    });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toContain(`token=${created.orderId}`);
    const approved = await paypal.getOrder(created.orderId);
    expect(approved).toMatchObject({ id: created.orderId, status: 'APPROVED', customId: input.checkoutId, captures: [] });

    const result = await paypal.captureOrder(created.orderId, requestIds.captureOrder(input.checkoutId));
    if (result.kind !== 'captured') throw new Error('not captured');
    const fetched = await paypal.getCapture(result.capture.id);
    expect(fetched).toEqual(result.capture);
    const completed = await paypal.getOrder(created.orderId);
    expect(completed).toMatchObject({ status: 'COMPLETED', amount: { value: '49.00', currency: 'USD' }, captures: [fetched] });

    const raw = await (await fetch(`${sandbox.baseUrl}/v2/checkout/orders/${created.orderId}`, { headers: { authorization: `Bearer ${await accessToken(sandbox)}` } })).text();
    for (const pii of [DEFAULT_BUYER.email, DEFAULT_BUYER.surname, DEFAULT_BUYER.payerId, DEFAULT_BUYER.address.line1]) expect(raw).toContain(pii);
    expectNoBuyerData([approved, result, fetched, completed]);
  });

  it('a 4xx is provider_rejected with PayPal name and issue, but nothing from the body', async () => {
    const planted = `${DEFAULT_BUYER.email} ${'x'.repeat(200)}`;
    const error = await rejection(client().createOrder({ ...order(), description: planted }));
    expect(error.code).toBe('provider_rejected');
    expect(error.detail).toMatchObject({ operation: 'createOrder', status: 400, paypalName: 'INVALID_REQUEST', issue: 'INVALID_STRING_LENGTH' });
    expect(error.detail.debugId).toMatch(/^[0-9a-f]+$/);
    expect(error.message).not.toContain(DEFAULT_BUYER.email);
    expect(JSON.stringify(error.detail)).not.toContain(DEFAULT_BUYER.email);
  });

  it('unknown resources are not_found; ids that cannot be PayPal\'s never reach the network', async () => {
    const { fetchImpl, exchanges } = recordingFetch();
    const paypal = client({ fetch: fetchImpl });
    expect((await rejection(paypal.getOrder('0000000000000000X'))).code).toBe('not_found');
    expect((await rejection(paypal.getCapture('0000000000000000X'))).detail).toMatchObject({ status: 404, paypalName: 'RESOURCE_NOT_FOUND' });
    const before = exchanges.length;
    expect((await rejection(paypal.getOrder('../../v1/oauth2/token'))).code).toBe('not_found');
    expect((await rejection(paypal.getSubscription('I-ABC/../../x'))).code).toBe('not_found');
    expect(exchanges.length).toBe(before);
  });
});

describe('subscriptions, sales and disputes', () => {
  it('create → approve → active with paid-through date → renewal sale → cancel', async () => {
    const paypal = client();
    const checkoutId = randomUUID();
    const input = { planId: PLAN_ID, checkoutId, brandName: 'Hardbound', returnUrl: 'http://127.0.0.1:8787/checkout/return', cancelUrl: 'http://127.0.0.1:8787/checkout/cancel' };
    const created = await paypal.createSubscription(input);
    expect(created).toEqual({ subscriptionId: expect.stringMatching(/^I-[A-Z0-9]+$/), status: 'APPROVAL_PENDING', approveUrl: expect.stringContaining(`${sandbox.baseUrl}/`) });
    expect(await paypal.createSubscription(input)).toEqual(created);
    const { subscriptionId } = created;

    sandbox.control.approveSubscription(subscriptionId);
    const active = await paypal.getSubscription(subscriptionId);
    expect(active).toMatchObject({ id: subscriptionId, status: 'ACTIVE', planId: PLAN_ID, customId: checkoutId, failedPaymentsCount: 0 });
    expect(active.nextBillingTime).toBeGreaterThan(sandbox.clock.now());
    expect(matchesSubscriptionCheckout(active, { id: checkoutId, planId: PLAN_ID })).toEqual({ ok: true });

    const { sale } = sandbox.control.renewSubscription(subscriptionId);
    const saleId = String(sale.id);
    expect(await paypal.getSale(saleId)).toEqual({
      id: saleId, state: 'completed', amount: { value: '9.00', currency: 'USD' }, billingAgreementId: subscriptionId, createTime: Date.parse(String(sale.create_time)),
    });
    const renewed = await paypal.getSubscription(subscriptionId);
    expect(renewed.nextBillingTime).toBeGreaterThan(active.nextBillingTime ?? Infinity);

    await paypal.cancelSubscription(subscriptionId, 'Cancelled from the app');
    // Cancelled: no next_billing_time any more, but the start, the paid cycles and the plan's cycle remain.
    expect(await paypal.getSubscription(subscriptionId)).toMatchObject({ status: 'CANCELLED', nextBillingTime: null, startTime: active.startTime, cyclesCompleted: 2 });
    expect(await paypal.getPlan(PLAN_ID)).toEqual({ id: PLAN_ID, interval: { unit: 'MONTH', count: 1 } });
    expect((await rejection(paypal.getPlan('P-NOSUCHPLAN0000000000'))).code).toBe('not_found');
    const again = await rejection(paypal.cancelSubscription(subscriptionId, 'twice'));
    expect(again.code).toBe('provider_rejected');
    expect(again.status).toBe(422);
    expectNoBuyerData([active, renewed]);
  });

  it('a dispute on a capture', async () => {
    const paypal = client();
    const input = order();
    const { orderId } = await paypal.createOrder(input);
    sandbox.control.approveOrder(orderId);
    const result = await paypal.captureOrder(orderId, requestIds.captureOrder(input.checkoutId));
    if (result.kind !== 'captured') throw new Error('not captured');
    const opened = sandbox.control.openDispute(result.capture.id);
    const disputeId = String(opened.dispute_id);
    const view = await paypal.getDispute(disputeId);
    const openedAt = Date.parse(String(opened.create_time));
    expect(view).toEqual({ id: disputeId, status: 'OPEN', createTime: openedAt, updateTime: expect.any(Number), outcome: null, transactionIds: [result.capture.id] });
    await sandbox.control.advanceClock(2_000);
    sandbox.control.resolveDispute(disputeId, 'RESOLVED_SELLER_FAVOUR');
    const resolved = await paypal.getDispute(disputeId);
    expect(resolved).toMatchObject({ status: 'RESOLVED', outcome: 'RESOLVED_SELLER_FAVOUR', createTime: openedAt });
    expect(resolved.updateTime).toBeGreaterThan(openedAt);
    expectNoBuyerData(view);
  });
});

describe('refunds: what a refund webhook is checked against', () => {
  async function capturedOrder(paypal: PayPalClient): Promise<string> {
    const input = order();
    const { orderId } = await paypal.createOrder(input);
    sandbox.control.approveOrder(orderId);
    const result = await paypal.captureOrder(orderId, requestIds.captureOrder(input.checkoutId));
    if (result.kind !== 'captured') throw new Error('not captured');
    return result.capture.id;
  }

  async function paidSale(paypal: PayPalClient): Promise<string> {
    const { subscriptionId } = await paypal.createSubscription({
      planId: PLAN_ID, checkoutId: randomUUID(), brandName: 'Hardbound', returnUrl: 'http://127.0.0.1:8787/checkout/return', cancelUrl: 'http://127.0.0.1:8787/checkout/cancel',
    });
    sandbox.control.approveSubscription(subscriptionId);
    return String(sandbox.control.renewSubscription(subscriptionId).sale.id);
  }

  it('GET /v2/payments/refunds/{id}: status, amount, the refunded capture (from its `up` link) and time', async () => {
    const paypal = client();
    const captureId = await capturedOrder(paypal);
    const partial = sandbox.control.refundCapture(captureId, '10.00');
    expect(await paypal.getCaptureRefund(String(partial.id))).toEqual({
      id: partial.id, status: 'COMPLETED', amount: { value: '10.00', currency: 'USD' }, captureId, createTime: Date.parse(String(partial.create_time)),
    });
    const chargeback = sandbox.control.reverseCapture(captureId);
    expect(await paypal.getCaptureRefund(String(chargeback.id))).toMatchObject({ id: chargeback.id, status: 'COMPLETED', amount: { value: '39.00', currency: 'USD' }, captureId });
    expect(await paypal.getCapture(captureId)).toMatchObject({ status: 'REFUNDED' });
    // A capture id is no refund id.
    expect((await rejection(paypal.getCaptureRefund(captureId))).code).toBe('not_found');
  });

  it('GET /v1/payments/refund/{id}: state, the positive amount, the refunded sale and time; reversals too', async () => {
    const paypal = client();
    const saleId = await paidSale(paypal);
    const partial = sandbox.control.refundSale(saleId, '2.50');
    expect(await paypal.getSaleRefund(String(partial.id))).toEqual({
      id: partial.id, state: 'completed', amount: { value: '2.50', currency: 'USD' }, saleId, createTime: Date.parse(String(partial.create_time)),
    });
    const reversal = sandbox.control.reverseSale(saleId);
    expect(await paypal.getSaleRefund(String(reversal.id))).toMatchObject({ id: reversal.id, amount: { value: '6.50', currency: 'USD' }, saleId });
    expect(await paypal.getSale(saleId)).toMatchObject({ id: saleId, state: 'reversed' });
    expect((await rejection(paypal.getSaleRefund(saleId))).code).toBe('not_found');
  });

  it('ids that cannot be PayPal\'s never reach the network', async () => {
    const { fetchImpl, exchanges } = recordingFetch();
    const paypal = client({ fetch: fetchImpl });
    await paypal.getOrder('0000000000000000X').catch(() => undefined);
    const before = exchanges.length;
    expect((await rejection(paypal.getCaptureRefund('../../v1/oauth2/token'))).code).toBe('not_found');
    expect((await rejection(paypal.getSaleRefund('1Y1 07995'))).code).toBe('not_found');
    expect((await rejection(paypal.listSubscriptionTransactions('I-ABC/../x', 0, 1))).code).toBe('not_found');
    expect(exchanges.length).toBe(before);
  });
});

describe('a subscription\'s transactions (GET /v1/billing/subscriptions/{id}/transactions, as PayPal documents it)', () => {
  // The sandbox does not list transactions yet: PayPal's documented answer is served by a scripted transport.
  function scripted(answer: { status: number; body: unknown }) {
    const requests: string[] = [];
    const fetchImpl: Fetch = async (url) => {
      const { pathname } = new URL(url);
      if (pathname === '/v1/oauth2/token') return { status: 200, text: async () => JSON.stringify({ access_token: 'A21AAscripted', expires_in: 32_400 }) };
      requests.push(url);
      return { status: answer.status, text: async () => JSON.stringify(answer.body) };
    };
    const paypal = new PayPalClient({ baseUrl: 'https://api-m.sandbox.paypal.com', clientId: 'c', clientSecret: 's', clock: sandbox.clock, timeoutMs: 5_000, fetch: fetchImpl });
    return { paypal, requests };
  }
  const from = Date.parse('2024-04-01T00:00:00Z');
  const to = Date.parse('2024-08-01T00:00:00Z');

  it('asks for the window PayPal requires and keeps each payment\'s id, status, gross amount and time, no payer data', async () => {
    const body = subscriptionTransactionsResource([
      subscriptionTransaction('TRFGHNJKOIIOJKL', 'COMPLETED', '9.00', '2024-05-01T10:00:01.940Z'),
      subscriptionTransaction('VDFG45345FFGS', 'REFUNDED', '9.00', '2024-06-01T10:00:05Z'),
      subscriptionTransaction('VDFG45345FFGT', 'COMPLETED', '-9.00', '2024-06-03T12:00:00Z'),
    ]);
    const { paypal, requests } = scripted({ status: 200, body });
    const listed = await paypal.listSubscriptionTransactions(SUBSCRIPTION_ID, from, to);
    expect(listed).toEqual([
      { id: 'TRFGHNJKOIIOJKL', status: 'COMPLETED', amount: { value: '9.00', currency: 'USD' }, time: Date.parse('2024-05-01T10:00:01.940Z') },
      { id: 'VDFG45345FFGS', status: 'REFUNDED', amount: { value: '9.00', currency: 'USD' }, time: Date.parse('2024-06-01T10:00:05Z') },
    ]);
    const url = new URL(requests[0]!);
    expect(url.pathname).toBe(`/v1/billing/subscriptions/${SUBSCRIPTION_ID}/transactions`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ start_time: '2024-04-01T00:00:00.000Z', end_time: '2024-08-01T00:00:00.000Z' });
    expect(JSON.stringify(body)).toContain(PII.email);
    for (const pii of Object.values(PII)) expect(JSON.stringify(listed)).not.toContain(pii);
  });

  it('no payments in the window is an empty list; an unknown subscription not_found; an answer of another shape bad_response', async () => {
    expect(await scripted({ status: 200, body: { links: [] } }).paypal.listSubscriptionTransactions(SUBSCRIPTION_ID, from, to)).toEqual([]);
    const missing = await rejection(scripted({ status: 404, body: { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] } }).paypal.listSubscriptionTransactions(SUBSCRIPTION_ID, from, to));
    expect(missing.code).toBe('not_found');
    const odd = await rejection(scripted({ status: 200, body: [] }).paypal.listSubscriptionTransactions(SUBSCRIPTION_ID, from, to));
    expect(odd).toMatchObject({ code: 'provider_unavailable', detail: { operation: 'listSubscriptionTransactions', cause: 'bad_response' } });
  });
});
