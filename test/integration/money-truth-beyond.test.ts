// Beyond the list, against the world of money-truth-world.ts: lies dated into the past (a transition the
// subscription "has since left"), an unpaid pending eCheck, bodies of every odd shape hunting for a 5xx (which
// makes PayPal retry for days), lies told many times at once, reconciliation run after lies, and a stranger's
// refunded purchase for someone else's machine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTED_ON_EVENT_TYPES } from '../../server/providers/paypal/translate';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, poll, refresh, startHarness, type Harness } from './harness';
import {
  buildWorld, buy, freshEventId, genuineBody, Lie, notConfirmedAudits, randomId, snapshot, tell, urls, type Customer, type Snapshot, type World,
} from './money-truth-world';
import { dumpTables, replay, signedDelivery, type TableDump } from './support-webhooks';

let h: Harness;
let w: World;

beforeAll(async () => {
  h = await startHarness({ env: { HARDBOUND_RECONCILE_INTERVAL_SECONDS: '86400' } });
  w = await buildWorld(h);
}, 240_000);
afterAll(async () => {
  await h?.close();
});

async function expectRefused(body: Lie, extra: Customer[] = []): Promise<void> {
  const before = await snapshot(w, extra);
  const answer = await tell(h, body.toString());
  await h.sandbox.control.settle(15_000);
  expect(await snapshot(w, extra)).toEqual(before);
  expect(answer.status).toBe(200);
  expect(answer.outcome).toBe('not_confirmed');
  expect(await notConfirmedAudits(h, answer.eventId)).toHaveLength(1);
}

describe('lies dated into the past', () => {
  it('a SUSPENDED the monthly victim\'s subscription never had, dated just before its activation, writes nothing', async () => {
    const subscription = await paypalApi(h).getSubscription(w.monthly.subscriptionId!);
    expect(subscription.status).toBe('ACTIVE');
    const lie = new Lie(w.genuine.victimActivated, h.clock.now()).type('BILLING.SUBSCRIPTION.SUSPENDED').set(['status'], 'SUSPENDED')
      .createdAt(subscription.statusUpdateTime! - 1_000);
    await expectRefused(lie);
  });

  it('a subscription suspended (Enterprise ended) then cancelled: an ACTIVATED PayPal never sent, dated in between, gives no Enterprise back', async () => {
    // The attacker's monthly subscription on machine A5: PayPal suspends it after three failed payments, which ends
    // access; a minute later it is cancelled.
    const a5 = await buy(h, 'attacker: suspended then cancelled monthly (A5)', 'enterprise-monthly');
    const api = paypalApi(h);
    for (let i = 0; i < 3; i++) h.sandbox.control.failRenewal(a5.subscriptionId!);
    await h.sandbox.control.settle(15_000);
    const suspended = await api.getSubscription(a5.subscriptionId!);
    expect(suspended.status).toBe('SUSPENDED');
    await h.sandbox.control.advanceClock(60_000);
    h.sandbox.control.cancelSubscription(a5.subscriptionId!, 'Cancelled by the merchant');
    await h.sandbox.control.settle(15_000);
    const cancelled = await refresh(h, a5.anchor, a5.token);
    expect(cancelled.body.license?.status).toBe('canceled');
    expect(cancelled.body.entitlement.claims.tier).toBe('free');

    const lie = new Lie(genuineBody(h, 'BILLING.SUBSCRIPTION.ACTIVATED', a5.subscriptionId!), h.clock.now())
      .createdAt(suspended.statusUpdateTime! + 1_000);
    await expectRefused(lie, [a5]);
    const after = await refresh(h, a5.anchor, a5.token);
    expect(after.body.entitlement.claims.tier).toBe('free');
  });

  it('a subscriber who cancelled (Enterprise until the paid period ends): a SUSPENDED PayPal never sent, dated before the cancellation, takes nothing away', async () => {
    const subscriber = await buy(h, 'victim: cancelled monthly, paid until the period ends', 'enterprise-monthly');
    await h.sandbox.control.advanceClock(60_000);
    const cancel = await h.api<{ cancellation: string }>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor: subscriber.anchor, token: subscriber.token } });
    expect(cancel.status).toBe(200);
    await h.sandbox.control.settle(15_000);
    const cancelled = await refresh(h, subscriber.anchor, subscriber.token);
    expect(cancelled.body.license).toMatchObject({ status: 'canceled' });
    expect(cancelled.body.entitlement.claims.tier).toBe('enterprise');
    const subscription = await paypalApi(h).getSubscription(subscriber.subscriptionId!);
    expect(subscription.status).toBe('CANCELLED');

    const lie = new Lie(genuineBody(h, 'BILLING.SUBSCRIPTION.ACTIVATED', subscriber.subscriptionId!), h.clock.now())
      .type('BILLING.SUBSCRIPTION.SUSPENDED').set(['status'], 'SUSPENDED').createdAt(subscription.statusUpdateTime! - 30_000);
    await expectRefused(lie, [subscriber]);
    expect((await refresh(h, subscriber.anchor, subscriber.token)).body.entitlement.claims.tier).toBe('enterprise');
  });
});

describe('money PayPal never gave back, on a partly refunded capture', () => {
  // The partly refunded victim: 10.00 of 49.00 back, still Enterprise. PayPal shows the capture PARTIALLY_REFUNDED.
  const unknownRefundOfPartial = (type: string) => (world: World): Lie => {
    const refundId = randomId();
    return new Lie(world.genuine.partialRefunded, world.h.clock.now()).type(type).set(['id'], refundId)
      .link('self', urls(world.h).captureRefund(refundId)).set(['amount', 'value'], '39.00');
  };

  it('PAYMENT.CAPTURE.REFUNDED with a refund id PayPal does not know writes no refund into the license\'s history', async () => {
    await expectRefused(unknownRefundOfPartial('PAYMENT.CAPTURE.REFUNDED')(w));
  });

  it('PAYMENT.CAPTURE.REVERSED with a refund id PayPal does not know is no chargeback: the victim keeps Enterprise', async () => {
    await expectRefused(unknownRefundOfPartial('PAYMENT.CAPTURE.REVERSED')(w));
    expect((await refresh(h, w.partial.anchor, w.partial.token)).body.entitlement.claims.tier).toBe('enterprise');
  });
});

describe('an unpaid pending eCheck', () => {
  it('a capture still PENDING at PayPal: COMPLETED bodies and approvals grant nothing', async () => {
    const anchor = newAnchor();
    const checkout = await createCheckout(h, anchor, 'enterprise-lifetime');
    h.sandbox.control.setNextCaptureOutcome('PENDING', 'ECHECK');
    await payOnHostedPage(checkout.approveUrl);
    expect((await poll(h, checkout, 5)).status).not.toBe('completed');
    await h.sandbox.control.settle(15_000);
    const pendingBody = genuineBody(h, 'PAYMENT.CAPTURE.PENDING', checkout.checkoutId);
    const captureId = String((JSON.parse(pendingBody) as { resource: { id: string } }).resource.id);
    const orderId = new URL(checkout.approveUrl).searchParams.get('token')!;
    const lies = [
      new Lie(pendingBody, h.clock.now()).type('PAYMENT.CAPTURE.COMPLETED').set(['status'], 'COMPLETED').edit((l) => delete l.resource.status_details),
      new Lie(pendingBody, h.clock.now()).type('PAYMENT.CAPTURE.COMPLETED').set(['id'], w.lifetime.captureId),
      new Lie(w.genuine.orderApproved, h.clock.now()).set(['id'], orderId).set(['purchase_units', 0, 'custom_id'], checkout.checkoutId),
    ];
    for (const lie of lies) {
      const before = await snapshot(w);
      const answer = await tell(h, lie.toString());
      await h.sandbox.control.settle(15_000);
      expect(await snapshot(w)).toEqual(before);
      expect(answer.status).toBe(200);
      const row = await h.server.store.db.selectFrom('checkouts').select(['status', 'licenseId']).where('id', '=', checkout.checkoutId).executeTakeFirstOrThrow();
      expect(row.status).not.toBe('completed');
      const license = await h.server.store.db.selectFrom('licenses').select('status').where('anchor', '=', anchor).execute();
      expect(license.map((l) => l.status)).toEqual(['pending']);
      expect((await paypalApi(h).getCapture(captureId)).status).toBe('PENDING');
    }
    expect((await poll(h, checkout)).status).not.toBe('completed');
  });
});

/** Bodies of odd shapes for a type we act on, each naming real resources of the world where it can. */
function oddResources(w: World): unknown[] {
  const deep: Record<string, unknown> = {};
  let at = deep;
  for (let i = 0; i < 2_000; i++) at = (at.related_ids = {}) as Record<string, unknown>;
  return [
    null, [], 'resource', 42, {},
    { id: 42 }, { id: 'A'.repeat(5_000) }, { id: '../../v1/oauth2/token' }, { id: 'abc' }, { id: w.lifetime.captureId, status: 7 },
    { id: w.lifetime.captureId, links: 'up' },
    { id: w.lifetime.captureId, links: [null, 'x', { rel: 'up', href: 42 }, { rel: 'up', href: `http://evil.example/v2/checkout/orders/${w.unpaid.lifetime.orderId}` }] },
    { id: randomId(), links: Array.from({ length: 5_000 }, () => ({ rel: 'up', href: urls(w.h).capture(w.lifetime.captureId!) })) },
    { id: w.lifetime.captureId, custom_id: { toString: 'x' }, supplementary_data: deep },
    { id: w.lifetime.captureId, custom_id: '__proto__', supplementary_data: { related_ids: { order_id: 'constructor' } } },
    { id: w.monthly.subscriptionId, custom_id: 'x'.repeat(300), billing_agreement_id: `I-${'A'.repeat(60)}` },
    { id: w.monthly.saleIds[1], billing_agreement_id: 42, sale_id: [] },
    { dispute_id: w.disputed.disputeId, disputed_transactions: Array.from({ length: 21 }, () => ({ seller_transaction_id: w.lifetime.captureId })) },
    { dispute_id: w.disputed.disputeId, disputed_transactions: [{ seller_transaction_id: null }] },
    { dispute_id: w.disputed.disputeId, disputed_transactions: [] },
    { dispute_id: `PP-D-${'9'.repeat(20)}`, disputed_transactions: [{ seller_transaction_id: w.monthly.saleIds[1] }], dispute_outcome: 'RESOLVED_BUYER_FAVOUR' },
  ];
}

describe('hunting for a 5xx: signed bodies of odd shapes for every event type we act on', () => {
  it('every transmission is answered below 500 and nothing changes', async () => {
    const before = await snapshot(w);
    const sent: string[] = [];
    const send = (body: Record<string, unknown>) => sent.push(h.sandbox.control.deliverEvent(body, { webhookIds: [h.server.webhookId] }).id);
    const now = new Date(h.clock.now()).toISOString();
    for (const type of ACTED_ON_EVENT_TYPES) {
      for (const resource of oddResources(w)) send({ id: freshEventId(), event_version: '1.0', create_time: now, event_type: type, summary: 'odd', resource });
      // A malformed or absurd create_time on a body naming a victim's real capture, subscription and dispute.
      for (const createTime of ['yesterday', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z']) {
        const resource = { id: w.monthly.subscriptionId, custom_id: w.attacker.checkoutId, dispute_id: w.disputed.disputeId,
          disputed_transactions: [{ seller_transaction_id: w.lifetime.captureId }], links: [{ rel: 'up', href: urls(w.h).capture(w.lifetime.captureId!) }] };
        send({ id: freshEventId(), event_version: '1.0', create_time: createTime, event_type: type, summary: 'odd', resource });
      }
    }
    await h.sandbox.control.settle(120_000);
    const statuses = new Map<string, number>();
    for (const event of h.sandbox.control.listEvents().filter((e) => sent.includes(e.id))) {
      for (const t of event.transmissions) {
        const key = `${event.eventType} → ${t.statusCode ?? t.error}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      }
    }
    // 4xx for what is not a PayPal event at all (or too large to be one) is PayPal's to see; a 5xx or no answer
    // would be retried for days.
    const failures = [...statuses].filter(([key]) => !/ → [24]\d\d$/.test(key));
    expect(failures).toEqual([]);
    expect(await snapshot(w)).toEqual(before);
  }, 300_000);

  it('the same lie eight times at once, and a true renewal re-told under eight event ids at once: all 200, nothing changes', async () => {
    const lie = new Lie(w.genuine.attackerActivated, h.clock.now()).set(['custom_id'], w.unpaid.lifetime.checkoutId).toString();
    const retold = Array.from({ length: 8 }, () => new Lie(w.genuine.renewalSale, h.clock.now()).toString());
    // One at a time: each re-points the server's listener at a tap of its own.
    const deliveries = [await signedDelivery(h, lie)];
    for (const body of retold) deliveries.push(await signedDelivery(h, body));
    const before = await snapshot(w);
    const answers = await Promise.all([...Array.from({ length: 8 }, () => replay(h, deliveries[0]!)), ...deliveries.slice(1).map((d) => replay(h, d))]);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 16 }, () => 200));
    expect(await snapshot(w)).toEqual(before);
  });
});

/** Our tables without what reconciliation keeps for itself: when it last read a license, its lease and its runs
 *  (and the server's own heartbeat row). */
function withoutBookkeeping(s: Snapshot): Snapshot {
  const { job_leases: _leases, job_runs: _runs, server_instances: _instances, licenses, ...rest } = s.tables;
  const tables: TableDump = { ...rest, licenses: (licenses ?? []).map(({ reconciled_at: _r, ...l }) => l) };
  return { ...s, tables };
}

describe('reconciliation after lies', () => {
  it('applies none of them: the unpaid checkouts stay unpaid, no victim changes, PayPal is left as it was', async () => {
    const lies = [
      new Lie(w.genuine.attackerActivated, h.clock.now()).set(['custom_id'], w.unpaid.lifetime.checkoutId),
      new Lie(w.genuine.attackerActivated, h.clock.now()).set(['custom_id'], w.unpaid.annual.checkoutId).set(['plan_id'], w.planIds.annual),
      new Lie(w.genuine.attackerActivated, h.clock.now()).set(['id'], w.unpaid.monthly.subscriptionId).set(['custom_id'], w.unpaid.monthly.checkoutId),
      new Lie(w.genuine.orderApproved, h.clock.now()).set(['id'], w.unpaid.lifetime.orderId).set(['purchase_units', 0, 'custom_id'], w.unpaid.lifetime.checkoutId),
      new Lie(w.genuine.renewalSale, h.clock.now()).set(['id'], w.attacker.saleIds[0]).set(['billing_agreement_id'], w.unpaid.monthly.subscriptionId),
      new Lie(w.genuine.victimActivated, h.clock.now()).set(['custom_id'], w.attacker.checkoutId),
    ];
    for (const lie of lies) expect((await tell(h, lie.toString())).status).toBe(200);
    await h.sandbox.control.settle(15_000);
    const before = withoutBookkeeping(await snapshot(w));
    const failures = () => h.server.metrics.render().split('\n').filter((l) => l.startsWith('hardbound_reconciliation_failures_total'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
    const failed = failures();
    expect(await h.server.runReconciliation()).toBe('ran');
    await h.sandbox.control.settle(15_000);
    expect(withoutBookkeeping(await snapshot(w))).toEqual(before);
    // It did read every checkout and subscription: a run that failed to read them proves nothing.
    expect(failures() - failed).toBe(0);
    const rows = await h.server.store.db.selectFrom('checkouts').select(['status', 'licenseId'])
      .where('id', 'in', Object.values(w.unpaid).map((u) => u.checkoutId)).execute();
    expect(rows).toEqual([{ status: 'pending', licenseId: null }, { status: 'pending', licenseId: null }, { status: 'pending', licenseId: null }]);
  });
});

// Last: it moves a subscriber's state for good.
describe('a stranger who knows a subscriber\'s machine code', () => {
  it('buys lifetime for that machine and has it refunded: the subscriber\'s PayPal subscription and Enterprise are still his', async () => {
    const subscriber = await buy(h, 'victim: monthly subscriber whose machine code leaked', 'enterprise-monthly');
    const stranger = await createCheckout(h, subscriber.anchor, 'enterprise-lifetime');
    await payOnHostedPage(stranger.approveUrl);
    const paid = await poll(h, stranger, 20);
    if (paid.status !== 'completed') throw new Error(`stranger's lifetime not completed: ${JSON.stringify(paid)}`);
    await h.sandbox.control.settle(15_000);
    h.sandbox.control.refundCapture(paid.license.transactionId!);
    await h.sandbox.control.settle(15_000);

    const tables: TableDump = dumpTables(h);
    const lifetime = tables.licenses!.find((l) => l.id === paid.license.id);
    expect(lifetime).toMatchObject({ status: 'refunded' });
    expect((await paypalApi(h).getSubscription(subscriber.subscriptionId!)).status).toBe('ACTIVE');
    const r = await refresh(h, subscriber.anchor, subscriber.token);
    expect(r.body.license).toMatchObject({ id: subscriber.licenseId, status: 'active' });
    expect(r.body.entitlement.claims.tier).toBe('enterprise');
  });
});
