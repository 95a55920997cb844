// The stand-in's bodies against Paystack's documented examples (test/fixtures/paystack/, sources in its
// README): every key the documentation shows is present with the same JSON type; keys the sandbox adds are
// named here, each with where Paystack documents it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, paidTransaction, startPaystack, subscribed, type Json, type PaystackHarness } from './support-paystack';
import { shapeDiff } from './support-paystack-shapes';

const fixture = (name: string): Json => JSON.parse(readFileSync(`test/fixtures/paystack/${name}`, 'utf8')) as Json;

// Keys on the verify / fetch transaction that one documented example shows and another omits.
const TRANSACTION_EXTRAS = ['data.helpdesk_link', 'data.transaction_date', 'data.plan_object', 'data.log.authentication', 'data.log.channel'];
// On events: fields Paystack documents on the same object in its API examples or in a sibling event.
const CUSTOMER_EXTRAS = ['id', 'international_format_phone'];
const AUTHORIZATION_EXTRAS = ['channel', 'reusable', 'signature'];

let h: PaystackHarness;
let reference: string;
let subscriptionCode: string;
let planCode: string;
beforeAll(async () => {
  h = await startPaystack();
  reference = (await paidTransaction(h, { email: 'shapes@example.test', amount: 40_333, callback_url: 'https://merchant.example/cb' })).reference as string;
  const sub = await subscribed(h);
  subscriptionCode = sub.subscription.subscription_code as string;
  planCode = sub.plan.plan_code as string;
});
afterAll(() => h.close());

function expectShape(ours: unknown, documentedFile: string, allowedExtra: string[] = []): void {
  const diff = shapeDiff(ours, fixture(documentedFile), ['data.metadata']);
  expect({ file: documentedFile, missing: diff.missing, mismatched: diff.mismatched }).toEqual({ file: documentedFile, missing: [], mismatched: [] });
  expect(diff.extra.filter((p) => !allowedExtra.some((a) => p === a || p.startsWith(`${a}.`) || p.startsWith(`${a}[]`)))).toEqual([]);
}

const prefixed = (prefix: string, keys: string[]) => keys.map((k) => `${prefix}.${k}`);

describe('API answers match the documented examples', () => {
  it('transaction initialize, verify and fetch', async () => {
    const init = await h.call('POST', '/transaction/initialize', { body: { email: 'shape2@example.test', amount: 100 } });
    expectShape(init.body, 'transaction-initialize.response.json');
    const verified = await h.call('GET', `/transaction/verify/${reference}`);
    expectShape(verified.body, 'transaction-verify.response.json', TRANSACTION_EXTRAS);
    const fetched = await h.call('GET', `/transaction/${String(verified.body.data.id)}`);
    expectShape(fetched.body, 'transaction-fetch.response.json', TRANSACTION_EXTRAS);
    // List rows are the fetch shape.
    const listed = await h.call('GET', `/transaction?customer=${String(verified.body.data.customer.id)}`);
    expect(listed.body).toMatchObject({ status: true, message: 'Transactions retrieved', meta: { page: 1 } });
    expectShape({ ...fetched.body, data: (listed.body.data as Json[])[0] }, 'transaction-fetch.response.json', TRANSACTION_EXTRAS);
  });

  it('plans: create, fetch, list', async () => {
    const created = await h.call('POST', '/plan', { body: { name: 'Monthly retainer', amount: 500_000, interval: 'monthly' } });
    // description and invoice_limit: in Paystack's subscriptions guide's create-plan answer and in Fetch Plan.
    expectShape(created.body, 'plan-create.response.json', ['data.description', 'data.invoice_limit']);
    const fetched = await h.call('GET', `/plan/${planCode}`);
    expectShape(fetched.body, 'plan-fetch.response.json', ['data.invoice_limit']);
    const listed = await h.call('GET', '/plan');
    expectShape(listed.body, 'plan-list.response.json', ['data[].invoice_limit']);
  });

  it('subscriptions: fetch, disable, enable', async () => {
    const fetched = await h.call('GET', `/subscription/${subscriptionCode}`);
    // invoice_limit, most_recent_invoice: on the subscription in the documented subscription.not_renew event.
    expectShape(fetched.body, 'subscription-fetch.response.json', ['data.invoice_limit', 'data.most_recent_invoice']);
    const token = fetched.body.data.email_token as string;
    expectShape(await h.call('POST', '/subscription/disable', { body: { code: subscriptionCode, token } }).then((r) => r.body), 'subscription-disable.response.json');
    expectShape(await h.call('POST', '/subscription/enable', { body: { code: subscriptionCode, token } }).then((r) => r.body), 'subscription-enable.response.json');
  });

  it('refunds: create and fetch', async () => {
    const created = await h.call('POST', '/refund', { body: { transaction: reference, amount: 1_000 } });
    expectShape(created.body, 'refund-create.response.json');
    await h.eventFor('refund.processed', (d) => d.transaction_reference === reference);
    const fetched = await h.call('GET', `/refund/${String(created.body.data.id)}`);
    expectShape(fetched.body, 'refund-fetch.response.json');
  });

  it('disputes: fetch', async () => {
    const dispute = h.sandbox.paystack.control.openDispute(reference);
    const fetched = await h.call('GET', `/dispute/${String(dispute.id)}`);
    expectShape(fetched.body, 'dispute-fetch.response.json', DISPUTE_FETCH_EXTRAS);
  });

  it('errors: invalid key, duplicate reference, missing parameter', async () => {
    expectShape((await h.call('GET', '/plan', { key: 'sk_test_bad' })).body, 'error.invalid-key.json');
    await h.call('POST', '/transaction/initialize', { body: { email: 'e@example.test', amount: 100, reference: 'shape-dup' } });
    const dup = await h.call('POST', '/transaction/initialize', { body: { email: 'e@example.test', amount: 100, reference: 'shape-dup' } });
    // errorCodeMappingNotFound is an internal flag of Paystack's error mapper; the sandbox leaves it out.
    const diff = shapeDiff(dup.body, fixture('error.duplicate-reference.json'));
    expect(diff).toEqual({ missing: ['errorCodeMappingNotFound'], mismatched: [], extra: [] });
    expectShape((await h.call('POST', '/transaction/initialize', { body: { amount: 100 } })).body, 'error.validation.json');
  });
});

// On the dispute's transaction in the documented charge.dispute.* events.
const DISPUTE_FETCH_EXTRAS = ['data.transaction.pos_transaction_data'];

describe('webhook events match the documented examples', () => {
  const eventOf = (name: string, where: (d: Json) => boolean = () => true) => h.eventFor(name, where);

  it('charge.success', async () => {
    const event = await eventOf('charge.success', (d) => d.reference === reference);
    expectShape(event, 'event.charge-success.json', [
      'data.receipt_number', 'data.helpdesk_link', 'data.fees_split', 'data.split', 'data.order_id', 'data.paidAt',
      'data.createdAt', 'data.requested_amount', 'data.pos_transaction_data', 'data.source', 'data.fees_breakdown',
      'data.connect', 'data.transaction_date', 'data.subaccount', 'data.log.start_time',
      ...prefixed('data.customer', ['international_format_phone']),
      ...prefixed('data.authorization', AUTHORIZATION_EXTRAS),
    ]);
  });

  it('subscription.create, subscription.not_renew, subscription.disable', async () => {
    const notRenewExtras = ['data.createdAt'];
    const createExtras = [
      'data.id', 'data.email_token', 'data.integration', 'data.invoices', 'data.invoices_history', 'data.invoice_limit',
      'data.split_code', 'data.most_recent_invoice', 'data.plan.id',
      ...prefixed('data.customer', CUSTOMER_EXTRAS), ...prefixed('data.authorization', AUTHORIZATION_EXTRAS),
    ];
    expectShape(await eventOf('subscription.create', (d) => d.subscription_code === subscriptionCode), 'event.subscription-create.json', createExtras);
    expectShape(await eventOf('subscription.not_renew', (d) => d.subscription_code === subscriptionCode), 'event.subscription-not-renew.json', notRenewExtras);
    h.sandbox.paystack.control.cancelSubscription(subscriptionCode);
    expectShape(await eventOf('subscription.disable', (d) => d.subscription_code === subscriptionCode), 'event.subscription-disable.json', [
      ...createExtras.filter((p) => p !== 'data.email_token' && p !== 'data.plan.id'), 'data.createdAt',
    ]);
  });

  it('invoice.create, invoice.update, invoice.payment_failed', async () => {
    const { subscription } = await subscribed(h, { name: 'Renewing' });
    const code = subscription.subscription_code as string;
    await h.sandbox.control.advanceClock(32 * DAY_MS);
    h.sandbox.paystack.control.renewSubscription(code, 'failed');
    const extras = [...prefixed('data.customer', ['international_format_phone']), ...prefixed('data.authorization', AUTHORIZATION_EXTRAS)];
    expectShape(await eventOf('invoice.create', (d) => d.subscription?.subscription_code === code), 'event.invoice-create.json', extras);
    expectShape(await eventOf('invoice.update', (d) => d.subscription?.subscription_code === code), 'event.invoice-update.json', [
      ...extras, 'data.customer.id', 'data.subscription.email_token',
    ]);
    expectShape(await eventOf('invoice.payment_failed', (d) => d.subscription?.subscription_code === code), 'event.invoice-payment-failed.json', extras);
  });

  it('refund.pending, refund.processed, refund.failed', async () => {
    await h.call('POST', '/refund', { body: { transaction: reference, amount: 500 } });
    expectShape(await eventOf('refund.pending', (d) => d.transaction_reference === reference), 'event.refund-pending.json');
    expectShape(await eventOf('refund.processed', (d) => d.transaction_reference === reference), 'event.refund-processed.json');
    h.sandbox.paystack.control.holdRefunds(true);
    const held = await h.call('POST', '/refund', { body: { transaction: reference, amount: 500 } });
    h.sandbox.paystack.control.failRefund(held.body.data.id as number);
    h.sandbox.paystack.control.holdRefunds(false);
    expectShape(await eventOf('refund.failed', (d) => d.transaction_reference === reference), 'event.refund-failed.json');
  });

  it('charge.dispute.create, charge.dispute.remind and charge.dispute.resolve', async () => {
    const ref = (await paidTransaction(h, { email: 'dispute@example.test', amount: 5_800 })).reference as string;
    const dispute = h.sandbox.paystack.control.openDispute(ref);
    expectShape(await eventOf('charge.dispute.create', (d) => d.id === dispute.id), 'event.charge-dispute-create.json');
    h.sandbox.paystack.control.remindDispute(dispute.id as number);
    expectShape(await eventOf('charge.dispute.remind', (d) => d.id === dispute.id), 'event.charge-dispute-remind.json');
    h.sandbox.paystack.control.resolveDispute(dispute.id as number, 'merchant-accepted');
    expectShape(await eventOf('charge.dispute.resolve', (d) => d.id === dispute.id), 'event.charge-dispute-resolve.json');
  });
});
