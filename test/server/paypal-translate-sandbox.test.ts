// The adapter end to end against the sandbox: every webhook body the sandbox records is translated, its truth
// fetched with PayPalClient and judged against the checkout our records hold, as the server does on each
// delivery; the return road (settle) and the resolver are checked to reach the very same facts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillingEvent } from '../../server/billing/events';
import { newId } from '../../server/ids';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { DEFAULT_BUYER } from '../../sandbox/options';
import { PayPalCheckoutProvider } from '../../server/providers/paypal/checkout-provider';
import { PayPalClient, requestIds } from '../../server/providers/paypal/client';
import { fetchTruth } from '../../server/providers/paypal/fetch-truth';
import { checkoutFacts, TriggerResolver, type OurRecords, type RefOwner } from '../../server/providers/paypal/resolve-trigger';
import {
  judgeCaptureTrigger, judgeDispute, judgeRefund, judgeSale, judgeSubscription, type Judgement,
} from '../../server/providers/paypal/to-billing-events';
import { translateWebhook, type Trigger, type WebhookReading } from '../../server/providers/paypal/translate';
import type { CheckoutRecord } from '../../server/store/checkouts';
import { accessToken } from '../sandbox/support-auth';

const PLAN_ID = 'P-HARDBOUNDMONTHLY0000000002';
const PLANS = new Map([['enterprise-monthly', PLAN_ID]]);
const BUYER_PII = [DEFAULT_BUYER.email, DEFAULT_BUYER.givenName, DEFAULT_BUYER.surname, DEFAULT_BUYER.payerId, DEFAULT_BUYER.address.line1];
const RETURN = { returnUrl: 'http://127.0.0.1:8787/checkout/return', cancelUrl: 'http://127.0.0.1:8787/checkout/cancel' };

let sandbox: Sandbox;
let paypal: PayPalClient;
let seen = 0;
/** Everything the adapter produced, for the PII scan at the end. */
const outputs: unknown[] = [];
let rawBodies = '';

/** Our records, as the server keeps them: checkouts, and each provider id bound to the checkout it was confirmed for. */
const checkouts = new Map<string, CheckoutRecord>();
const owners = new Map<string, RefOwner>();
const records: OurRecords = { refOwner: async (ref) => owners.get(ref), checkout: async (id) => checkouts.get(id) };

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

/** A checkout record of ours, its provider order or subscription id bound to it as at creation. */
function newCheckout(kind: 'one_time' | 'recurring'): CheckoutRecord {
  const now = sandbox.clock.now();
  const checkout: CheckoutRecord = {
    id: newId('chk'), anchor: `anchor-${newId('chk')}`, planId: kind === 'one_time' ? 'enterprise-lifetime' : 'enterprise-monthly', kind, provider: 'paypal',
    providerOrderId: null, providerSubscriptionId: null, amount: kind === 'one_time' ? '49.00' : '9.00', currency: 'USD', status: 'pending',
    failureReason: null, pollTokenHash: 'hash', licenseId: null, createdAt: now, updatedAt: now, expiresAt: now + 3_600_000, replacesSubscriptionId: null,
  };
  checkouts.set(checkout.id, checkout);
  return checkout;
}

function bindProviderId(checkout: CheckoutRecord, ids: { providerOrderId?: string; providerSubscriptionId?: string }): void {
  Object.assign(checkout, ids);
  for (const ref of Object.values(ids)) owners.set(ref, { checkoutId: checkout.id, licenseId: null });
}

async function createOrder(checkout: CheckoutRecord): Promise<string> {
  const { orderId } = await paypal.createOrder({
    checkoutId: checkout.id, amount: checkout.amount, currency: checkout.currency, description: 'Hardbound Enterprise (lifetime)', brandName: 'Hardbound', ...RETURN,
  });
  bindProviderId(checkout, { providerOrderId: orderId });
  return orderId;
}

async function createSubscription(checkout: CheckoutRecord): Promise<string> {
  const { subscriptionId } = await paypal.createSubscription({ planId: PLAN_ID, checkoutId: checkout.id, brandName: 'Hardbound', ...RETURN });
  bindProviderId(checkout, { providerSubscriptionId: subscriptionId });
  return subscriptionId;
}

/** The judgement of a trigger against `checkout`, from what PayPal's API shows now. */
async function judge(trigger: Trigger, checkout: CheckoutRecord): Promise<Judgement> {
  const truth = await fetchTruth(paypal, trigger);
  outputs.push(truth);
  const facts = checkoutFacts(checkout, (planId) => PLANS.get(planId));
  const now = sandbox.clock.now();
  switch (trigger.kind) {
    case 'order-approved':
      return trigger.orderId === checkout.providerOrderId ? { ok: true, events: [], refs: [] } : { ok: false, reason: 'order_mismatch' };
    case 'capture': return judgeCaptureTrigger(trigger, truth, facts, now);
    case 'refund': return judgeRefund(trigger, truth, facts, now);
    case 'subscription': return judgeSubscription(trigger, truth, facts, now);
    case 'sale': return judgeSale(trigger, truth, facts, now);
    case 'dispute': {
      const ours = truth.dispute?.transactionIds.filter((id) => owners.get(id)?.checkoutId === checkout.id) ?? [];
      const judged = ours.map((id) => judgeDispute(trigger, truth.dispute, id, now));
      const refused = judged.find((j) => !j.ok);
      if (refused) return refused;
      return { ok: true, events: judged.flatMap((j) => (j.ok ? j.events : [])), refs: judged.flatMap((j) => (j.ok ? j.refs : [])) };
    }
  }
}

interface Processed {
  eventType: string;
  reading: WebhookReading;
  judgement: Judgement | null;
}

/** Runs `action`, then judges the events it made PayPal send against `checkout`, binding what is confirmed. */
async function step(checkout: CheckoutRecord, action: () => unknown): Promise<Processed[]> {
  await action();
  const fresh = sandbox.control.listEvents().slice(seen);
  seen += fresh.length;
  const processed: Processed[] = [];
  for (const event of fresh) {
    rawBodies += event.body;
    const reading = translateWebhook(JSON.parse(event.body));
    outputs.push(reading);
    if (reading.kind === 'invalid' || reading.kind === 'unreadable') throw new Error(`${event.eventType}: ${reading.kind} ${reading.reason}`);
    const judgement = reading.kind === 'trigger' ? await judge(reading.trigger, checkout) : null;
    if (judgement?.ok) for (const ref of judgement.refs) owners.set(ref.ref, { checkoutId: checkout.id, licenseId: `lic-${checkout.id}` });
    outputs.push(judgement);
    processed.push({ eventType: event.eventType, reading, judgement });
  }
  return processed;
}

/** The confirmed events, or the first reason one was not confirmed. */
/** The events each delivery stands for. A refund's judgement also restates the payment it returns (money can
 *  come back before that payment was recorded); that restatement is the same fact, under the same id, as the
 *  payment's own event, so it is left out here. */
function events(processed: Processed[]): BillingEvent[] {
  return processed.flatMap(({ eventType, judgement }) => {
    if (judgement === null) return [];
    if (!judgement.ok) throw new Error(`${eventType} not confirmed: ${judgement.reason}`);
    const refund = /\.(REFUNDED|REVERSED)$/.test(eventType);
    return refund ? judgement.events.filter((e) => e.type === 'payment.refunded' || e.type === 'payment.reversed') : judgement.events;
  });
}

function triggerIn(processed: Processed | undefined): Trigger {
  if (processed?.reading.kind !== 'trigger') throw new Error('not a trigger');
  return processed.reading.trigger;
}

const types = (processed: Processed[]) => events(processed).map((e) => e.type);
const settle = (checkout: CheckoutRecord) => new PayPalCheckoutProvider(paypal, PLANS).settle(checkout, sandbox.clock.now());

describe('orders: the sandbox events become the expected billing events', () => {
  it('approve, capture, partial refund, dispute, chargeback; the return road reaches the same payment fact', async () => {
    const checkout = newCheckout('one_time');
    const orderId = await createOrder(checkout);
    const approved = await step(checkout, () => sandbox.control.approveOrder(orderId));
    expect(approved.map((p) => p.reading)).toEqual([expect.objectContaining({ kind: 'trigger', trigger: expect.objectContaining({ kind: 'order-approved', orderId, checkoutHint: checkout.id }) })]);
    expect(types(approved)).toEqual([]);

    let captureId = '';
    const captured = await step(checkout, async () => {
      const result = await paypal.captureOrder(orderId, requestIds.captureOrder(checkout.id));
      if (result.kind === 'captured') captureId = result.capture.id;
    });
    const completed = events(captured);
    expect(completed).toEqual([
      { id: `paypal:payment.completed:${captureId}`, at: expect.any(Number), type: 'payment.completed', transactionId: captureId, amount: { value: '49.00', currency: 'USD' } },
    ]);
    expect(captured[0]?.reading).toMatchObject({ trigger: { kind: 'capture', captureId, orderHint: orderId, checkoutHint: checkout.id } });
    // The app's return (or reconciliation) settles the same checkout: the same fact, so whichever comes second is a no-op.
    expect(await settle(checkout)).toMatchObject({ kind: 'events', events: completed });
    // The same genuine capture judged for another checkout is not that checkout's payment.
    const other = newCheckout('one_time');
    await createOrder(other);
    expect(await judge(triggerIn(captured[0]), other)).toEqual({ ok: false, reason: 'order_mismatch' });

    const refunded = await step(checkout, () => sandbox.control.refundCapture(captureId, '10.00'));
    const [refund] = events(refunded);
    expect(refund).toMatchObject({ type: 'payment.refunded', transactionId: captureId, full: false, amount: { value: '10.00', currency: 'USD' } });
    expect(refund?.id).toMatch(/^paypal:payment\.refunded:[A-Z0-9]+$/);
    expect(refund?.id).not.toBe(`paypal:payment.refunded:${captureId}`);

    let disputeId = '';
    const disputed = await step(checkout, () => {
      disputeId = String(sandbox.control.openDispute(captureId).dispute_id);
    });
    expect(events(disputed)).toEqual([expect.objectContaining({ type: 'dispute.opened', id: `paypal:dispute.opened:${disputeId}:${captureId}`, disputeId, transactionId: captureId })]);

    const lost = await step(checkout, () => sandbox.control.resolveDispute(disputeId, 'RESOLVED_BUYER_FAVOUR'));
    const reversed = await step(checkout, () => sandbox.control.reverseCapture(captureId));
    // Orders v2 shows the chargeback as a refund of what was left, so that is the fact recorded (access ends alike).
    expect([...types(lost), ...types(reversed)]).toEqual(['dispute.resolved', 'payment.refunded']);
    expect(events(lost)[0]).toMatchObject({ outcome: 'buyer' });
    expect(events(reversed)[0]).toMatchObject({ transactionId: captureId, amount: { value: '39.00', currency: 'USD' }, full: true });
  });

  it('a pending capture, then denied', async () => {
    const checkout = newCheckout('one_time');
    const orderId = await createOrder(checkout);
    await step(checkout, () => sandbox.control.approveOrder(orderId));
    sandbox.control.setNextCaptureOutcome('PENDING');
    let captureId = '';
    const pending = await step(checkout, async () => {
      const result = await paypal.captureOrder(orderId, requestIds.captureOrder(checkout.id));
      if (result.kind === 'captured') captureId = result.capture.id;
    });
    const denied = await step(checkout, () => sandbox.control.denyPendingCapture(captureId));
    expect([...types(pending), ...types(denied)]).toEqual(['payment.pending', 'payment.failed']);
    expect([...events(pending), ...events(denied)].map((e) => e.id)).toEqual([`paypal:payment.pending:${captureId}`, `paypal:payment.failed:${captureId}`]);
  });
});

describe('subscriptions: the sandbox events become the expected billing events', () => {
  async function reactivate(subscriptionId: string): Promise<void> {
    const response = await fetch(`${sandbox.baseUrl}/v1/billing/subscriptions/${subscriptionId}/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await accessToken(sandbox)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'Payment method updated' }),
    });
    expect(response.status).toBe(204);
  }

  it('activate, renew, fail to the threshold, reactivate, refund and reverse sales, cancel', async () => {
    const checkout = newCheckout('recurring');
    let subscriptionId = '';
    const created = await step(checkout, async () => {
      subscriptionId = await createSubscription(checkout);
    });
    expect(created.map((p) => p.reading)).toEqual([{ kind: 'ignored', eventId: expect.stringMatching(/^WH-/), eventType: 'BILLING.SUBSCRIPTION.CREATED' }]);

    const activated = await step(checkout, () => sandbox.control.approveSubscription(subscriptionId));
    expect(types(activated)).toEqual(['subscription.activated', 'subscription.renewed']);
    const subscription = await paypal.getSubscription(subscriptionId);
    const [activation, firstPayment] = events(activated);
    expect(activation).toMatchObject({ id: `paypal:subscription.activated:${subscriptionId}:${subscription.statusUpdateTime}`, subscriptionId, paidThrough: subscription.nextBillingTime });
    // The return road reads the subscription: the same activation fact.
    expect(await settle(checkout)).toMatchObject({ kind: 'events', events: [activation] });
    const firstSaleId = firstPayment?.type === 'subscription.renewed' ? firstPayment.transactionId : '';

    await sandbox.control.advanceClock(5_000);
    let saleId = '';
    const renewed = await step(checkout, () => {
      saleId = String(sandbox.control.renewSubscription(subscriptionId).sale.id);
    });
    const afterRenewal = await paypal.getSubscription(subscriptionId);
    expect(events(renewed)).toEqual([
      expect.objectContaining({ id: `paypal:subscription.renewed:${saleId}`, type: 'subscription.renewed', transactionId: saleId, paidThrough: afterRenewal.nextBillingTime, amount: { value: '9.00', currency: 'USD' } }),
    ]);

    await sandbox.control.advanceClock(5_000);
    const failedOnce = await step(checkout, () => sandbox.control.failRenewal(subscriptionId));
    await sandbox.control.advanceClock(5_000);
    const failedTwice = await step(checkout, () => sandbox.control.failRenewal(subscriptionId));
    expect([...types(failedOnce), ...types(failedTwice)]).toEqual(['subscription.payment_failed', 'subscription.payment_failed', 'subscription.suspended']);
    const failureIds = [...events(failedOnce), ...events(failedTwice)].filter((e) => e.type === 'subscription.payment_failed').map((e) => e.id);
    expect(new Set(failureIds).size).toBe(2);

    await sandbox.control.advanceClock(60_000);
    const back = await step(checkout, () => reactivate(subscriptionId));
    // Every activation is its own fact: this one must not be dropped as a duplicate of the first.
    expect(types(back)).toEqual(['subscription.activated']);
    expect(events(back)[0]?.id).not.toBe(activation?.id);

    const refunded = await step(checkout, () => sandbox.control.refundSale(saleId));
    expect(events(refunded)).toEqual([expect.objectContaining({ type: 'payment.refunded', transactionId: saleId, full: true, amount: { value: '9.00', currency: 'USD' } })]);
    const reversed = await step(checkout, () => sandbox.control.reverseSale(firstSaleId));
    expect(events(reversed)).toEqual([expect.objectContaining({ type: 'payment.reversed', transactionId: firstSaleId, amount: { value: '9.00', currency: 'USD' } })]);

    const cancelled = await step(checkout, () => paypal.cancelSubscription(subscriptionId, 'Cancelled from the app'));
    expect(events(cancelled)).toEqual([expect.objectContaining({ id: `paypal:subscription.cancelled:${subscriptionId}`, type: 'subscription.cancelled' })]);
  });

  it('a subscription\'s events judged for another subscription\'s checkout confirm nothing', async () => {
    const mine = newCheckout('recurring');
    const theirs = newCheckout('recurring');
    let subscriptionId = '';
    await step(mine, async () => {
      subscriptionId = await createSubscription(mine);
    });
    await step(theirs, () => createSubscription(theirs));
    const activated = await step(theirs, () => sandbox.control.approveSubscription(subscriptionId));
    expect(activated.map((p) => p.judgement)).toEqual([
      { ok: false, reason: 'subscription_mismatch' },
      { ok: false, reason: 'subscription_mismatch' },
    ]);
  });

  it('the payment that clears a failed cycle (PayPal bills the outstanding balance with the next one) renews', async () => {
    const checkout = newCheckout('recurring');
    let subscriptionId = '';
    await step(checkout, async () => {
      subscriptionId = await createSubscription(checkout);
    });
    await step(checkout, () => sandbox.control.approveSubscription(subscriptionId));
    await sandbox.control.advanceClock(5_000);
    const failed = await step(checkout, () => sandbox.control.failRenewal(subscriptionId));
    expect(types(failed)).toEqual(['subscription.payment_failed']);
    await sandbox.control.advanceClock(5_000);
    let sale: Record<string, unknown> = {};
    const caughtUp = await step(checkout, () => {
      sale = sandbox.control.renewSubscription(subscriptionId).sale;
    });
    expect(sale.amount).toMatchObject({ total: '18.00', currency: 'USD' });
    expect(caughtUp.map((p) => p.judgement)).toEqual([
      expect.objectContaining({ ok: true, events: [expect.objectContaining({ type: 'subscription.renewed', transactionId: sale.id, amount: { value: '18.00', currency: 'USD' } })] }),
    ]);
  });
});

describe('sale reversals in PayPal\'s other shapes, resolved as the server does (TriggerResolver)', () => {
  /** A subscription paid once, and a reversal of that payment as the sandbox delivered it. */
  async function reversedSubscription() {
    const checkout = newCheckout('recurring');
    let subscriptionId = '';
    await step(checkout, async () => {
      subscriptionId = await createSubscription(checkout);
    });
    const paid = events(await step(checkout, () => sandbox.control.approveSubscription(subscriptionId)));
    const saleId = paid.flatMap((e) => (e.type === 'subscription.renewed' ? [e.transactionId] : []))[0]!;
    const refund = sandbox.control.reverseSale(saleId);
    const delivered = sandbox.control.listEvents().slice(seen);
    seen += delivered.length;
    const body = JSON.parse(delivered.find((e) => e.eventType === 'PAYMENT.SALE.REVERSED')!.body) as Record<string, unknown> & { resource: Record<string, unknown> };
    return { checkout, saleId, refundId: String(refund.id), body };
  }
  const resolver = () => new TriggerResolver({ api: paypal, records, providerPlanId: (planId) => PLANS.get(planId), now: () => sandbox.clock.now() });

  async function resolve(body: unknown) {
    const reading = translateWebhook(body);
    if (reading.kind !== 'trigger') throw new Error(`not a trigger: ${JSON.stringify(reading)}`);
    const route = await resolver().route(reading.trigger);
    return route === null ? { kind: 'unmatched' as const } : resolver().confirm(reading.trigger, route);
  }

  it('the sandbox\'s own shape (sale_id, `up` link), the simulator\'s (the refund only) and the documented one (the sale, a self link to the refund) are one reversal', async () => {
    const { checkout, saleId, refundId, body } = await reversedSubscription();
    const expected = {
      kind: 'apply',
      applications: [{
        checkoutId: checkout.id,
        events: [
          // The sale it reverses, restated as the paid cycle it was (a reversal can arrive before that sale did).
          expect.objectContaining({ id: `paypal:subscription.renewed:${saleId}`, type: 'subscription.renewed', transactionId: saleId }),
          { id: `paypal:payment.reversed:${refundId}`, at: expect.any(Number), type: 'payment.reversed', transactionId: saleId, amount: { value: '9.00', currency: 'USD' } },
        ],
        refs: [{ provider: 'paypal', ref: saleId, kind: 'sale' }, { provider: 'paypal', ref: refundId, kind: 'refund' }],
      }],
    };
    expect(await resolve(body)).toEqual(expected);

    const { sale_id: _sale, links: _links, ...refundOnly } = body.resource;
    const selfLink = { href: `${sandbox.baseUrl}/v1/payments/refund/${refundId}`, rel: 'self', method: 'GET' };
    const simulator = { ...body, resource: { ...refundOnly, links: [selfLink] } };
    expect(await resolve(simulator)).toEqual(expected);

    const documented = {
      ...body,
      resource_type: 'sale',
      resource: { amount: { total: '-9.00', currency: 'USD' }, id: saleId, state: 'completed', create_time: body.resource.create_time, links: [selfLink] },
    };
    expect(await resolve(documented)).toEqual(expected);
  });
});

describe('payer data', () => {
  it('the bodies carried it; nothing the adapter produced does', () => {
    for (const pii of BUYER_PII) expect(rawBodies).toContain(pii);
    expect(outputs.length).toBeGreaterThan(20);
    const produced = JSON.stringify(outputs);
    for (const pii of BUYER_PII) expect(produced).not.toContain(pii);
  });
});
