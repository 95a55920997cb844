// The attacker's real tools against the world of money-truth-world.ts: genuine transmissions captured on their way
// to the server (a resend PayPal signs afresh, a renewal, a refund), bodies forged to the captured CRC32 so the
// genuine signature covers them, replays of genuine deliveries within and outside the freshness window, and a
// signed body that takes a genuine event's id before PayPal's delivery of that event arrives.
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../common/clock';
import { PayPalSignatureVerifier } from '../../server/providers/paypal/signature';
import { newAnchor, refresh, startHarness, type Harness } from './harness';
import { buildWorld, buy, freshEventId, notConfirmedAudits, snapshot, tell, type World } from './money-truth-world';
import {
  dumpTables, forgeCrc32, postWebhook, replay, sandboxToken, signedDelivery, withTap, type RecordedDelivery,
} from './support-webhooks';

type Obj = Record<string, unknown>;
const parse = (d: RecordedDelivery): Obj => JSON.parse(d.body.toString('utf8')) as Obj;
const eventTypeOf = (d: RecordedDelivery): unknown => parse(d).event_type;

/** Has the sandbox resend a recorded event (PayPal's Events API: signed afresh) and captures that transmission. */
async function captureResend(h: Harness, eventId: string): Promise<RecordedDelivery> {
  return withTap(h, { forward: true }, async (tap) => {
    const res = await fetch(`${h.sandbox.baseUrl}/v1/notifications/webhooks-events/${eventId}/resend`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await sandboxToken(h)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ webhook_ids: [h.server.webhookId] }),
    });
    if (res.status !== 202) throw new Error(`resend: ${res.status} ${await res.text()}`);
    await h.sandbox.control.settle(15_000);
    const delivery = tap.deliveries.find((d) => parse(d).id === eventId);
    if (!delivery) throw new Error('the resent event did not reach the tap');
    return delivery;
  });
}

function eventIdOf(h: Harness, type: string, text: string): string {
  const event = h.sandbox.control.listEvents().find((e) => e.eventType === type && e.body.includes(text));
  if (!event) throw new Error(`no ${type} naming ${text}`);
  return event.id;
}

/**
 * The captured body edited as text under a fresh event id, then given the captured CRC32 by rewriting 12
 * characters of its `summary` (free text: the JSON stays valid).
 */
function forge(source: RecordedDelivery, edit: (text: string) => string): Buffer {
  const text = source.body.toString('utf8');
  const eventId = String(parse(source).id);
  const edited = Buffer.from(edit(text.replaceAll(eventId, freshEventId())), 'utf8');
  const summary = /"summary":"[^"]{12}/.exec(edited.toString('latin1'));
  if (!summary) throw new Error('no summary of 12 characters or more to patch');
  return forgeCrc32(edited, crc32(source.body), summary.index + '"summary":"'.length);
}

describe('with a world of customers and a captured genuine delivery', () => {
  let h: Harness;
  let w: World;
  let verifier: PayPalSignatureVerifier;
  let attackerActivation: RecordedDelivery;
  let victimActivation: RecordedDelivery;

  beforeAll(async () => {
    h = await startHarness({ env: { HARDBOUND_RECONCILE_INTERVAL_SECONDS: '86400' } });
    w = await buildWorld(h);
    verifier = new PayPalSignatureVerifier({
      webhookId: h.server.webhookId, clock: h.clock, sandboxOrigin: h.sandbox.baseUrl, trustedCaPem: h.sandbox.caCertificatePem,
    });
    attackerActivation = await captureResend(h, eventIdOf(h, 'BILLING.SUBSCRIPTION.ACTIVATED', w.attacker.subscriptionId!));
    victimActivation = await captureResend(h, eventIdOf(h, 'BILLING.SUBSCRIPTION.ACTIVATED', w.monthly.subscriptionId!));
  }, 240_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The forgery verifies with the captured headers, and only thanks to the forged CRC32. */
  async function expectVerifies(source: RecordedDelivery, forged: Buffer): Promise<void> {
    expect(forged.equals(source.body)).toBe(false);
    expect(crc32(forged)).toBe(crc32(source.body));
    expect(await verifier.verify({ headers: source.headers, rawBody: forged })).toMatchObject({ ok: true });
    const unpatched = Buffer.from(forged);
    unpatched[forged.indexOf('"summary":"') + '"summary":"'.length]! ^= 1;
    expect((await verifier.verify({ headers: source.headers, rawBody: unpatched })).ok).toBe(false);
  }

  async function expectForgeryRefused(source: RecordedDelivery, forged: Buffer): Promise<void> {
    await expectVerifies(source, forged);
    const before = await snapshot(w);
    const answer = await replay(h, { headers: source.headers, body: forged });
    expect(await snapshot(w)).toEqual(before);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: true, outcome: 'not_confirmed' });
    expect(await notConfirmedAudits(h, String((JSON.parse(forged.toString('utf8')) as Obj).id))).toHaveLength(1);
  }

  it('the captured transmissions are genuine and already applied: replayed, they are duplicates', async () => {
    for (const d of [attackerActivation, victimActivation]) {
      expect(eventTypeOf(d)).toBe('BILLING.SUBSCRIPTION.ACTIVATED');
      expect(d.upstream).toBe(200);
      expect(await verifier.verify({ headers: d.headers, rawBody: d.body })).toMatchObject({ ok: true });
      expect((await replay(h, d)).json).toEqual({ received: true, outcome: 'duplicate' });
    }
  });

  it('a real CRC32 forgery of the attacker\'s one paid subscription, re-addressed to each of his unpaid checkouts: none completes', async () => {
    for (const unpaid of [w.unpaid.lifetime, w.unpaid.annual, w.unpaid.monthly]) {
      const forged = forge(attackerActivation, (t) => t.replaceAll(w.attacker.checkoutId, unpaid.checkoutId));
      expect(forged.includes(unpaid.checkoutId)).toBe(true);
      await expectForgeryRefused(attackerActivation, forged);
    }
    const rows = await h.server.store.db.selectFrom('checkouts').select(['status', 'licenseId'])
      .where('id', 'in', Object.values(w.unpaid).map((u) => u.checkoutId)).execute();
    expect(rows).toEqual([{ status: 'pending', licenseId: null }, { status: 'pending', licenseId: null }, { status: 'pending', licenseId: null }]);
  });

  it('a real CRC32 forgery of the victim\'s subscription with the attacker\'s custom_id, as ACTIVATED and as RE-ACTIVATED: not re-pointed', async () => {
    const toAttacker = (t: string) => t.replaceAll(w.monthly.checkoutId, w.attacker.checkoutId);
    await expectForgeryRefused(victimActivation, forge(victimActivation, toAttacker));
    await expectForgeryRefused(victimActivation, forge(victimActivation, (t) => toAttacker(t).replace('"BILLING.SUBSCRIPTION.ACTIVATED"', '"BILLING.SUBSCRIPTION.RE-ACTIVATED"')));
    const link = await h.server.store.db.selectFrom('providerRefs').selectAll().where('ref', '=', w.monthly.subscriptionId!).execute();
    expect(link).toEqual([expect.objectContaining({ checkoutId: w.monthly.checkoutId, licenseId: w.monthly.licenseId })]);
  });

  it('a real CRC32 forgery turning the attacker\'s activation into the victim\'s cancellation: the victim keeps his subscription', async () => {
    const forged = forge(attackerActivation, (t) => t
      .replaceAll(w.attacker.subscriptionId!, w.monthly.subscriptionId!)
      .replaceAll(w.attacker.checkoutId, w.monthly.checkoutId)
      .replace('"BILLING.SUBSCRIPTION.ACTIVATED"', '"BILLING.SUBSCRIPTION.CANCELLED"')
      .replace('"status":"ACTIVE"', '"status":"CANCELLED"'));
    await expectForgeryRefused(attackerActivation, forged);
  });

  it('a genuine renewal delivery replayed within the freshness window: each replay a duplicate, nothing changes', async () => {
    const renewal = await withTap(h, { forward: true }, async (tap) => {
      h.sandbox.control.renewSubscription(w.monthly.subscriptionId!);
      await h.sandbox.control.settle(15_000);
      return tap.deliveries.find((d) => eventTypeOf(d) === 'PAYMENT.SALE.COMPLETED' && d.body.includes(w.monthly.subscriptionId!))!;
    });
    expect(renewal.upstream).toBe(200);
    const before = await snapshot(w);
    const rows = dumpTables(h);
    for (let i = 0; i < 3; i++) {
      const answer = await replay(h, renewal);
      expect(answer).toMatchObject({ status: 200, json: { received: true, outcome: 'duplicate' } });
    }
    // Not even an inbox or audit row: a duplicate is a duplicate.
    expect(dumpTables(h)).toEqual(rows);
    expect(await snapshot(w)).toEqual(before);
  });

  it('a signed body taking the event id of a genuine refund before PayPal delivers it does not cost the refund', async () => {
    // The attacker's lifetime license on machine A5; PayPal refunds it. Its PAYMENT.CAPTURE.REFUNDED transmission
    // is seen on its way (and, say, answered 503 during an outage: PayPal will deliver it again).
    const a5 = await buy(h, 'attacker: lifetime on A5', 'enterprise-lifetime', newAnchor());
    const refund = await withTap(h, { forward: false }, async (tap) => {
      h.sandbox.control.refundCapture(a5.captureId!);
      await h.sandbox.control.settle(15_000);
      return tap.deliveries.find((d) => eventTypeOf(d) === 'PAYMENT.CAPTURE.REFUNDED' && d.body.includes(a5.captureId!))!;
    });
    expect(refund).toBeDefined();
    const eventId = String(parse(refund).id);
    // Before that delivery comes again, a signed body of a type the server ignores, under the same event id.
    const squat = await tell(h, JSON.stringify({
      id: eventId, event_version: '1.0', create_time: new Date(h.clock.now()).toISOString(), resource_type: 'product',
      event_type: 'CATALOG.PRODUCT.CREATED', summary: 'A product was created', resource: { id: 'PROD-HARDBOUND', name: 'x' },
    }));
    expect(squat.status).toBe(200);
    // PayPal's delivery of the real refund arrives.
    const answer = await replay(h, refund);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: true, outcome: 'applied' });
    const after = await refresh(h, a5.anchor, a5.token);
    expect(after.body.license?.status).toBe('refunded');
    expect(after.body.entitlement.claims.tier).toBe('free');
  });

  it('a genuine subscription delivery replayed after the freshness window: 400 stale_transmission, nothing changes', async () => {
    const before = dumpTables(h);
    h.clock.advance(16 * 60_000);
    for (const d of [attackerActivation, victimActivation]) {
      const answer = await replay(h, d);
      expect(answer.status).toBe(400);
      expect(answer.json).toEqual({ error: { code: 'stale_transmission', message: expect.any(String) } });
    }
    expect(dumpTables(h)).toEqual(before);
  });
});

describe('freshness, with genuinely signed transmissions from a PayPal whose clock runs ahead', () => {
  const AHEAD_MS = 20 * 60_000;
  let h: Harness;
  let sandboxClock: AdjustableClock;

  beforeAll(async () => {
    sandboxClock = new AdjustableClock();
    h = await startHarness({ env: { HARDBOUND_RECONCILE_INTERVAL_SECONDS: '86400' }, sandbox: { clock: sandboxClock } });
    sandboxClock.advance(AHEAD_MS);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  it('future → 400 future_transmission; within the window → accepted; past the window → 400 stale_transmission', async () => {
    const body = JSON.stringify({
      id: freshEventId(), event_version: '1.0', create_time: new Date(sandboxClock.now()).toISOString(),
      resource_type: 'product', event_type: 'CATALOG.PRODUCT.CREATED', summary: 'A product was created', resource: { id: 'PROD-1', name: 'x' },
    });
    const delivery = await signedDelivery(h, body);
    const sent = Date.parse(delivery.headers['paypal-transmission-time']!);
    expect(sent - h.clock.now()).toBeGreaterThan(15 * 60_000);

    const future = await postWebhook(h, delivery.headers, delivery.body);
    expect(future.status).toBe(400);
    expect(future.json).toEqual({ error: { code: 'future_transmission', message: expect.any(String) } });
    expect(dumpTables(h).webhook_inbox).toEqual([]);

    h.clock.advance(AHEAD_MS);
    const fresh = await postWebhook(h, delivery.headers, delivery.body);
    expect(fresh).toMatchObject({ status: 200, json: { received: true, outcome: 'ignored' } });

    h.clock.advance(16 * 60_000);
    const stale = await postWebhook(h, delivery.headers, delivery.body);
    expect(stale.status).toBe(400);
    expect(stale.json).toEqual({ error: { code: 'stale_transmission', message: expect.any(String) } });
  });
});
