// Support lookup over HTTP: any id a customer can quote finds the license with its timeline and audit trail;
// only a live support token gets in; every lookup is audited with the staff member's token name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, SupportLookupResponse } from '../../common/api';
import * as supportTokens from '../../server/store/support-tokens';
import { newAnchor, startHarness, type Harness } from './harness';
import { auditFor, auditRows, buy, supportCall, type Purchase } from './support-staff';

let h: Harness;
let alice: string;
let paid: Purchase;
let refunded: Purchase;

beforeAll(async () => {
  h = await startHarness();
  alice = await h.server.support.createToken('alice', 'act');
  paid = await buy(h);
  refunded = await buy(h);
  h.sandbox.control.refundCapture(refunded.view.license.transactionId!);
  await h.sandbox.control.settle(10_000);
});
afterAll(async () => {
  await h?.close();
});

const lookup = (q: string, token: string | undefined = alice) =>
  supportCall<SupportLookupResponse>(h, token, 'GET', `/v1/support/lookup?q=${encodeURIComponent(q)}`);

describe('support lookup finds a one-time purchase by every id a customer may quote', () => {
  const ids = (): Array<[string, string]> => [
    ['capture id', paid.view.license.transactionId!],
    ['order id', paid.providerId],
    ['license id', paid.view.license.id],
    ['checkout id', paid.checkout.checkoutId],
  ];

  it('answers the same license, with anchor, status, plan, amounts and the payment on its timeline', async () => {
    for (const [kind, q] of ids()) {
      const res = await lookup(q);
      expect(res.status, kind).toBe(200);
      expect(res.body.query).toBe(q);
      expect(res.body.licenses, kind).toHaveLength(1);
      const [license] = res.body.licenses;
      expect(license).toMatchObject({
        id: paid.view.license.id,
        anchor: paid.anchor,
        status: 'active',
        tier: 'enterprise',
        planId: 'enterprise-lifetime',
        provider: 'paypal',
        amount: '49.00',
        currency: 'USD',
        transactionId: paid.view.license.transactionId,
        orderId: paid.providerId,
        checkoutId: paid.checkout.checkoutId,
      });
      const payments = license!.timeline.filter((e) => e.kind === 'payment.completed');
      expect(payments, kind).toHaveLength(1);
      expect(payments[0]).toMatchObject({ source: 'provider', amount: '49.00', currency: 'USD', reference: paid.view.license.transactionId });
    }
  });

  it('leaves exactly one audit row per lookup: the token, the id kind and the license found, and shows it in the answer', async () => {
    const before = (await auditRows(h)).length;
    for (const [, q] of ids()) {
      const res = await lookup(q);
      expect(res.body.audit.at(-1)).toMatchObject({ actor: 'alice', action: 'lookup', target: paid.view.license.id, reason: expect.stringMatching(/^search by /) });
    }
    const added = (await auditRows(h)).slice(before);
    expect(added.map((r) => [r.actor, r.action, r.target])).toEqual(ids().map(() => ['alice', 'lookup', paid.view.license.id]));
    expect(added.map((r) => JSON.parse(r.detailJson!).kind)).toEqual(['paypal_id', 'paypal_id', 'license', 'checkout']);
  });

  it('finds it by a transaction id pasted with spaces and in lower case, by machine code and by its short form', async () => {
    const txn = paid.view.license.transactionId!;
    const pasted = `  ${txn.slice(0, 8).toLowerCase()} ${txn.slice(8).toLowerCase()}\n`;
    const byTxn = await lookup(pasted);
    expect(byTxn.body).toMatchObject({ query: txn, kind: 'paypal_id' });
    expect(byTxn.body.licenses.map((l) => l.id)).toEqual([paid.view.license.id]);
    const byMachine = await lookup(` ${paid.anchor.slice(0, 20)}\n${paid.anchor.slice(20)} `);
    expect(byMachine.body.kind).toBe('machine_code');
    expect(byMachine.body.licenses.map((l) => l.id)).toEqual([paid.view.license.id]);
    const byShort = await lookup(`${paid.anchor.slice(0, 6)}…${paid.anchor.slice(-4)}`);
    expect(byShort.body.kind).toBe('short_machine_code');
    expect(byShort.body.licenses.map((l) => l.id)).toContain(paid.view.license.id);
  });

  it('a near miss finds nothing but suggests the id meant', async () => {
    const txn = paid.view.license.transactionId!;
    const typo = `${txn.slice(0, 9)}${txn[9] === 'X' ? 'Y' : 'X'}${txn.slice(10)}`;
    const res = await lookup(typo);
    expect(res.body.licenses).toEqual([]);
    expect(res.body.suggestions).toContainEqual({ id: txn, kind: 'paypal_id' });
    const swapped = await lookup(paid.view.license.id.toUpperCase().replace('LIC_', 'lic_'));
    if (swapped.body.licenses.length === 0) expect(swapped.body.suggestions.map((x) => x.id)).toContain(paid.view.license.id);
  });

  it('an e-mail address (or any text that is not one of our ids) finds nothing and leaves no part of itself anywhere', async () => {
    const before = (await auditRows(h)).length;
    const res = await lookup('Jane.Buyer+vip@example.com');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ query: '', kind: 'not_an_id', licenses: [], suggestions: [] });
    const added = (await auditRows(h)).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]).toMatchObject({ actor: 'alice', action: 'lookup', target: 'lookup:not-an-id' });
    expect(JSON.stringify(added).toLowerCase()).not.toMatch(/jane|buyer|example|vip/);
    expect(h.logs.join('').toLowerCase()).not.toMatch(/jane\.buyer/);
  });

  it('a license lookup also lists earlier lookups made under other ids of the same license', async () => {
    const res = await lookup(paid.view.license.id);
    const kinds = res.body.audit.filter((a) => a.action === 'lookup').map((a) => a.reason);
    expect(kinds).toEqual(expect.arrayContaining(['search by PayPal transaction or order id', 'search by checkout id']));
  });
});

describe('support lookup of other histories', () => {
  it('a refunded purchase: status refunded, Free, payment then refund on the timeline', async () => {
    const res = await lookup(refunded.view.license.transactionId!);
    expect(res.status).toBe(200);
    const [license] = res.body.licenses;
    expect(license).toMatchObject({ id: refunded.view.license.id, status: 'refunded', tier: 'free', anchor: refunded.anchor });
    const kinds = license!.timeline.map((e) => e.kind);
    expect(kinds.indexOf('payment.completed')).toBeGreaterThanOrEqual(0);
    expect(kinds.indexOf('payment.refunded')).toBeGreaterThan(kinds.indexOf('payment.completed'));
    const refund = license!.timeline.find((e) => e.kind === 'payment.refunded');
    expect(refund).toMatchObject({ source: 'provider', amount: '49.00', currency: 'USD' });
    expect(refund!.eventId).not.toBeNull();
  });

  it('a subscription, by its subscription id', async () => {
    const sub = await buy(h, 'enterprise-monthly');
    expect(sub.providerId).toMatch(/^I-/);
    const res = await lookup(sub.providerId);
    expect(res.status).toBe(200);
    expect(res.body.licenses).toHaveLength(1);
    const [license] = res.body.licenses;
    expect(license).toMatchObject({
      id: sub.view.license.id, subscriptionId: sub.providerId, planId: 'enterprise-monthly', status: 'active', tier: 'enterprise', anchor: sub.anchor,
    });
    expect(license!.paidThrough).not.toBeNull();
    expect(license!.timeline.map((e) => e.kind)).toContain('subscription.activated');
  });

  it('an id nobody knows finds nothing, and the attempt is audited all the same', async () => {
    const res = await lookup('9XX00000AA0000000');
    expect(res.status).toBe(200);
    expect(res.body.licenses).toEqual([]);
    expect((await auditFor(h, '9XX00000AA0000000')).map((r) => [r.actor, r.action])).toEqual([['alice', 'lookup']]);
  });

  it('a machine code with several licenses lists each', async () => {
    const anchor = newAnchor();
    const first = await buy(h, 'enterprise-lifetime', anchor);
    h.sandbox.control.refundCapture(first.view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    const second = await buy(h, 'enterprise-lifetime', anchor);
    const res = await lookup(anchor);
    expect(res.body.licenses.map((l) => [l.id, l.status])).toEqual([[first.view.license.id, 'refunded'], [second.view.license.id, 'active']]);
    const rows = await auditFor(h, anchor);
    expect(rows.map((r) => [r.action, (r.detail as { found: string[] }).found.length])).toEqual([['lookup', 2]]);
  });

  it('a missing or oversized q is a 400', async () => {
    for (const path of ['/v1/support/lookup', '/v1/support/lookup?q=', `/v1/support/lookup?q=${'x'.repeat(257)}`]) {
      const res = await supportCall<ApiErrorBody>(h, alice, 'GET', path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.code).toBe('bad_request');
    }
  });
});

describe('support endpoints deny by default', () => {
  const expectUnauthorized = (res: { status: number; body: unknown }) => {
    expect(res.status).toBe(401);
    expect((res.body as ApiErrorBody).error.code).toBe('unauthorized');
  };

  it('no token or a non-bearer header: 401 and no audit row; a wrong token or a poll token: 401 and one failed-authentication row each, without the token', async () => {
    const before = (await auditRows(h)).length;
    const q = paid.view.license.id;
    expectUnauthorized(await supportCall(h, undefined, 'GET', `/v1/support/lookup?q=${q}`));
    const basic = await h.api('GET', `/v1/support/lookup?q=${q}`, { headers: { authorization: `Basic ${alice}` } });
    expectUnauthorized(basic);
    expect((await auditRows(h)).length).toBe(before);
    expectUnauthorized(await supportCall(h, `${alice}x`, 'GET', `/v1/support/lookup?q=${q}`));
    expectUnauthorized(await supportCall(h, paid.checkout.pollToken, 'GET', `/v1/support/lookup?q=${q}`));
    const added = (await auditRows(h)).slice(before);
    expect(added.map((r) => [r.actor, r.action, r.target])).toEqual([
      ['unauthenticated', 'support-auth-failed', 'support-auth'],
      ['unauthenticated', 'support-auth-failed', 'support-auth'],
    ]);
    expect(JSON.stringify(added)).not.toContain(alice);
    expect(JSON.stringify(added)).not.toContain(paid.checkout.pollToken);
    expect(JSON.parse(added[0]!.detailJson!)).toEqual({ client: '127.0.0.1', via: 'bearer' });
  });

  it('actions without a token are refused and change nothing', async () => {
    const id = paid.view.license.id;
    for (const action of ['revoke', 'transfer', 'reissue']) {
      expectUnauthorized(await supportCall(h, undefined, 'POST', `/v1/support/licenses/${id}/${action}`, { reason: 'x', anchor: paid.anchor }));
    }
    const res = await lookup(id);
    expect(res.body.licenses[0]).toMatchObject({ status: 'active', anchor: paid.anchor });
  });

  it('a revoked token stops working at once; other tokens keep working', async () => {
    const bob = await h.server.support.createToken('bob', 'act');
    expect((await lookup(paid.view.license.id, bob)).status).toBe(200);
    expect(await supportTokens.revoke(h.server.store.db, 'bob', Date.now())).toBe(true);
    expectUnauthorized(await lookup(paid.view.license.id, bob));
    expect((await lookup(paid.view.license.id)).status).toBe(200);
  });

  it('the token itself is not stored: only its hash', async () => {
    const rows = await h.server.store.db.selectFrom('supportTokens').selectAll().execute();
    expect(rows.map((r) => r.name)).toContain('alice');
    expect(JSON.stringify(rows)).not.toContain(alice);
  });
});
