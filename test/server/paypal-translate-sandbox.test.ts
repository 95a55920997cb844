// The adapter end to end against the sandbox: every webhook body the sandbox records is translated, its
// truth fetched with PayPalClient and turned into billing events, as the server does on each delivery.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingEvent } from '../../server/billing/events';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { PayPalClient, requestIds } from '../../server/providers/paypal/client';
import { fetchTruth } from '../../server/providers/paypal/fetch-truth';
import { toBillingEvents, translateWebhook, type WebhookReference } from '../../server/providers/paypal/translate';

const PLAN_ID = 'P-HARDBOUNDMONTHLY0000000002';
const BUYER_PII = [DEFAULT_BUYER.email, DEFAULT_BUYER.givenName, DEFAULT_BUYER.surname, DEFAULT_BUYER.payerId, DEFAULT_BUYER.address.line1];

let sandbox: Sandbox;
let paypal: PayPalClient;
let seen = 0;
/** Everything the adapter produced, for the PII scan at the end. */
const outputs: unknown[] = [];
let rawBodies = '';

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    plans: [
      {
        id: PLAN_ID,
        productName: 'Hardbound',
        name: 'Enterprise monthly',
        interval: { unit: 'MONTH', count: 1 },
        price: { currency_code: 'USD', value: '9.00' },
        paymentFailureThreshold: 2,
      },
    ],
  });
  paypal = new PayPalClient({ baseUrl: sandbox.baseUrl, ...sandbox.credentials, clock: sandbox.clock, timeoutMs: 5_000 });
});

afterAll(async () => {
  await sandbox.close();
});

interface Processed {
  reference: WebhookReference;
  events: BillingEvent[];
}

/** Runs `action`, then handles the events it made PayPal send, as a prompt server would. */
async function step(action: () => unknown): Promise<Processed[]> {
  await action();
  const fresh = sandbox.control.listEvents().slice(seen);
  seen += fresh.length;
  const processed: Processed[] = [];
  for (const event of fresh) {
    rawBodies += event.body;
    const reference = translateWebhook(JSON.parse(event.body));
    if (reference.kind === 'invalid') throw new Error(`invalid: ${reference.reason} in ${event.eventType}`);
    if (reference.kind === 'ignored') {
      processed.push({ reference, events: [] });
      continue;
    }
    const truth = await fetchTruth(paypal, reference);
    const result = toBillingEvents(reference, truth);
    if (!result.ok) throw new Error(`${event.eventType}: ${result.reason}`);
    outputs.push(reference, truth, result.events);
    processed.push({ reference, events: result.events });
  }
  return processed;
}

const types = (processed: Processed[]) => processed.flatMap((p) => p.events.map((e) => e.type));

describe('orders: the sandbox events become the expected billing events', () => {
  it('approve, capture, partial refund, dispute, chargeback', async () => {
    const checkoutId = randomUUID();
    const created = await paypal.createOrder({
      checkoutId, amount: '49.00', currency: 'USD', description: 'Hardbound Enterprise (lifetime)', brandName: 'Hardbound',
      returnUrl: 'http://127.0.0.1:8787/checkout/return', cancelUrl: 'http://127.0.0.1:8787/checkout/cancel',
    });
    const approved = await step(() => sandbox.control.approveOrder(created.orderId));
    expect(approved.map((p) => p.reference)).toEqual([
      expect.objectContaining({ kind: 'order-approved', orderId: created.orderId, checkoutId }),
    ]);
    expect(types(approved)).toEqual([]);

    let captureId = '';
    const captured = await step(async () => {
      const result = await paypal.captureOrder(created.orderId, requestIds.captureOrder(checkoutId));
      if (result.kind === 'captured') captureId = result.capture.id;
    });
    expect(captured[0]?.events).toEqual([
      expect.objectContaining({ type: 'payment.completed', transactionId: captureId, amount: { value: '49.00', currency: 'USD' } }),
    ]);
    expect(captured[0]?.reference).toMatchObject({ kind: 'capture', orderId: created.orderId, checkoutId });

    const refunded = await step(() => sandbox.control.refundCapture(captureId, '10.00'));
    expect(refunded[0]?.events).toEqual([
      expect.objectContaining({ type: 'payment.refunded', transactionId: captureId, full: false, amount: { value: '10.00', currency: 'USD' } }),
    ]);

    let disputeId = '';
    const disputed = await step(() => {
      disputeId = String(sandbox.control.openDispute(captureId).dispute_id);
    });
    expect(disputed[0]?.events).toEqual([expect.objectContaining({ type: 'dispute.opened', disputeId, transactionId: captureId })]);

    const lost = await step(() => sandbox.control.resolveDispute(disputeId, 'RESOLVED_BUYER_FAVOUR'));
    const reversed = await step(() => sandbox.control.reverseCapture(captureId));
    expect([...types(lost), ...types(reversed)]).toEqual(['dispute.resolved', 'payment.reversed']);
    expect(lost[0]?.events[0]).toMatchObject({ outcome: 'buyer' });
  });

  it('a pending capture, then denied', async () => {
    const checkoutId = randomUUID();
    const { orderId } = await paypal.createOrder({
      checkoutId, amount: '49.00', currency: 'USD', description: 'Hardbound Enterprise (lifetime)', brandName: 'Hardbound',
      returnUrl: 'http://127.0.0.1:8787/checkout/return', cancelUrl: 'http://127.0.0.1:8787/checkout/cancel',
    });
    await step(() => sandbox.control.approveOrder(orderId));
    sandbox.control.setNextCaptureOutcome('PENDING');
    let captureId = '';
    const pending = await step(async () => {
      const result = await paypal.captureOrder(orderId, requestIds.captureOrder(checkoutId));
      if (result.kind === 'captured') captureId = result.capture.id;
    });
    const denied = await step(() => sandbox.control.denyPendingCapture(captureId));
    expect([...types(pending), ...types(denied)]).toEqual(['payment.pending', 'payment.failed']);
  });
});

describe('subscriptions: the sandbox events become the expected billing events', () => {
  it('activate, renew, fail to the threshold, refund a sale, cancel', async () => {
    const checkoutId = randomUUID();
    let subscriptionId = '';
    const created = await step(async () => {
      ({ subscriptionId } = await paypal.createSubscription({
        planId: PLAN_ID, checkoutId, brandName: 'Hardbound',
        returnUrl: 'http://127.0.0.1:8787/checkout/return', cancelUrl: 'http://127.0.0.1:8787/checkout/cancel',
      }));
    });
    expect(created.map((p) => p.reference)).toEqual([{ kind: 'ignored', eventType: 'BILLING.SUBSCRIPTION.CREATED' }]);

    const activated = await step(() => sandbox.control.approveSubscription(subscriptionId));
    expect(types(activated)).toEqual(['subscription.activated', 'subscription.renewed']);
    const subscription = await paypal.getSubscription(subscriptionId);
    expect(activated[0]?.events[0]).toMatchObject({ subscriptionId, paidThrough: subscription.nextBillingTime });
    expect(activated[0]?.reference).toMatchObject({ checkoutId });

    let saleId = '';
    const renewed = await step(() => {
      saleId = String(sandbox.control.renewSubscription(subscriptionId).sale.id);
    });
    const afterRenewal = await paypal.getSubscription(subscriptionId);
    expect(renewed[0]?.events).toEqual([
      expect.objectContaining({ type: 'subscription.renewed', transactionId: saleId, paidThrough: afterRenewal.nextBillingTime, amount: { value: '9.00', currency: 'USD' } }),
    ]);

    const failedOnce = await step(() => sandbox.control.failRenewal(subscriptionId));
    const failedTwice = await step(() => sandbox.control.failRenewal(subscriptionId));
    expect([...types(failedOnce), ...types(failedTwice)]).toEqual([
      'subscription.payment_failed',
      'subscription.payment_failed',
      'subscription.suspended',
    ]);

    const refunded = await step(() => sandbox.control.refundSale(saleId));
    expect(refunded[0]?.events).toEqual([expect.objectContaining({ type: 'payment.refunded', transactionId: saleId, full: true })]);

    const cancelled = await step(() => paypal.cancelSubscription(subscriptionId, 'Cancelled from the app'));
    expect(types(cancelled)).toEqual(['subscription.cancelled']);
  });
});

describe('payer data', () => {
  it('the bodies carried it; nothing the adapter produced does', () => {
    for (const pii of BUYER_PII) expect(rawBodies).toContain(pii);
    expect(outputs.length).toBeGreaterThan(10);
    const produced = JSON.stringify(outputs);
    for (const pii of BUYER_PII) expect(produced).not.toContain(pii);
  });
});
