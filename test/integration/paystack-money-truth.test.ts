// Paystack beside PayPal on one server: a one-time purchase and a subscription through Paystack (the return road
// and the webhook road both end in transaction/verify), renewals, a failed renewal, not renewing, cancellation,
// refunds and disputes by the same billing policy as PayPal — and the money-truth suite for Paystack: a delivery
// with a valid HMAC whose body (or the transaction it names) lies about the reference, amount, currency, customer
// or plan changes nothing. The buyer's e-mail reaches Paystack and nothing else: no table, file or log line.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse, PlansResponse } from '../../common/api';
import { FakePaystack, PAYSTACK_TEST_KEY } from './paystack-fake';
import { newAnchor, poll, refresh, startHarness, type Harness } from './harness';
import { dumpTables, rawDatabaseText } from './support-webhooks';

const PLAN_CODE = 'PLN_monthlyfake01';
const BUYER_EMAIL = 'ada.obi.buyer@example.com';
const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/paystack/${name}`, 'utf8')) as { event: string; data: Record<string, unknown> };

let h: Harness;
let paystack: FakePaystack;

beforeAll(async () => {
  paystack = await new FakePaystack().start();
  h = await startHarness({
    env: { PAYSTACK_SECRET_KEY: PAYSTACK_TEST_KEY, PAYSTACK_API_BASE: paystack.baseUrl, PAYSTACK_PLAN_CODES: `enterprise-monthly=${PLAN_CODE}` },
  });
});
afterAll(async () => {
  await h?.close();
  await paystack?.close();
});

type Completed = Extract<CheckoutView, { status: 'completed' }>;

async function start(plan: string, anchor = newAnchor(), email: string | undefined = BUYER_EMAIL): Promise<CreateCheckoutResponse & { anchor: string; reference: string }> {
  const res = await h.api<CreateCheckoutResponse>('POST', '/v1/checkouts', { body: { anchor, plan, provider: 'paystack', ...(email ? { email } : {}) } });
  if (res.status !== 201) throw new Error(`create checkout: ${res.status} ${JSON.stringify(res.body)}`);
  const reference = new URL(res.body.approveUrl).pathname.startsWith('/checkout/') ? res.body.checkoutId.replaceAll('_', '.') : '';
  return { ...res.body, anchor, reference };
}

/** The buyer pays on Paystack's page and comes back: the app reports the return with the callback's reference. */
async function buy(plan: string, anchor = newAnchor(), email = BUYER_EMAIL) {
  const c = await start(plan, anchor, email);
  paystack.pay(c.reference);
  const back = await h.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: c.reference } });
  expect(back.body.status).toBe('completed');
  return { ...c, view: back.body as Completed };
}

async function deliver(body: unknown, key?: string) {
  const signed = paystack.sign(body, key);
  return h.api<{ received?: true; outcome?: string; error?: { code: string } }>('POST', '/v1/webhooks/paystack', { body: signed.body, headers: signed.headers });
}

/** A documented body with our ids put where Paystack puts them. */
function event(name: string, data: Record<string, unknown>) {
  const body = fixture(name);
  return { ...body, data: { ...body.data, ...data } };
}

const state = (view: Completed) => refreshOf(view);
async function refreshOf(view: Completed) {
  const r = await refresh(h, view.entitlement.claims.sub, view.entitlement.token);
  return { status: r.body.license?.status, tier: r.body.entitlement.claims.tier, paidThrough: r.body.license?.paidThrough ?? null };
}

/** Every table but the inbox and the audit log (a refused lie may add rows there), plus what the app is told. */
async function snapshot(views: Completed[]) {
  const { webhook_inbox: _inbox, audit_log: _audit, ...tables } = dumpTables(h);
  return { tables, access: await Promise.all(views.map(refreshOf)) };
}

describe('choosing Paystack', () => {
  it('GET /v1/plans names each plan\'s providers: a recurring plan only where the provider has its plan', async () => {
    const res = await h.api<PlansResponse>('GET', '/v1/plans');
    const providers = Object.fromEntries(res.body.plans.map((p) => [p.id, p.providers]));
    expect(providers).toEqual({ 'enterprise-lifetime': ['paypal', 'paystack'], 'enterprise-monthly': ['paypal', 'paystack'], 'enterprise-annual': ['paypal'] });
    expect(res.body.providers).toEqual([
      expect.objectContaining({ id: 'paypal', name: 'PayPal', requiresEmail: false }),
      { id: 'paystack', name: 'Paystack', requiresEmail: true, checkoutHosts: [new URL(paystack.baseUrl).host] },
    ]);
  });

  it('refuses a Paystack checkout without the buyer\'s e-mail, a provider that does not sell the plan, and an unknown one', async () => {
    const anchor = newAnchor();
    const noEmail = await h.api<{ error: { code: string; message: string } }>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime', provider: 'paystack' } });
    expect(noEmail.status).toBe(400);
    expect(noEmail.body.error.code).toBe('email_required');
    const badEmail = await h.api<{ error: { code: string } }>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime', provider: 'paystack', email: 'not an address' } });
    expect(badEmail.body.error.code).toBe('invalid_email');
    const notSold = await h.api<{ error: { code: string } }>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-annual', provider: 'paystack', email: BUYER_EMAIL } });
    expect([notSold.status, notSold.body.error.code]).toEqual([409, 'provider_not_offered']);
    const unknown = await h.api<{ error: { code: string } }>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime', provider: 'stripe' } });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'unknown_provider']);
    // PayPal stays the default and needs no e-mail.
    const paypal = await h.api<CreateCheckoutResponse>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime' } });
    expect([paypal.status, paypal.body.provider]).toEqual([201, 'paypal']);
  });

  it('initializes the transaction with the price in subunits, our checkout id as reference and in metadata, our return page as callback', async () => {
    const c = await start('enterprise-lifetime');
    expect(c.provider).toBe('paystack');
    const tx = paystack.transactions.get(c.reference)!;
    expect(tx).toMatchObject({ amount: 4900, currency: 'USD', status: 'abandoned', plan: null, email: BUYER_EMAIL });
    const cancelAction = `${h.server.publicUrl}/checkout/cancel?checkout=${c.checkoutId}&reference=${c.reference}`;
    expect(tx.metadata).toMatchObject({ checkout_id: c.checkoutId, cancel_action: cancelAction });
    // Not paid yet: the return changes nothing; Paystack's Cancel button lands on our cancel page.
    const back = await h.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: c.reference } });
    expect(back.body.status).toBe('pending');
    expect(await (await fetch(cancelAction.replace(h.server.publicUrl, h.server.url))).text()).toContain('Checkout cancelled');
    expect((await poll(h, c)).status).toBe('cancelled');
  });
});

describe('the roads to a Paystack license', () => {
  it('one-time: the return verifies the transaction and grants; charge.success afterwards is a duplicate', async () => {
    const p = await buy('enterprise-lifetime');
    expect(p.view.license).toMatchObject({ status: 'active', tier: 'enterprise', planId: 'enterprise-lifetime', transactionId: p.reference, provider: 'paystack' });
    const tx = paystack.transactions.get(p.reference)!;
    const told = await deliver(event('webhook-charge.success.json', { id: tx.id, reference: p.reference, amount: 4900, currency: 'USD' }));
    expect([told.status, told.body.outcome]).toEqual([200, 'duplicate']);
  });

  it('one-time: charge.success alone (the window closed before the return) verifies and grants', async () => {
    const c = await start('enterprise-lifetime');
    paystack.pay(c.reference);
    const told = await deliver(event('webhook-charge.success.json', { reference: c.reference }));
    expect(told.body.outcome).toBe('applied');
    expect((await poll(h, c)).status).toBe('completed');
    // The browser's return page then finds it settled.
    const page = await fetch(`${h.server.url}/checkout/return?checkout=${c.checkoutId}&trxref=${c.reference}&reference=${c.reference}`);
    expect(await page.text()).toContain('Payment received');
  });

  it('subscription: the first payment activates with Paystack\'s next payment date; renewals, a failed renewal and not renewing follow', async () => {
    const p = await buy('enterprise-monthly');
    const subscription = paystack.subscriptionOf(p.reference)!;
    expect(p.view.license).toMatchObject({ status: 'active', subscriptionId: subscription.code, transactionId: p.reference });
    expect((await state(p.view)).paidThrough).toBe(subscription.nextPaymentDate);

    const { transaction, invoiceCode } = paystack.renew(subscription.code);
    const renewed = await deliver(event('webhook-invoice.update.json', {
      invoice_code: invoiceCode, subscription: { subscription_code: subscription.code, status: 'active' }, transaction: { reference: transaction.reference, status: 'success', amount: 900, currency: 'USD' },
    }));
    expect(renewed.body.outcome).toBe('applied');
    expect(await state(p.view)).toMatchObject({ status: 'active', paidThrough: subscription.nextPaymentDate });

    subscription.status = 'attention';
    subscription.latestInvoice = 'INV_failedfake0001';
    const failed = await deliver(event('webhook-invoice.payment_failed.json', { invoice_code: 'INV_failedfake0001', subscription: { subscription_code: subscription.code, status: 'attention' } }));
    expect(failed.body.outcome).toBe('applied');
    expect(await state(p.view)).toMatchObject({ status: 'past_due', tier: 'enterprise' });

    subscription.status = 'non-renewing';
    const notRenewing = await deliver(event('webhook-subscription.not_renew.json', { subscription_code: subscription.code, status: 'non-renewing' }));
    expect(notRenewing.body.outcome).toBe('applied');
    expect(await state(p.view)).toMatchObject({ status: 'canceled', tier: 'enterprise' });
  });

  it('subscription: Paystack creates the subscription after the return; subscription.create then settles the checkout', async () => {
    const c = await start('enterprise-monthly');
    paystack.pay(c.reference, {}, { subscriptionLater: true });
    const back = await h.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: c.reference } });
    expect(back.body.status).toBe('pending');
    const subscription = paystack.startSubscription(c.reference)!;
    const told = await deliver(event('webhook-subscription.create.json', { subscription_code: subscription.code, plan: { plan_code: PLAN_CODE } }));
    expect(told.body.outcome).toBe('applied');
    const view = await poll(h, c);
    expect(view).toMatchObject({ status: 'completed', license: { status: 'active', subscriptionId: subscription.code } });
  });

  it('the app\'s cancel disables the subscription at Paystack; subscription.disable then records it', async () => {
    const p = await buy('enterprise-monthly');
    const subscription = paystack.subscriptionOf(p.reference)!;
    const cancel = h.api<{ cancellation: string }>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor: p.anchor, token: p.view.entitlement.token } });
    // Paystack's notice arrives while the server waits for it.
    await new Promise((r) => setTimeout(r, 300));
    expect(subscription.status).toBe('cancelled');
    expect((await deliver(event('webhook-subscription.disable.json', { subscription_code: subscription.code, status: 'cancelled' }))).body.outcome).toBe('applied');
    expect((await cancel).body.cancellation).toBe('recorded');
    expect(await state(p.view)).toMatchObject({ status: 'canceled', tier: 'enterprise' });
  });

  it('refund.processed for the license\'s transaction refunds it, as for PayPal', async () => {
    const p = await buy('enterprise-lifetime');
    paystack.refund(p.reference);
    const told = await deliver(event('webhook-refund.processed.json', { transaction_reference: p.reference, amount: '4900', currency: 'USD' }));
    expect(told.body.outcome).toBe('applied');
    expect(await state(p.view)).toMatchObject({ status: 'refunded', tier: 'free' });
  });

  it('a dispute keeps access and flags it; declined (the merchant kept the money) restores the license', async () => {
    const p = await buy('enterprise-lifetime');
    const dispute = paystack.openDispute(p.reference);
    const opened = await deliver(event('webhook-charge.dispute.create.json', { id: dispute.id, transaction: { reference: p.reference } }));
    expect(opened.body.outcome).toBe('applied');
    expect(await state(p.view)).toMatchObject({ status: 'disputed', tier: 'enterprise' });
    // A reminder is the same fact: nothing changes.
    const before = dumpTables(h).license_events;
    expect((await deliver(event('webhook-charge.dispute.remind.json', { id: dispute.id, transaction: { reference: p.reference } }))).status).toBe(200);
    expect(dumpTables(h).license_events).toEqual(before);
    paystack.resolveDispute(dispute.id, 'declined');
    expect((await deliver(event('webhook-charge.dispute.resolve.json', { id: dispute.id, transaction: { reference: p.reference } }))).body.outcome).toBe('applied');
    expect(await state(p.view)).toMatchObject({ status: 'active', tier: 'enterprise' });
  });

  it('support finds the license by its Paystack reference and subscription code, and sees Paystack live', async () => {
    const p = await buy('enterprise-monthly');
    const token = await h.server.support.createToken(`ps-${Date.now()}`, 'read');
    const code = paystack.subscriptionOf(p.reference)!.code;
    for (const q of [p.reference, code]) {
      const found = await h.api<{ licenses: { id: string; provider: string }[] }>('GET', `/v1/support/lookup?q=${encodeURIComponent(q)}`, { token });
      expect(found.body.licenses.map((l) => [l.id, l.provider])).toEqual([[p.view.license.id, 'paystack']]);
    }
    const page = await h.api<{ live: unknown }>('GET', `/v1/support/licenses/${p.view.license.id}`, { token });
    expect(page.body.live).toMatchObject({ kind: 'subscription', id: code, status: 'active' });
  });
});

describe('reconciliation reads Paystack too', () => {
  it('a payment no road reported is verified and granted; a subscription set not to renew without its webhook is canceled', async () => {
    const c = await start('enterprise-lifetime');
    paystack.pay(c.reference);
    const s = await buy('enterprise-monthly');
    paystack.subscriptionOf(s.reference)!.status = 'non-renewing';
    // The next period's run (15 minutes by default; the test moves the server's clock there).
    h.clock.advance(16 * 60_000);
    expect(await h.server.runReconciliation()).toBe('ran');
    expect((await poll(h, c)).status).toBe('completed');
    expect(await state(s.view)).toMatchObject({ status: 'canceled', tier: 'enterprise' });
    const rows = await h.server.store.db.selectFrom('auditLog').select(['reason']).where('actor', '=', 'reconciliation').execute();
    expect(rows.map((r) => r.reason)).toEqual(expect.arrayContaining(['payment found at Paystack that no return or webhook had reported', 'subscription state read from Paystack']));
  });

  /** The next reconciliation run (15 minutes by default; the test moves the server's clock there). */
  async function reconcile() {
    h.clock.advance(16 * 60_000);
    expect(await h.server.runReconciliation()).toBe('ran');
  }
  /** Whether a payment was bound to any license or checkout of ours (a renewal binds its reference). */
  const bindings = async (reference: string) => (await h.server.store.db.selectFrom('providerRefs').select(['ref']).where('ref', '=', reference).execute()).length;
  const reconciledChanges = async (licenseId: string) =>
    (await h.server.store.db.selectFrom('auditLog').select(['target']).where('actor', '=', 'reconciliation').where('action', '=', 'reconcile').where('target', '=', licenseId).execute()).length;

  it('a renewal whose webhook never came is read from the customer\'s transactions and applied once; the late webhook changes nothing', async () => {
    const s = await buy('enterprise-monthly', newAnchor(), 'renewal.dropped@example.com');
    const subscription = paystack.subscriptionOf(s.reference)!;
    const firstPaidThrough = subscription.nextPaymentDate;
    const { transaction, invoiceCode } = paystack.renew(subscription.code);
    expect(subscription.nextPaymentDate > firstPaidThrough).toBe(true);
    expect((await state(s.view)).paidThrough).toBe(firstPaidThrough);

    await reconcile();
    expect(await state(s.view)).toMatchObject({ status: 'active', tier: 'enterprise', paidThrough: subscription.nextPaymentDate });
    const bound = await h.server.store.db.selectFrom('providerRefs').select(['ref', 'licenseId']).where('ref', '=', transaction.reference).execute();
    expect(bound).toEqual([{ ref: transaction.reference, licenseId: s.view.license.id }]);

    expect(await reconciledChanges(s.view.license.id)).toBe(1);
    const access = await state(s.view);
    await reconcile();
    expect(await reconciledChanges(s.view.license.id)).toBe(1);
    expect(await state(s.view)).toEqual(access);
    const before = await snapshot([s.view]);
    const late = await deliver(event('webhook-invoice.update.json', {
      invoice_code: invoiceCode, subscription: { subscription_code: subscription.code, status: 'active' }, transaction: { reference: transaction.reference, status: 'success', amount: 900, currency: 'USD' },
    }));
    expect(['applied', 'duplicate']).toContain(late.body.outcome);
    const after = await snapshot([s.view]);
    expect(after.access).toEqual(before.access);
    expect(after.tables).toEqual(before.tables);
  });

  it('another customer\'s payment, the customer\'s payment for another plan, or a renewal of the customer\'s other subscription is never this subscription\'s renewal', async () => {
    const email = 'renewal.strangers@example.com';
    const s = await buy('enterprise-monthly', newAnchor(), email);
    const subscription = paystack.subscriptionOf(s.reference)!;
    const stranger = paystack.addTransaction({ amount: 900, currency: 'USD', plan: PLAN_CODE, email: 'stranger@example.com' });
    const otherPlan = paystack.addTransaction({ amount: 900, currency: 'USD', plan: 'PLN_otherplanfake1', email, customerId: subscription.customerId });
    // Paystack is asked for this customer's transactions; were its filter ignored, the stranger's is still refused.
    paystack.ignoreCustomerFilter = true;
    try {
      const before = await snapshot([s.view]);
      await reconcile();
      expect((await snapshot([s.view])).access).toEqual(before.access);
      expect(await reconciledChanges(s.view.license.id)).toBe(0);
      for (const reference of [stranger.reference, otherPlan.reference]) expect(await bindings(reference)).toBe(0);
    } finally {
      paystack.ignoreCustomerFilter = false;
    }

    // The same customer subscribes again on another machine: a renewal Paystack charges from then on could be either
    // subscription's, so reconciliation leaves it to the webhook that names the subscription.
    const second = await buy('enterprise-monthly', newAnchor(), email);
    const secondSubscription = paystack.subscriptionOf(second.reference)!;
    const { transaction } = paystack.renew(secondSubscription.code);
    const before = await snapshot([s.view, second.view]);
    await reconcile();
    expect((await snapshot([s.view, second.view])).access).toEqual(before.access);
    expect(await bindings(transaction.reference)).toBe(0);
  });
});

describe('money truth for Paystack: a valid signature over a lie changes nothing', () => {
  let victim: Awaited<ReturnType<typeof buy>>;
  let subscriber: Awaited<ReturnType<typeof buy>>;
  let unpaid: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    victim = await buy('enterprise-lifetime');
    subscriber = await buy('enterprise-monthly');
  });
  beforeEach(async () => {
    unpaid = await start('enterprise-lifetime');
  });

  async function unchanged(lie: () => Promise<{ body: { outcome?: string } }>, expected: string[] = ['not_confirmed', 'unmatched']) {
    const before = await snapshot([victim.view, subscriber.view]);
    const told = await lie();
    expect(expected).toContain(told.body.outcome);
    expect(await snapshot([victim.view, subscriber.view])).toEqual(before);
    expect((await poll(h, unpaid)).status).toBe('pending');
  }

  it('charge.success for a transaction Paystack shows unpaid', () =>
    unchanged(() => deliver(event('webhook-charge.success.json', { reference: unpaid.reference, status: 'success', amount: 4900, currency: 'USD' }))));

  it('a transaction paid under our reference for less, in another currency, or for another checkout\'s metadata', async () => {
    for (const change of [{ amount: 100 }, { currency: 'NGN' }] as const) {
      const c = await start('enterprise-lifetime');
      paystack.pay(c.reference, change);
      await unchanged(() => deliver(event('webhook-charge.success.json', { reference: c.reference, amount: 4900, currency: 'USD' })));
      expect((await poll(h, c)).status).toBe('pending');
    }
    const c = await start('enterprise-lifetime');
    paystack.pay(c.reference);
    paystack.transactions.get(c.reference)!.metadata = { checkout_id: unpaid.checkoutId };
    await unchanged(() => deliver(event('webhook-charge.success.json', { reference: c.reference })));
    const audits = await h.server.store.db.selectFrom('auditLog').select(['reason']).where('action', 'in', ['payment-not-confirmed', 'webhook-not-confirmed']).execute();
    expect(audits.map((a) => a.reason)).toEqual(expect.arrayContaining(['amount_mismatch', 'currency_mismatch', 'custom_id_mismatch']));
  });

  it('a renewal naming the subscriber\'s subscription but paid by another customer (the forger\'s own payment)', async () => {
    const code = paystack.subscriptionOf(subscriber.reference)!.code;
    const forgers = paystack.addTransaction({ amount: 900, currency: 'USD', plan: PLAN_CODE, email: 'forger@example.com' });
    await unchanged(() => deliver(event('webhook-invoice.update.json', {
      invoice_code: 'INV_forgedfake0001', subscription: { subscription_code: code }, transaction: { reference: forgers.reference, status: 'success' },
    })));
    const audit = await h.server.store.db.selectFrom('auditLog').select(['reason']).where('action', '=', 'webhook-not-confirmed').where('reason', '=', 'customer_mismatch').execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it('a renewal for another plan\'s price, or a failed renewal Paystack does not show', async () => {
    const s = paystack.subscriptionOf(subscriber.reference)!;
    const cheap = paystack.addTransaction({ amount: 1, currency: 'USD', plan: PLAN_CODE, customerId: s.customerId, email: s.email });
    await unchanged(() => deliver(event('webhook-invoice.update.json', { invoice_code: 'INV_cheapfake00001', subscription: { subscription_code: s.code }, transaction: { reference: cheap.reference } })));
    await unchanged(() => deliver(event('webhook-invoice.payment_failed.json', { invoice_code: 'INV_nofailfake001', subscription: { subscription_code: s.code, status: 'attention' } })));
    await unchanged(() => deliver(event('webhook-subscription.disable.json', { subscription_code: s.code, status: 'complete' })));
  });

  it('a subscription set not to renew, or created, that Paystack does not show: the subscriber\'s active subscription named with another customer', async () => {
    const s = paystack.subscriptionOf(subscriber.reference)!;
    await unchanged(() => deliver(event('webhook-subscription.not_renew.json', { subscription_code: s.code, status: 'non-renewing' })), ['not_confirmed', 'unmatched', 'duplicate', 'ignored']);
    // subscription.create is a trigger to read the subscription: what Paystack shows (active, its own customer) is
    // applied, and it is what we already had; the customer the body names is never looked at.
    await unchanged(() => deliver(event('webhook-subscription.create.json', {
      subscription_code: s.code, status: 'active', customer: { email: 'forger@example.com', customer_code: 'CUS_forgerfake0001', id: 999_999 },
    })), ['not_confirmed', 'unmatched', 'duplicate', 'ignored', 'applied']);
  });

  it('a refund or a dispute Paystack does not show, and one naming the victim\'s reference with another transaction', async () => {
    await unchanged(() => deliver(event('webhook-refund.processed.json', { transaction_reference: victim.reference, amount: '4900', currency: 'USD' })));
    const other = paystack.addTransaction({ amount: 4900, currency: 'USD' });
    const dispute = paystack.openDispute(other.reference);
    await unchanged(() => deliver(event('webhook-charge.dispute.create.json', { id: dispute.id, transaction: { reference: victim.reference } })));
    await unchanged(() => deliver(event('webhook-charge.dispute.create.json', { id: 999_999_999, transaction: { reference: victim.reference } })));
  });

  it('a wrong signature, a signature under another key, and a sender outside the allow-list are refused before the body is read', async () => {
    const body = event('webhook-charge.success.json', { reference: victim.reference });
    const other = await deliver(body, 'sk_test_someoneelse000000000');
    expect([other.status, other.body.error?.code]).toEqual([401, 'bad_signature']);
    const signed = paystack.sign(body);
    const tampered = await h.api<{ error: { code: string } }>('POST', '/v1/webhooks/paystack', { body: signed.body.replace(victim.reference, unpaid.reference), headers: signed.headers });
    expect([tampered.status, tampered.body.error.code]).toEqual([401, 'bad_signature']);
    const unknown = await h.api<{ error: { code: string } }>('POST', '/v1/webhooks/stripe', { body: signed.body, headers: signed.headers });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'unknown_provider']);
  });
});

describe('Paystack webhooks from an allow-listed address only', () => {
  let guarded: Harness;
  beforeAll(async () => {
    guarded = await startHarness({ env: { PAYSTACK_SECRET_KEY: PAYSTACK_TEST_KEY, PAYSTACK_API_BASE: paystack.baseUrl, PAYSTACK_WEBHOOK_IPS: '52.31.139.75,52.49.173.169,52.214.14.220' } });
  });
  afterAll(() => guarded?.close());

  it('refuses a correctly signed delivery from any other address (403 source_not_allowed)', async () => {
    const signed = paystack.sign(fixture('webhook-charge.success.json'));
    const res = await guarded.api<{ error: { code: string } }>('POST', '/v1/webhooks/paystack', { body: signed.body, headers: signed.headers });
    expect([res.status, res.body.error.code]).toEqual([403, 'source_not_allowed']);
  });
});

describe('the buyer\'s e-mail and Paystack\'s customer data are never kept', () => {
  it('after purchases, renewals, refunds and disputes, no table, database file or log line holds them', async () => {
    const dump = JSON.stringify(dumpTables(h));
    const raw = rawDatabaseText(h);
    const logs = h.logs.join('\n');
    const pii = [BUYER_EMAIL, 'forger@example.com', 'Ada', 'Obi', '+2348100000000', 'AUTH_fake', 'bojack@horseman.com', 'BoJack', 'damilola@email.com', 'example@test.com', 'asam@ple.com'];
    for (const value of pii) {
      expect.soft(dump.includes(value), `${value} in a table`).toBe(false);
      expect.soft(raw.includes(value), `${value} in the database file`).toBe(false);
      expect.soft(logs.includes(value), `${value} in the log`).toBe(false);
    }
    expect(paystack.calls.filter((c) => c === 'POST /transaction/initialize').length).toBeGreaterThan(5);
  });
});
