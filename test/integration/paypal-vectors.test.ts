// PayPal's own bodies end to end: every genuine webhook body in test/fixtures/paypal/paypal-real/ (sources in its
// SOURCES.md) and the three signed 2015/2016 SDK deliveries reach the real server through the sandbox, with the
// resources each names made real under exactly its ids. The checkouts are created through our server (so the
// vector's order or subscription is bound to our checkout when it is created), the buyer approves on the hosted
// page, what PayPal did next (capture, renewal, refund, reversal, dispute…) is acted out on the sandbox with its
// own webhooks off, and then only the genuine body is delivered, byte for byte, signed by the sandbox for the
// server's listener on the clock both share (the bodies' create_time, 2014–2024, plays no part).
//
// The server runs in remote mode against the sandbox as an external PayPal, so that its recurring plans map to
// the PayPal plan ids the vectors name. Vectors whose ids clash (W02 and W08 share order 5O190127TN364715T) run
// in separate worlds; so do W16 and W20, whose sales the server learns by reconciliation, which must not touch
// the other vectors' checkouts.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import { AdjustableClock } from '../../common/clock';
import type { Plan } from '../../common/plans';
import { resolvePayPal } from '../../launch/paypal-connection';
import { configFromEnv } from '../../server/config/env';
import { createLogger } from '../../server/observability/logger';
import { PayPalAccount } from '../../server/providers/paypal/account';
import { ACTED_ON_EVENT_TYPES } from '../../server/providers/paypal/translate';
import { startServer } from '../../server/server';
import { startSandbox, type Sandbox, type SeedPlan } from '../../sandbox/index';
import { vector } from '../sandbox/support-vectors';
import { paypalVector } from '../support/paypal-vectors';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, poll, refresh, UNLIMITED_CHECKOUTS, type Harness } from './harness';
import { dumpTables, pointServerListener, rawDatabaseText, sandboxToken, webhookCount, webhookUrl } from './support-webhooks';

// ---- what the server sells: one plan per vector, priced as the vector's payment ------------------------------

const oneTime = (id: string, price: string, currency: string): Plan => ({
  id, name: `Enterprise ${id}`, tier: 'enterprise', price, currency, billing: { kind: 'one_time' },
});
const monthly = (id: string, price: string): Plan => ({
  id, name: `Enterprise ${id}`, tier: 'enterprise', price, currency: 'USD', billing: { kind: 'recurring', interval: 'month', intervalCount: 1 },
});

const PLANS: Plan[] = [
  // W01's order was an Indian merchant's, in INR, which PayPal takes from in-country India accounts only; the
  // sandbox's merchant is not one (CURRENCY_NOT_SUPPORTED), and the server reads no amount from the body.
  oneTime('vec-w01', '120.25', 'USD'),
  oneTime('vec-w02', '100.00', 'EUR'),
  oneTime('vec-w07', '2.51', 'USD'),
  // W10 refunds 0.99 and shows 1.98 refunded in all: two refunds of 0.99 empty a 1.98 capture.
  oneTime('vec-w10', '1.98', 'USD'),
  oneTime('vec-w26', '3.00', 'USD'),
  monthly('vec-w12', '14.90'),
  monthly('vec-w16', '0.01'),
  monthly('vec-w20', '0.49'),
  monthly('vec-w21', '100.00'),
  monthly('vec-w22', '11.00'),
  monthly('vec-w25', '500.00'),
];

/** Our recurring plan → the PayPal plan: the vector's own where it names one. */
const PAYPAL_PLANS: Record<string, string> = {
  'vec-w12': 'P-HBVECTORSW12MONTHLY',
  'vec-w16': 'P-HBVECTORSW16MONTHLY',
  'vec-w20': 'P-HBVECTORSW20MONTHLY',
  'vec-w21': 'P-29P74184YY2575448MBXDWAA',
  'vec-w22': 'P-54784117B2433041XMAXA4KQ',
  'vec-w25': 'P-5ML4271244454362WXNWU5NQ',
};

const SEED_PLANS: SeedPlan[] = PLANS.filter((p) => p.billing.kind === 'recurring').map((p) => ({
  id: PAYPAL_PLANS[p.id]!, productName: 'Hardbound Enterprise', name: p.name, interval: { unit: 'MONTH', count: 1 },
  price: { currency_code: p.currency, value: p.price },
}));

// ---- a world: the sandbox as an external PayPal, a listener registered on it, our server in remote mode -------

/** One sandbox and one server sharing one clock (deliveries are signed on it; the server checks freshness on it). */
async function startWorld(options: { reconcile: boolean }): Promise<Harness> {
  const clock = new AdjustableClock();
  const sandbox = await startSandbox({ port: 0, clock, plans: SEED_PLANS, retryDelaysMs: [50, 100, 200], deliveryTimeoutMs: 5_000 });
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-vectors-'));
  try {
    return await startServerFor(sandbox, clock, dataDir, options);
  } catch (error) {
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startServerFor(sandbox: Sandbox, clock: AdjustableClock, dataDir: string, options: { reconcile: boolean }): Promise<Harness> {
  const plansFile = path.join(dataDir, 'plans.json');
  writeFileSync(plansFile, JSON.stringify(PLANS));
  // What `paypal setup` would do: a listener for the event types the server acts on. Its URL is set once the
  // server listens (the id stays, so deliveries are signed for the id the server is configured with).
  const account = new PayPalAccount({ baseUrl: sandbox.baseUrl, ...sandbox.credentials, clock, timeoutMs: 5_000 });
  const listener = await account.createWebhook('http://127.0.0.1:9/not-listening-yet', ACTED_ON_EVENT_TYPES, `hardbound-vectors-${dataDir}`);
  const loaded = configFromEnv({
    HARDBOUND_MODE: 'development', ...UNLIMITED_CHECKOUTS,
    HARDBOUND_DATA_DIR: dataDir, HARDBOUND_PORT: '0', HARDBOUND_LOG_LEVEL: 'info', HARDBOUND_PLANS_FILE: plansFile,
    // The period's run is started by the test (runReconciliation); the job's own ticks would come hours later.
    HARDBOUND_RECONCILE_INTERVAL_SECONDS: options.reconcile ? '86400' : '0',
    PAYPAL_CLIENT_ID: sandbox.credentials.clientId,
    PAYPAL_CLIENT_SECRET: sandbox.credentials.clientSecret,
    PAYPAL_API_BASE: sandbox.baseUrl,
    PAYPAL_SANDBOX_ORIGIN: sandbox.baseUrl,
    PAYPAL_SANDBOX_CA_PEM: sandbox.caCertificatePem,
    PAYPAL_WEBHOOK_ID: listener.id,
    PAYPAL_PLAN_IDS: Object.entries(PAYPAL_PLANS).map(([ours, theirs]) => `${ours}=${theirs}`).join(','),
  });
  if ('problems' in loaded) throw new Error(loaded.problems.join('; '));
  const { config } = loaded;
  expect(config.paypal.mode).toBe('remote');
  const logs: string[] = [];
  const logger = createLogger('info', new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }));
  const { connection } = await resolvePayPal(config);
  const server = await startServer(config, { paypal: connection, clock, logger, paypalTimeoutMs: 5_000 });
  const h: Harness = {
    server, sandbox, config, clock, logs, dataDir,
    async api(method, p, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${server.url}${p}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body: body as never, headers: Object.fromEntries(res.headers) };
    },
    async close() {
      await server.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await pointServerListener(h, webhookUrl(h));
  // Nothing settles on the sandbox's word from here on: only the genuine bodies (and, where a test says so, the
  // one event of a later step) are delivered.
  sandbox.control.setPublishing(false);
  return h;
}

let h: Harness;
/** Event ids of what each world delivered, in order. */
let delivered: string[] = [];

// ---- helpers -------------------------------------------------------------------------------------------------

const OUTCOMES = ['applied', 'duplicate', 'ignored', 'unmatched', 'not_confirmed', 'unreadable'] as const;

interface Delivery {
  /** The server's outcome, from its own webhook counter. */
  outcome: string;
  /** Why it was not confirmed (the audit row), when it was not. */
  notConfirmed: string | null;
  inbox: { eventType: string; resourceId: string; outcome: string }[];
}

/** Delivers `text` byte for byte to the server's listener, signed by the sandbox now, and reads what came of it. */
async function deliverGenuine(text: string): Promise<Delivery> {
  const { id } = JSON.parse(text) as { id: string };
  const before = OUTCOMES.map((o) => webhookCount(h, o));
  h.sandbox.control.deliverEvent(text);
  await h.sandbox.control.settle(10_000);
  const event = h.sandbox.control.listEvents().find((e) => e.id === id);
  expect(event?.body).toBe(text);
  expect(event!.transmissions.map((t) => ({ webhookId: t.webhookId, statusCode: t.statusCode }))).toEqual([{ webhookId: h.server.webhookId, statusCode: 200 }]);
  // Signed on the clock the server reads: fresh, whatever year the body was written in.
  expect(Math.abs(Date.parse(event!.transmissions[0]!.time) - h.clock.now())).toBeLessThan(60_000);
  delivered.push(id);
  const counted = OUTCOMES.filter((o, i) => webhookCount(h, o) > before[i]!);
  expect(counted).toHaveLength(1);
  const db = h.server.store.db;
  const audit = await db.selectFrom('auditLog').select(['reason', 'detailJson']).where('action', '=', 'webhook-not-confirmed').execute();
  const refused = audit.find((row) => (JSON.parse(row.detailJson ?? '{}') as { eventId?: string }).eventId === id);
  const inbox = await db.selectFrom('webhookInbox').select(['eventType', 'resourceId', 'outcome']).where('eventId', '=', id).execute();
  return { outcome: counted[0]!, notConfirmed: refused?.reason ?? null, inbox };
}

const applied = (eventType: string, resourceId: string): Delivery => ({
  outcome: 'applied', notConfirmed: null, inbox: [{ eventType, resourceId, outcome: 'applied' }],
});

/** Buys `plan` through our server for a new machine, the vector's order or subscription id reserved just before. */
async function buy(plan: string, reserve?: { kind: 'order' | 'subscription'; id: string }) {
  const anchor = newAnchor();
  if (reserve) h.sandbox.control.reserveIds(reserve.kind, [reserve.id]);
  const checkout = await createCheckout(h, anchor, plan);
  const db = h.server.store.db;
  const row = await db.selectFrom('checkouts').select(['providerOrderId', 'providerSubscriptionId']).where('id', '=', checkout.checkoutId).executeTakeFirstOrThrow();
  const providerId = row.providerOrderId ?? row.providerSubscriptionId!;
  if (reserve) {
    expect(providerId).toBe(reserve.id);
    // Bound to our checkout from PayPal's own answer at creation.
    expect(await db.selectFrom('providerRefs').select(['kind', 'checkoutId']).where('ref', '=', reserve.id).execute()).toEqual([
      { kind: reserve.kind, checkoutId: checkout.checkoutId },
    ]);
  }
  return { anchor, checkout, providerId };
}

/** The buyer presses Pay on PayPal's hosted page; the redirect back is not followed (the app may never return). */
const buyerApproves = (checkout: CreateCheckoutResponse): Promise<URL> => payOnHostedPage(checkout.approveUrl);

/** The app tells the server the buyer came back (POST /v1/checkouts/:id/return): the server settles it itself. */
async function appReturns(checkout: CreateCheckoutResponse, token: string): Promise<Completed> {
  const res = await h.api<CheckoutView>('POST', `/v1/checkouts/${checkout.checkoutId}/return`, { token: checkout.pollToken, body: { token } });
  expect(res.status).toBe(200);
  return completed(res.body);
}

type Completed = Extract<CheckoutView, { status: 'completed' }>;
function completed(view: CheckoutView): Completed {
  if (view.status !== 'completed') throw new Error(`expected a completed checkout, got ${JSON.stringify(view)}`);
  return view;
}

async function timeline(checkoutId: string) {
  const db = h.server.store.db;
  const license = await db.selectFrom('licenses').select(['id', 'status']).where('checkoutId', '=', checkoutId).executeTakeFirst();
  const events = license
    ? await db.selectFrom('licenseEvents').select(['type', 'transactionId', 'source']).where('licenseId', '=', license.id).orderBy('id').execute()
    : [];
  return { status: license?.status ?? null, events };
}

async function claimsAndLicense(anchor: string, token: string) {
  const r = await refresh(h, anchor, token);
  expect(r.status).toBe(200);
  return { claims: r.body.entitlement.claims, license: r.body.license };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- PayPal's JSON, read field by field
async function paypalGet(apiPath: string): Promise<any> {
  const res = await fetch(`${h.sandbox.baseUrl}${apiPath}`, { headers: { authorization: `Bearer ${await sandboxToken(h)}` } });
  expect(res.status, apiPath).toBe(200);
  return res.json();
}

// ---- world A: every vector whose ids clash with no other -----------------------------------------------------

describe('genuine PayPal bodies delivered to the real server, their resources made real (world A)', () => {
  beforeAll(async () => {
    h = await startWorld({ reconcile: false });
    delivered = [];
  });
  afterAll(async () => {
    await h?.close();
  });

  it('W01 CHECKOUT.ORDER.APPROVED: the app never returns; the server captures the approved order itself', async () => {
    const { json, text } = vector('W01-order-approved-sandbox-2021');
    const { checkout, providerId } = await buy('vec-w01', { kind: 'order', id: json.resource.id });
    await buyerApproves(checkout);
    expect((await paypalApi(h).getOrder(providerId)).status).toBe('APPROVED');
    expect((await poll(h, checkout)).status).toBe('pending');

    expect(await deliverGenuine(text)).toEqual(applied('CHECKOUT.ORDER.APPROVED', '3P70193256757541W'));
    const view = completed(await poll(h, checkout));
    expect(view.license).toMatchObject({ planId: 'vec-w01', status: 'active', tier: 'enterprise', amount: '120.25', currency: 'USD' });
    const order = await paypalGet(`/v2/checkout/orders/${providerId}`);
    expect(order.status).toBe('COMPLETED');
    expect(view.license.transactionId).toBe(order.purchase_units[0].payments.captures[0].id);
  });

  it('W02 PAYMENT.CAPTURE.COMPLETED: custom_id MERCHANT_CUSTOM_ID is not ours, the capture\'s order is: applied', async () => {
    const { json, text } = vector('W02-capture-completed-paypal-docs-apm-2021');
    const orderId = json.resource.supplementary_data.related_ids.order_id as string;
    const { checkout } = await buy('vec-w02', { kind: 'order', id: orderId });
    await buyerApproves(checkout);
    h.sandbox.control.reserveIds('capture', [json.resource.id]);
    h.sandbox.control.captureOrder(orderId);
    // PayPal's capture carries the custom_id our server gave the order; the body's is another merchant's.
    expect(await paypalGet(`/v2/payments/captures/${json.resource.id}`)).toMatchObject({
      id: '84745544P6340640G', status: 'COMPLETED', amount: { value: '100.00', currency_code: 'EUR' }, custom_id: checkout.checkoutId,
    });

    expect(await deliverGenuine(text)).toEqual(applied('PAYMENT.CAPTURE.COMPLETED', '84745544P6340640G'));
    expect(completed(await poll(h, checkout)).license).toMatchObject({
      status: 'active', tier: 'enterprise', transactionId: '84745544P6340640G', amount: '100.00', currency: 'EUR',
    });
  });

  it('W07 PAYMENT.CAPTURE.PENDING: the checkout stays pending, no Enterprise; the capture completing later grants', async () => {
    const { json, text } = vector('W07-capture-pending-zencart-2018');
    const captureId = json.resource.id as string;
    const { checkout, providerId } = await buy('vec-w07', { kind: 'order', id: '8PR65097T8571330M' });
    await buyerApproves(checkout);
    h.sandbox.control.setNextCaptureOutcome('PENDING', 'UNILATERAL');
    h.sandbox.control.reserveIds('capture', [captureId]);
    h.sandbox.control.captureOrder(providerId);
    expect(await paypalGet(`/v2/payments/captures/${captureId}`)).toMatchObject({ status: 'PENDING', status_details: { reason: 'UNILATERAL' }, amount: json.resource.amount });

    expect(await deliverGenuine(text)).toEqual(applied('PAYMENT.CAPTURE.PENDING', captureId));
    expect(await poll(h, checkout)).toEqual({ status: 'pending' });
    expect(await timeline(checkout.checkoutId)).toEqual({
      status: 'pending', events: [{ type: 'payment.pending', transactionId: captureId, source: 'provider' }],
    });

    // The payment clears at PayPal, which says so by its own webhook.
    h.sandbox.control.setPublishing(true);
    try {
      h.sandbox.control.completePendingCapture(captureId);
      await h.sandbox.control.settle(10_000);
    } finally {
      h.sandbox.control.setPublishing(false);
    }
    const completion = h.sandbox.control.listEvents().filter((e) => e.eventType === 'PAYMENT.CAPTURE.COMPLETED' && e.body.includes(captureId));
    expect(completion).toHaveLength(1);
    delivered.push(completion[0]!.id);
    expect(completed(await poll(h, checkout)).license).toMatchObject({ status: 'active', tier: 'enterprise', transactionId: captureId, amount: '2.51', currency: 'USD' });
    expect((await timeline(checkout.checkoutId)).events.map((e) => e.type)).toEqual(['payment.pending', 'payment.completed']);
  });

  it('W10 PAYMENT.CAPTURE.REFUNDED: the capture emptied by the refund it names: refunded, Free at refresh', async () => {
    const { json, text } = vector('W10-capture-refunded-zencart-2018');
    const captureId = '0JF852973C016714D';
    const { anchor, checkout } = await buy('vec-w10');
    const back = await buyerApproves(checkout);
    h.sandbox.control.reserveIds('capture', [captureId]);
    const paid = await appReturns(checkout, back.searchParams.get('token')!);
    expect(paid.license).toMatchObject({ status: 'active', transactionId: captureId });

    h.sandbox.control.refundCapture(captureId, '0.99');
    h.sandbox.control.reserveIds('refund', [json.resource.id]);
    h.sandbox.control.refundCapture(captureId, '0.99');
    expect(await paypalGet(`/v2/payments/refunds/${json.resource.id}`)).toMatchObject({
      status: 'COMPLETED', amount: json.resource.amount,
      seller_payable_breakdown: { total_refunded_amount: json.resource.seller_payable_breakdown.total_refunded_amount },
    });

    expect(await deliverGenuine(text)).toEqual(applied('PAYMENT.CAPTURE.REFUNDED', '1Y107995YT783435V'));
    const { claims, license } = await claimsAndLicense(anchor, paid.entitlement.token);
    expect(license).toMatchObject({ status: 'refunded', transactionId: captureId });
    expect(claims.tier).toBe('free');
  });

  it('W12 PAYMENT.SALE.COMPLETED: the renewal is recorded and the paid-through date advances', async () => {
    const { json, text } = vector('W12-sale-completed-subscription-sandbox-2023-09');
    const subscriptionId = json.resource.billing_agreement_id as string;
    const { anchor, checkout } = await buy('vec-w12', { kind: 'subscription', id: subscriptionId });
    const back = await buyerApproves(checkout);
    const first = await appReturns(checkout, back.searchParams.get('subscription_id')!);
    expect(first.license).toMatchObject({ status: 'active', subscriptionId });

    h.sandbox.control.reserveIds('sale', [json.resource.id]);
    const { sale } = h.sandbox.control.renewSubscription(subscriptionId);
    expect(sale.id).toBe('5CS38179PL895402Y');
    expect(await paypalGet('/v1/payments/sale/5CS38179PL895402Y')).toMatchObject({ state: 'completed', billing_agreement_id: subscriptionId, amount: { total: '14.90', currency: 'USD' } });
    const nextBilling = (await paypalGet(`/v1/billing/subscriptions/${subscriptionId}`)).billing_info.next_billing_time as string;

    expect(await deliverGenuine(text)).toEqual(applied('PAYMENT.SALE.COMPLETED', '5CS38179PL895402Y'));
    const { claims, license } = await claimsAndLicense(anchor, first.entitlement.token);
    expect(license).toMatchObject({ status: 'active', transactionId: '5CS38179PL895402Y', amount: '14.90', currency: 'USD' });
    expect(Date.parse(license!.paidThrough!)).toBeGreaterThan(Date.parse(first.license.paidThrough!));
    expect(Date.parse(license!.paidThrough!)).toBe(Date.parse(nextBilling));
    expect(claims).toMatchObject({ tier: 'enterprise', txn: '5CS38179PL895402Y' });
  });

  it('W21 BILLING.SUBSCRIPTION.ACTIVATED (no custom_id in the body): the app never returns; active', async () => {
    const { json, text } = vector('W21-subscription-activated-sandbox-2021');
    expect(json.resource.custom_id).toBeUndefined();
    const { checkout } = await buy('vec-w21', { kind: 'subscription', id: json.resource.id });
    await buyerApproves(checkout);
    expect(await paypalGet(`/v1/billing/subscriptions/${json.resource.id}`)).toMatchObject({
      status: 'ACTIVE', plan_id: 'P-29P74184YY2575448MBXDWAA', custom_id: checkout.checkoutId,
      billing_info: { last_payment: { amount: json.resource.billing_info.last_payment.amount } },
    });
    expect((await poll(h, checkout)).status).toBe('pending');

    expect(await deliverGenuine(text)).toEqual(applied('BILLING.SUBSCRIPTION.ACTIVATED', 'I-E27EVWPC60XD'));
    expect(completed(await poll(h, checkout)).license).toMatchObject({
      planId: 'vec-w21', status: 'active', tier: 'enterprise', subscriptionId: 'I-E27EVWPC60XD',
    });
  });

  it('W22 BILLING.SUBSCRIPTION.CANCELLED: canceled, Enterprise until the paid-through date', async () => {
    const { json, text } = vector('W22-subscription-cancelled-sandbox-2021');
    const subscriptionId = json.resource.id as string;
    const { anchor, checkout } = await buy('vec-w22', { kind: 'subscription', id: subscriptionId });
    const back = await buyerApproves(checkout);
    const paid = await appReturns(checkout, back.searchParams.get('subscription_id')!);
    h.sandbox.control.cancelSubscription(subscriptionId, json.resource.status_change_note);
    expect((await paypalGet(`/v1/billing/subscriptions/${subscriptionId}`)).status).toBe('CANCELLED');

    expect(await deliverGenuine(text)).toEqual(applied('BILLING.SUBSCRIPTION.CANCELLED', subscriptionId));
    const { claims, license } = await claimsAndLicense(anchor, paid.entitlement.token);
    expect(license).toMatchObject({ status: 'canceled', paidThrough: paid.license.paidThrough, accessEndsAt: paid.license.paidThrough });
    expect(claims.tier).toBe('enterprise');
  });

  it('W25 BILLING.SUBSCRIPTION.PAYMENT.FAILED: past due, as PayPal shows last_failed_payment', async () => {
    const { json, text } = vector('W25-subscription-payment-failed-simulator-2024');
    const subscriptionId = json.resource.id as string;
    const { anchor, checkout } = await buy('vec-w25', { kind: 'subscription', id: subscriptionId });
    const back = await buyerApproves(checkout);
    const paid = await appReturns(checkout, back.searchParams.get('subscription_id')!);
    // Two declined attempts, as the body counts; the plan suspends at three.
    h.sandbox.control.failRenewal(subscriptionId);
    h.sandbox.control.failRenewal(subscriptionId);
    const shown = await paypalGet(`/v1/billing/subscriptions/${subscriptionId}`);
    expect(shown).toMatchObject({ status: 'ACTIVE', plan_id: json.resource.plan_id, billing_info: { failed_payments_count: 2 } });
    expect(shown.billing_info.last_failed_payment).toMatchObject({ amount: { currency_code: 'USD' }, time: expect.any(String) });

    expect(await deliverGenuine(text)).toEqual(applied('BILLING.SUBSCRIPTION.PAYMENT.FAILED', subscriptionId));
    const { claims, license } = await claimsAndLicense(anchor, paid.entitlement.token);
    expect(license?.status).toBe('past_due');
    // Within the grace period a past-due subscriber keeps Enterprise.
    expect(claims).toMatchObject({ tier: 'enterprise', status: 'past_due' });
  });

  it('W26 CUSTOMER.DISPUTE.CREATED: the dispute over the license\'s capture flags it disputed', async () => {
    const { json, text } = vector('W26-dispute-created-2018-docs');
    const captureId = json.resource.disputed_transactions[0].seller_transaction_id as string;
    const { anchor, checkout } = await buy('vec-w26');
    const back = await buyerApproves(checkout);
    h.sandbox.control.reserveIds('capture', [captureId]);
    const paid = await appReturns(checkout, back.searchParams.get('token')!);
    expect(paid.license.transactionId).toBe(captureId);
    h.sandbox.control.reserveIds('dispute', [json.resource.dispute_id]);
    h.sandbox.control.openDispute(captureId);
    expect(await paypalGet(`/v1/customer/disputes/${json.resource.dispute_id}`)).toMatchObject({
      status: 'OPEN', dispute_amount: json.resource.dispute_amount, disputed_transactions: [{ seller_transaction_id: captureId }],
    });

    expect(await deliverGenuine(text)).toEqual(applied('CUSTOMER.DISPUTE.CREATED', 'PP-000-042-663-135'));
    const { license } = await claimsAndLicense(anchor, paid.entitlement.token);
    expect(license).toMatchObject({ status: 'disputed', transactionId: captureId });
    expect((await timeline(checkout.checkoutId)).events.map((e) => e.type)).toEqual(['payment.completed', 'dispute.opened']);
  });

  it('the sandbox delivered nothing but the genuine bodies (and W07\'s later completion)', () => {
    expect(h.sandbox.control.listEvents().map((e) => e.id)).toEqual(delivered);
  });

  it('no payer data from the vectors reaches the database file or the logs', () => {
    const pii: Record<string, string> = {
      'W01 payer email': 'sb-7j8uy5108762@personal.example.com',
      'W01 payee email': 'sb-8ndyy5108314@business.example.com',
      'W01 payer id': 'GED5L2T99B84A',
      'W01 given name': 'John',
      'W01 surname': 'Doe',
      'W01 address': 'Raheja Residency',
      'W01 postal code': '400097',
      'W21 email': 'sb-tv9k475020577@personal.example.com',
      'W21 payer id': '76G5FYZ8TBNHL',
      'W21 address': 'ESpachstr. 1',
      'W22 email': 'sb-flr0k5150019@personal.example.com',
      'W22 payer id': '2GRYK9AY6RNE4',
      'W22 address': '2211 N First Street',
      'W25 email': 'customer@example.com',
      'W25 payer id': '2J6QB8YJQSJRJ',
      'W26 buyer message': 'qwqwqwq',
    };
    const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    // Digits must stand alone (a postal code inside a timestamp is no leak).
    const pattern = (value: string): RegExp => (/^\d+$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`) : new RegExp(escape(value)));
    const leaksIn = (text: string): string[] => Object.entries(pii).filter(([, value]) => pattern(value).test(text)).map(([name]) => name);

    // The deliveries did carry every one of them to the server.
    const bodies = h.sandbox.control.listEvents().map((e) => e.body).join('\n');
    expect(leaksIn(bodies).sort()).toEqual(Object.keys(pii).sort());
    expect(leaksIn(JSON.stringify(dumpTables(h)))).toEqual([]);
    expect(leaksIn(rawDatabaseText(h))).toEqual([]);
    expect(h.logs.length).toBeGreaterThan(0);
    expect(leaksIn(h.logs.join(''))).toEqual([]);
  });
});

// ---- world B: W08 (its order is W02's), W16 and W20 (their first sales learnt by reconciliation), the SDK bodies

describe('genuine PayPal bodies delivered to the real server, their resources made real (world B)', () => {
  beforeAll(async () => {
    h = await startWorld({ reconcile: true });
    delivered = [];
  });
  afterAll(async () => {
    await h?.close();
  });

  // Each subscription's first sale is the vector's; the server learns the activation from the app's return and
  // the sale (which no webhook announces here) from its own reconciliation, as it would had PayPal's
  // PAYMENT.SALE.COMPLETED gone missing: the sale is then the license's current one.
  const subscribed = new Map<'w16' | 'w20', { anchor: string; token: string }>();
  const subscriber = (key: 'w16' | 'w20') => {
    const found = subscribed.get(key);
    if (!found) throw new Error(`the ${key} subscription was not set up`);
    return found;
  };

  it('W16 and W20 set-up: subscriptions whose first sales are the vectors\', recorded by reconciliation', async () => {
    for (const [key, sale] of [['w16', '9T0916710M1105906'], ['w20', '80021663DE681814L']] as const) {
      const { anchor, checkout, providerId } = await buy(`vec-${key}`);
      h.sandbox.control.reserveIds('sale', [sale]);
      const back = await buyerApproves(checkout);
      const paid = await appReturns(checkout, back.searchParams.get('subscription_id')!);
      expect(paid.license).toMatchObject({ status: 'active', subscriptionId: providerId, transactionId: null });
      expect(await paypalGet(`/v1/payments/sale/${sale}`)).toMatchObject({ state: 'completed', billing_agreement_id: providerId });
      subscribed.set(key, { anchor, token: paid.entitlement.token });
    }
    expect(await h.server.runReconciliation()).toBe('ran');
    expect((await claimsAndLicense(subscriber('w16').anchor, subscriber('w16').token)).license?.transactionId).toBe('9T0916710M1105906');
    expect((await claimsAndLicense(subscriber('w20').anchor, subscriber('w20').token)).license?.transactionId).toBe('80021663DE681814L');
  });

  it('W16 PAYMENT.SALE.REFUNDED (negative total, sale_id): the license\'s current sale refunded: refunded, Free', async () => {
    const { json, text } = vector('W16-sale-refunded-simulator-2024');
    expect(json.resource.amount.total).toBe('-0.01');
    h.sandbox.control.reserveIds('refund', [json.resource.id]);
    h.sandbox.control.refundSale(json.resource.sale_id, '0.01');
    expect(await paypalGet(`/v1/payments/refund/${json.resource.id}`)).toMatchObject({ sale_id: '9T0916710M1105906', state: 'completed', amount: { total: '0.01', currency: 'USD' } });

    expect(await deliverGenuine(text)).toEqual(applied('PAYMENT.SALE.REFUNDED', '6YX43824R4443062K'));
    const { claims, license } = await claimsAndLicense(subscriber('w16').anchor, subscriber('w16').token);
    expect(license).toMatchObject({ status: 'refunded', transactionId: '9T0916710M1105906' });
    expect(claims.tier).toBe('free');
  });

  it('W20 PAYMENT.SALE.REVERSED (PayPal\'s documented shape: the resource is the sale, its self link the refund): reversed', async () => {
    const { json, text } = vector('W20-sale-reversed-docs-sample-2014');
    expect(json.resource.sale_id).toBeUndefined();
    h.sandbox.control.reserveIds('refund', ['77689802DL785834G']);
    h.sandbox.control.reverseSale(json.resource.id);
    expect(await paypalGet('/v1/payments/refund/77689802DL785834G')).toMatchObject({ sale_id: '80021663DE681814L', amount: { total: '0.49', currency: 'USD' } });
    expect((await paypalGet('/v1/payments/sale/80021663DE681814L')).state).toBe('reversed');

    const delivery = await deliverGenuine(text);
    expect(delivery).toMatchObject({ outcome: 'applied', notConfirmed: null });
    expect(delivery.inbox).toEqual([{ eventType: 'PAYMENT.SALE.REVERSED', resourceId: '77689802DL785834G', outcome: 'applied' }]);
    const { claims, license } = await claimsAndLicense(subscriber('w20').anchor, subscriber('w20').token);
    expect(license).toMatchObject({ status: 'reversed', transactionId: '80021663DE681814L' });
    expect(claims.tier).toBe('free');
  });

  it('W08 PAYMENT.CAPTURE.DENIED (status DECLINED): the pending capture denied: the checkout failed, no Enterprise', async () => {
    const { json, text } = vector('W08-capture-denied-paypal-docs-apm-2021');
    const orderId = json.resource.supplementary_data.related_ids.order_id as string;
    const { checkout } = await buy('vec-w02', { kind: 'order', id: orderId });
    await buyerApproves(checkout);
    // Pay upon Invoice: the capture waits, then PayPal denies it.
    h.sandbox.control.setNextCaptureOutcome('PENDING');
    h.sandbox.control.reserveIds('capture', [json.resource.id]);
    h.sandbox.control.captureOrder(orderId);
    h.sandbox.control.denyPendingCapture(json.resource.id);
    expect(await paypalGet(`/v2/payments/captures/${json.resource.id}`)).toMatchObject({ status: 'DECLINED', amount: { value: '100.00', currency_code: 'EUR' } });

    expect(await deliverGenuine(text)).toEqual(applied('PAYMENT.CAPTURE.DENIED', '826413372K501814R'));
    expect(await poll(h, checkout)).toMatchObject({ status: 'failed', reason: expect.any(String) });
    expect(await timeline(checkout.checkoutId)).toEqual({
      status: 'failed', events: [{ type: 'payment.failed', transactionId: '826413372K501814R', source: 'provider' }],
    });
  });

  it('the 2015/2016 SDK PAYMENT.SALE.COMPLETED deliveries (no billing_agreement_id): 200, ignored, nothing written but an inbox row each', async () => {
    const dir = paypalVector('paypal-sdk-2015-2016');
    const deliveries = JSON.parse(readFileSync(path.join(dir, 'signed-deliveries-2015-2016.json'), 'utf8')) as { body_file: string }[];
    expect(deliveries).toHaveLength(3);
    const before = dumpTables(h);
    for (const { body_file: file } of deliveries) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      const body = JSON.parse(text) as { id: string; event_type: string; resource: Record<string, unknown> };
      expect(body.event_type).toBe('PAYMENT.SALE.COMPLETED');
      expect(body.resource.billing_agreement_id).toBeUndefined();
      expect(await deliverGenuine(text)).toEqual({ outcome: 'ignored', notConfirmed: null, inbox: [{ eventType: 'PAYMENT.SALE.COMPLETED', resourceId: '', outcome: 'ignored' }] });
    }
    const after = dumpTables(h);
    const { webhook_inbox: inboxAfter, ...restAfter } = after;
    const { webhook_inbox: inboxBefore, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    expect(inboxAfter!.slice(0, inboxBefore!.length)).toEqual(inboxBefore);
    expect(inboxAfter!.slice(inboxBefore!.length).map((row) => row.event_id).sort()).toEqual(delivered.slice(-3).sort());
  });

  it('the sandbox delivered nothing but the genuine bodies', () => {
    expect(h.sandbox.control.listEvents().map((e) => e.id)).toEqual(delivered);
  });
});
