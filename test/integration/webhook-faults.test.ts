// Delivery faults the real PayPal shows now and then — duplicates (one after another and at the same moment),
// disorder, failed attempts and lost acknowledgements — across several purchases on the webhook road: exactly
// one license per checkout, every event in the inbox exactly once, every attempt that reached the server
// answered 2xx, and the same final state as a round without faults. Then a payment refunded before the server
// recorded it, its webhooks replayed in chosen orders (refund first included): it must end refunded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import type { DeliveryFaults } from '../../sandbox/webhooks/module';
import type { WebhookEvent } from '../../sandbox/model';
import { createCheckout, newAnchor, poll, startHarness, type Harness } from './harness';
import { replay, sandboxToken, webhookCount, withTap, type RecordedDelivery } from './support-webhooks';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const PURCHASES = 4;

interface Round {
  checkouts: CreateCheckoutResponse[];
  /** Capture ids, in the order of `checkouts`. */
  captures: string[];
}

/**
 * PURCHASES checkouts approved on PayPal's side with no return to the server (so the approval webhook is the
 * only road), then every other one refunded. Under the shuffle fault the approvals are released together in
 * random order, and later the captures' completions together with the refunds, so a refund may arrive first.
 */
async function purchaseRound(): Promise<Round> {
  const { control } = h.sandbox;
  const checkouts = await Promise.all(Array.from({ length: PURCHASES }, () => createCheckout(h, newAnchor())));
  for (const c of checkouts) control.approveOrder(new URL(c.approveUrl).searchParams.get('token')!);
  control.flushShuffled();
  const views = await Promise.all(checkouts.map((c) => poll(h, c, 20)));
  const captures = views.map((v: CheckoutView) => {
    if (v.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(v)}`);
    return v.license.transactionId!;
  });
  captures.forEach((capture, i) => {
    if (i % 2 === 1) control.refundCapture(capture);
  });
  control.flushShuffled();
  return { checkouts, captures };
}

async function roundWith(faults: DeliveryFaults): Promise<Round> {
  h.sandbox.control.setFaults(faults);
  try {
    const round = await purchaseRound();
    await h.sandbox.control.settle(15_000);
    return round;
  } finally {
    h.sandbox.control.clearFaults();
    await h.sandbox.control.settle(15_000);
  }
}

/** Everything the server keeps about one checkout, without ids and times (which differ between rounds). */
async function stateOf(checkoutId: string) {
  const db = h.server.store.db;
  const checkout = await db.selectFrom('checkouts').selectAll().where('id', '=', checkoutId).executeTakeFirstOrThrow();
  const licenses = await db.selectFrom('licenses').selectAll().where('checkoutId', '=', checkoutId).execute();
  const events = licenses.length === 0 ? [] : await db.selectFrom('licenseEvents').selectAll().where('licenseId', 'in', licenses.map((l) => l.id)).execute();
  const refs = await db.selectFrom('providerRefs').selectAll().where('checkoutId', '=', checkoutId).execute();
  const inbox = await db.selectFrom('webhookInbox').selectAll().where('resourceId', 'in', refs.map((r) => r.ref)).execute();
  return {
    status: checkout.status,
    licenses: licenses.map((l) => ({ status: l.status, tier: l.tier, plan: l.planId, amount: l.amount, currency: l.currency, current: l.supersededBy === null })),
    events: events.map((e) => `${e.type}/${e.source}/${e.amount ?? ''}`).sort(),
    refs: refs.map((r) => r.kind).sort(),
    inbox: inbox.map((r) => `${r.eventType}:${r.outcome}`).sort(),
  };
}

const statesOf = (round: Round) => Promise.all(round.checkouts.map((c) => stateOf(c.checkoutId)));

/** The sandbox's events about this round's payments (the approval names the order, the rest the capture). */
function eventsOf(round: Round): WebhookEvent[] {
  const keys = [...round.checkouts.map((c) => c.checkoutId), ...round.captures];
  return h.sandbox.control.listEvents().filter((e) => keys.some((k) => e.body.includes(k)));
}

/** Each of the round's events was recorded once, and every attempt that reached the server was answered 2xx. */
async function expectEachEventOnce(round: Round, copiesPerEvent: number): Promise<void> {
  const events = eventsOf(round);
  expect(events.map((e) => e.eventType).sort()).toEqual([
    ...Array<string>(PURCHASES).fill('CHECKOUT.ORDER.APPROVED'),
    ...Array<string>(PURCHASES).fill('PAYMENT.CAPTURE.COMPLETED'),
    ...Array<string>(PURCHASES / 2).fill('PAYMENT.CAPTURE.REFUNDED'),
  ].sort());
  const rows = await h.server.store.db.selectFrom('webhookInbox').select('eventId').where('eventId', 'in', events.map((e) => e.id)).execute();
  expect(rows.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.id).sort());
  for (const event of events) {
    const reached = event.transmissions.filter((t) => t.webhookId === h.server.webhookId && t.error !== 'INJECTED_FAILURE');
    expect(reached.length).toBe(copiesPerEvent);
    for (const t of reached) expect(t.statusCode, `${event.eventType} attempt ${t.attempt}`).toBe(200);
  }
}

let baseline: Awaited<ReturnType<typeof statesOf>>;

describe('webhook delivery faults', () => {
  it('without faults (the baseline): one license per checkout, refunds applied, each event once', async () => {
    const round = await roundWith({});
    baseline = await statesOf(round);
    for (const [i, state] of baseline.entries()) {
      expect(state.status).toBe('completed');
      expect(state.licenses).toEqual([expect.objectContaining({ status: i % 2 === 1 ? 'refunded' : 'active', current: true })]);
      expect(state.inbox).toEqual([
        'CHECKOUT.ORDER.APPROVED:applied',
        'PAYMENT.CAPTURE.COMPLETED:applied',
        ...(i % 2 === 1 ? ['PAYMENT.CAPTURE.REFUNDED:applied'] : []),
      ]);
    }
    await expectEachEventOnce(round, 1);
  });

  it.each([
    ['three copies, one after another', { duplicate: 3 }],
    ['three copies at the same moment', { duplicate: 3, concurrent: true }],
  ])('duplicates (%s): same final state, each event once', async (_label, faults) => {
    const duplicates = webhookCount(h, 'duplicate');
    const round = await roundWith(faults);
    expect(await statesOf(round)).toEqual(baseline);
    await expectEachEventOnce(round, 3);
    // Two of every three copies of each completion and refund found their event already claimed.
    expect(webhookCount(h, 'duplicate') - duplicates).toBeGreaterThanOrEqual(2 * (PURCHASES + PURCHASES / 2));
  });

  it('shuffled (refunds may arrive before the completions they follow): same final state', async () => {
    const round = await roundWith({ shuffle: {} });
    expect(await statesOf(round)).toEqual(baseline);
    await expectEachEventOnce(round, 1);
  });

  it('shuffled and three concurrent copies: same final state', async () => {
    const round = await roundWith({ shuffle: {}, duplicate: 3, concurrent: true });
    expect(await statesOf(round)).toEqual(baseline);
    await expectEachEventOnce(round, 3);
  });

  it('the first two attempts fail: retried, applied once', async () => {
    const round = await roundWith({ failFirst: 2 });
    expect(await statesOf(round)).toEqual(baseline);
    await expectEachEventOnce(round, 1);
    for (const event of eventsOf(round)) {
      expect(event.transmissions.map((t) => t.error ?? t.statusCode)).toEqual(['INJECTED_FAILURE', 'INJECTED_FAILURE', 200]);
    }
  });

  it('lost acknowledgements (the server committed, the sandbox saw 502): redelivered, applied once', async () => {
    const acknowledged = new Set<string>();
    // The first copy of each event reaches the server, but its answer is "lost" on the way back.
    const loseFirstAnswer = (d: RecordedDelivery): number => {
      const key = d.body.toString('utf8');
      if (acknowledged.has(key)) return d.upstream ?? 502;
      acknowledged.add(key);
      return 502;
    };
    const { round, deliveries } = await withTap(h, { forward: true, answer: loseFirstAnswer }, async (tap) => ({
      round: await roundWith({}),
      deliveries: tap.deliveries,
    }));
    expect(await statesOf(round)).toEqual(baseline);
    const events = eventsOf(round);
    for (const event of events) {
      const copies = deliveries.filter((d) => d.body.toString('utf8') === event.body);
      expect(copies.map((d) => [d.upstream, d.status])).toEqual([[200, 502], [200, 200]]);
    }
    const rows = await h.server.store.db.selectFrom('webhookInbox').select('eventId').where('eventId', 'in', events.map((e) => e.id)).execute();
    expect(rows.map((r) => r.eventId).sort()).toEqual(events.map((e) => e.id).sort());
  });

  /**
   * The server's capture went through at PayPal but its answer was lost (a timeout), and the merchant refunded
   * at once: the server learns of the payment only from the webhooks, replayed here in the given order. Returns
   * the license the checkout ends with.
   */
  async function refundedBeforeRecorded(order: string[]) {
    const c = await createCheckout(h, newAnchor());
    const orderId = new URL(c.approveUrl).searchParams.get('token')!;
    const deliveries = await withTap(h, { forward: false }, async (tap) => {
      h.sandbox.control.approveOrder(orderId);
      const captured = await fetch(`${h.sandbox.baseUrl}/v2/checkout/orders/${orderId}/capture`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await sandboxToken(h)}`, 'content-type': 'application/json', 'paypal-request-id': `hardbound-capture-${c.checkoutId}` },
        body: '{}',
      });
      const body = (await captured.json()) as { purchase_units: { payments: { captures: { id: string }[] } }[] };
      h.sandbox.control.refundCapture(body.purchase_units[0]!.payments.captures[0]!.id);
      await h.sandbox.control.settle(10_000);
      return [...tap.deliveries];
    });
    const typeOf = (d: RecordedDelivery) => (JSON.parse(d.body.toString('utf8')) as { event_type: string }).event_type;
    expect(deliveries.map(typeOf).sort()).toEqual([...order].sort());
    for (const type of order) expect((await replay(h, deliveries.find((d) => typeOf(d) === type)!)).status, type).toBe(200);
    const view = await poll(h, c);
    expect(await h.server.store.db.selectFrom('licenses').select('id').where('checkoutId', '=', c.checkoutId).execute()).toHaveLength(1);
    return view.status === 'completed' ? view.license : view;
  }

  it.each([
    [['PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.COMPLETED', 'CHECKOUT.ORDER.APPROVED']],
    [['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.REFUNDED', 'CHECKOUT.ORDER.APPROVED']],
    [['PAYMENT.CAPTURE.COMPLETED', 'CHECKOUT.ORDER.APPROVED', 'PAYMENT.CAPTURE.REFUNDED']],
    // The server's own capture road dates payment.completed by PayPal's capture time, so a refund made before
    // the server got round to capturing still sorts after the payment.
    [['PAYMENT.CAPTURE.REFUNDED', 'CHECKOUT.ORDER.APPROVED', 'PAYMENT.CAPTURE.COMPLETED']],
    [['CHECKOUT.ORDER.APPROVED', 'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.COMPLETED']],
  ])('a payment refunded before the server recorded it ends refunded: %j', async (order) => {
    expect(await refundedBeforeRecorded(order)).toMatchObject({ status: 'refunded', tier: 'free' });
  });
});
