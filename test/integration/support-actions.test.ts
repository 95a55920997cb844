// Support actions over HTTP: refund, cancel, revoke, restore, transfer and re-issue, each with a reason, each
// leaving exactly one audit row, each keeping PayPal's billing and the license's access consistent, and each
// telling the app why its access changed.
//
// How transfer is meant to be used (a hardware change): the app on the new machine has no entitlement of
// this license to present, so it cannot pick the license up by refreshing on its own. Support transfers the
// license to the new machine's anchor (the customer reads it from the app) and then re-issues: the answer is
// an entitlement for the license's current anchor, which reaches the new machine out of band and from then on
// refreshes normally. The old machine's next refresh answers Free. A machine that already holds any
// entitlement of ours (an earlier, refunded purchase say) picks a license transferred to it up at refresh.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, CheckoutView, JwksResponse, SupportActionResponse, SupportLicensePage, SupportLookupResponse } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, refresh, startHarness, type Harness } from './harness';
import { auditFor, buy, supportCall } from './support-staff';

let h: Harness;
let carol: string;
let dan: string;
let reader: string;

beforeAll(async () => {
  h = await startHarness();
  carol = await h.server.support.createToken('carol', 'act');
  dan = await h.server.support.createToken('dan', 'act');
  reader = await h.server.support.createToken('rita', 'read');
});
afterAll(async () => {
  await h?.close();
});

const act = <T = SupportActionResponse>(licenseId: string, action: string, body: unknown, token = carol) =>
  supportCall<T>(h, token, 'POST', `/v1/support/licenses/${encodeURIComponent(licenseId)}/${action}`, body);
const page = (licenseId: string, token = carol) => supportCall<SupportLicensePage>(h, token, 'GET', `/v1/support/licenses/${encodeURIComponent(licenseId)}`);
const auditCount = async () => (await h.server.store.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

async function verifiedClaims(token: string) {
  const jwks = await h.api<JwksResponse>('GET', '/.well-known/hardbound/jwks.json');
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks.body), {
    algorithms: ['EdDSA'], typ: 'hardbound-entitlement+jwt', issuer: 'hardbound', audience: 'hardbound-app',
  });
  return payload;
}

describe('revoke', () => {
  it('revokes the license with the reason on its timeline and audit trail; the app refreshes to Free', async () => {
    const p = await buy(h);
    const res = await act(p.view.license.id, 'revoke', { reason: 'chargeback fraud, ticket #12' });
    expect(res.status).toBe(200);
    expect(res.body.license).toMatchObject({ id: p.view.license.id, status: 'revoked', tier: 'free' });
    const revoked = res.body.license.timeline.filter((e) => e.kind === 'license.revoked');
    expect(revoked).toHaveLength(1);
    expect(revoked[0]!.source).toBe('support');

    const r = await refresh(h, p.anchor, p.view.entitlement.token);
    expect(r.status).toBe(200);
    expect(r.body.entitlement.claims).toMatchObject({ tier: 'free', sub: p.anchor, lic: p.view.license.id, why: 'revoked_by_support' });
    expect(r.body.license?.status).toBe('revoked');

    const trail = await auditFor(h, p.view.license.id);
    expect(trail.map((a) => [a.actor, a.action, a.reason])).toEqual([['carol', 'revoke', 'chargeback fraud, ticket #12']]);
  });

  it('the purchase webhooks arriving after the revocation do not bring the license back', async () => {
    h.sandbox.control.setFaults({ shuffle: { windowMs: 60_000 } }); // hold every delivery until flushed
    try {
      const anchor = newAnchor();
      const c = await createCheckout(h, anchor);
      const back = await payOnHostedPage(c.approveUrl);
      const returned = await h.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: back.searchParams.get('token') } });
      if (returned.body.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(returned.body)}`);
      const { license, entitlement } = returned.body;
      expect((await act(license.id, 'revoke', { reason: 'abuse' })).status).toBe(200);
      h.sandbox.control.flushShuffled();
      h.sandbox.control.clearFaults();
      await h.sandbox.control.settle(10_000);
      const r = await refresh(h, anchor, entitlement.token);
      expect(r.body.entitlement.claims.tier).toBe('free');
      expect(r.body.license?.status).toBe('revoked');
    } finally {
      h.sandbox.control.flushShuffled();
      h.sandbox.control.clearFaults();
    }
  });
});

describe('transfer and re-issue', () => {
  it('moves the license to the new anchor: the re-issued entitlement is for it, the old machine gets Free', async () => {
    const p = await buy(h);
    const newMachine = newAnchor();
    const moved = await act(p.view.license.id, 'transfer', { anchor: newMachine, reason: 'new laptop, ticket #7' });
    expect(moved.status).toBe(200);
    expect(moved.body.license).toMatchObject({ id: p.view.license.id, anchor: newMachine, status: 'active', tier: 'enterprise' });

    const reissued = await act(p.view.license.id, 'reissue', { reason: 'deliver to new laptop' });
    expect(reissued.status).toBe(200);
    expect(reissued.body.message).toContain(reissued.body.entitlement!.token);
    expect(reissued.body.message).toContain('Have a license token from support?');
    const claims = await verifiedClaims(reissued.body.entitlement!.token);
    expect(claims).toMatchObject({ sub: newMachine, tier: 'enterprise', lic: p.view.license.id, txn: p.view.license.transactionId, status: 'active' });

    const onNew = await refresh(h, newMachine, reissued.body.entitlement!.token);
    expect(onNew.status).toBe(200);
    expect(onNew.body.entitlement.claims).toMatchObject({ sub: newMachine, tier: 'enterprise', lic: p.view.license.id });

    const onOld = await refresh(h, p.anchor, p.view.entitlement.token);
    expect(onOld.status).toBe(200);
    expect(onOld.body.entitlement.claims).toMatchObject({ sub: p.anchor, tier: 'free', lic: p.view.license.id, why: 'moved' });
    expect(onOld.body.unbound).toBe('moved');
    expect(onOld.body.license).toBeNull();

    // The old machine's token cannot be replayed from the new machine either.
    expect((await refresh(h, newMachine, p.view.entitlement.token)).status).toBe(403);

    const trail = await auditFor(h, p.view.license.id);
    expect(trail.map((a) => [a.actor, a.action, a.reason])).toEqual([
      ['carol', 'transfer', 'new laptop, ticket #7'],
      ['carol', 'reissue', 'deliver to new laptop'],
    ]);
    expect(trail[0]!.detail).toEqual({ from: p.anchor, to: newMachine, token: 'carol' });
  });

  it('re-issue alone gives a fresh entitlement for the current anchor', async () => {
    const p = await buy(h);
    const res = await act(p.view.license.id, 'reissue', { reason: 'keychain wiped' });
    expect(res.status).toBe(200);
    expect(await verifiedClaims(res.body.entitlement!.token)).toMatchObject({ sub: p.anchor, tier: 'enterprise', lic: p.view.license.id });
  });
});

// Regression for server/licenses/refresh.ts: it answered from the presented license whenever that was still the
// anchor's, even a refunded one while the anchor held a granting license from elsewhere.
describe('refresh finds the license that grants, wherever it came from', () => {
  it('a machine that already holds one of our entitlements picks a license transferred to it up at refresh', async () => {
    const earlier = await buy(h);
    h.sandbox.control.refundCapture(earlier.view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    expect((await refresh(h, earlier.anchor, earlier.view.entitlement.token)).body.entitlement.claims.tier).toBe('free');

    const p = await buy(h);
    expect((await act(p.view.license.id, 'transfer', { anchor: earlier.anchor, reason: 'consolidating machines' })).status).toBe(200);
    const r = await refresh(h, earlier.anchor, earlier.view.entitlement.token);
    expect(r.body.entitlement.claims).toMatchObject({ sub: earlier.anchor, tier: 'enterprise', lic: p.view.license.id });
  });

  it('transferring onto a machine with its own license strands neither: the machine keeps the best of both', async () => {
    const target = await buy(h);
    const moving = await buy(h);
    expect((await act(moving.view.license.id, 'transfer', { anchor: target.anchor, reason: 'merging seats' })).status).toBe(200);
    const rows = await h.server.store.db.selectFrom('licenses').selectAll().where('anchor', '=', target.anchor).execute();
    expect(rows.filter((l) => l.supersededBy === null).map((l) => l.id).sort()).toEqual([moving.view.license.id, target.view.license.id].sort());
    expect((await refresh(h, target.anchor, target.view.entitlement.token)).body.entitlement.claims.tier).toBe('enterprise');
    // Either one refunded, the other still grants.
    h.sandbox.control.refundCapture(moving.view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    const r = await refresh(h, target.anchor, target.view.entitlement.token);
    expect(r.body.entitlement.claims).toMatchObject({ tier: 'enterprise', lic: target.view.license.id });
  });

  it('a repurchase after a refund reaches an app that still presents the refunded token', async () => {
    const anchor = newAnchor();
    const first = await buy(h, 'enterprise-lifetime', anchor);
    h.sandbox.control.refundCapture(first.view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    const second = await buy(h, 'enterprise-lifetime', anchor);
    const r = await refresh(h, anchor, first.view.entitlement.token);
    expect(r.body.entitlement.claims).toMatchObject({ sub: anchor, tier: 'enterprise', lic: second.view.license.id });
    expect(r.body.license?.id).toBe(second.view.license.id);
  });
});

describe('bad support actions', () => {
  let licenseId: string;
  let anchor: string;
  beforeAll(async () => {
    const p = await buy(h);
    licenseId = p.view.license.id;
    anchor = p.anchor;
  });

  const expectError = (res: { status: number; body: unknown }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect((res.body as ApiErrorBody).error.code).toBe(code);
  };

  it('a missing, blank or overlong reason is a 400 for every action', async () => {
    for (const action of ['refund', 'cancel', 'revoke', 'restore', 'transfer', 'reissue']) {
      for (const body of [{}, { reason: '   ' }, { reason: 'x'.repeat(501) }, { reason: 42 }]) {
        expectError(await act(licenseId, action, { anchor: newAnchor(), ...body }), 400, 'bad_request');
      }
    }
  });

  it('transfer to something that is not an anchor is a 400 invalid_anchor', async () => {
    for (const bad of [undefined, 'short', `${newAnchor()}A`, 'not base64 at all!!!!!!!!!!!!!!!!!!!!!!!!!!!!']) {
      expectError(await act(licenseId, 'transfer', { anchor: bad, reason: 'typo test' }), 400, 'invalid_anchor');
    }
  });

  it('an unknown license is a 404 for every action', async () => {
    for (const action of ['refund', 'cancel', 'revoke', 'restore', 'transfer', 'reissue']) {
      expectError(await act('lic_doesnotexist000', action, { anchor: newAnchor(), reason: 'x' }), 404, 'not_found');
    }
  });

  it('a read-only token is offered nothing and refused every action (403 forbidden)', async () => {
    const seen = await page(licenseId, reader);
    expect(seen.status).toBe(200);
    expect(seen.body.actions).toEqual([]);
    for (const action of ['refund', 'cancel', 'revoke', 'restore', 'transfer', 'reissue']) {
      expectError(await act(licenseId, action, { anchor: newAnchor(), reason: 'x' }, reader), 403, 'forbidden');
    }
  });

  it('none of the refused actions changed the license or left an audit row', async () => {
    const res = await supportCall<SupportLookupResponse>(h, carol, 'GET', `/v1/support/lookup?q=${licenseId}`);
    expect(res.body.licenses[0]).toMatchObject({ status: 'active', anchor });
    expect((await auditFor(h, licenseId)).map((a) => [a.actor, a.action])).toEqual([['rita', 'lookup'], ['carol', 'lookup']]);
    expect(await auditFor(h, 'lic_doesnotexist000')).toEqual([]);
  });
});

describe('refund, cancel, revoke of a subscription, restore', () => {
  it('refund of a lifetime purchase: PayPal refunds the capture, the webhook makes the license refunded, the app is told "refunded"', async () => {
    const p = await buy(h);
    const offered = await page(p.view.license.id);
    const refundOffer = offered.body.actions.find((a) => a.action === 'refund');
    expect(refundOffer?.consequence).toMatch(/PayPal returns 49\.00 USD to the customer in full/);
    expect(offered.body.live).toMatchObject({ kind: 'payment', api: 'capture', status: 'COMPLETED', id: p.view.license.transactionId });
    const before = await auditCount();
    const res = await act(p.view.license.id, 'refund', { reason: 'customer asked, ticket #31' });
    expect(res.status).toBe(200);
    expect(res.body.license.status).toBe('refunded');
    expect(res.body.outcome).toMatch(/PayPal refunded/);
    expect(await auditCount()).toBe(before + 1);
    expect((await paypalApi(h).getCapture(p.view.license.transactionId!)).status).toBe('REFUNDED');
    const r = await refresh(h, p.anchor, p.view.entitlement.token);
    expect(r.body.entitlement.claims).toMatchObject({ tier: 'free', status: 'refunded', why: 'refunded' });
    // A refunded license is offered no second refund, and the API refuses one.
    expect((await page(p.view.license.id)).body.actions.map((a) => a.action)).not.toContain('refund');
    const again = await act<ApiErrorBody>(p.view.license.id, 'refund', { reason: 'again' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('action_not_allowed');
  });

  it('cancel at period end: PayPal shows it cancelled, Enterprise continues, the app is told support cancelled it', async () => {
    const p = await buy(h, 'enterprise-monthly');
    const before = await auditCount();
    const res = await act(p.view.license.id, 'cancel', { reason: 'customer asked to stop billing', accessUntil: 'period_end' });
    expect(res.status).toBe(200);
    expect(await auditCount()).toBe(before + 1);
    expect((await paypalApi(h).getSubscription(p.providerId)).status).toBe('CANCELLED');
    await h.sandbox.control.settle(10_000);
    const r = await refresh(h, p.anchor, p.view.entitlement.token);
    expect(r.body.entitlement.claims).toMatchObject({ tier: 'enterprise', status: 'canceled', why: 'cancelled_by_support' });
    expect((await page(p.view.license.id)).body.actions.map((a) => a.action)).not.toContain('cancel');
  });

  it('revoke of an active subscription cancels it at PayPal first; the app is told "revoked by support"; never billing while revoked', async () => {
    const p = await buy(h, 'enterprise-monthly');
    const res = await act(p.view.license.id, 'revoke', { reason: 'abuse, ticket #40' });
    expect(res.status).toBe(200);
    expect(res.body.license.status).toBe('revoked');
    expect((await paypalApi(h).getSubscription(p.providerId)).status).toBe('CANCELLED');
    await h.sandbox.control.settle(10_000);
    const r = await refresh(h, p.anchor, p.view.entitlement.token);
    expect(r.body.entitlement.claims).toMatchObject({ tier: 'free', status: 'revoked', why: 'revoked_by_support' });
    const trail = await auditFor(h, p.view.license.id);
    expect(trail.filter((a) => a.action === 'revoke').map((a) => [a.actor, a.reason, (a.detail as { billingCancelled: boolean }).billingCancelled]))
      .toEqual([['carol', 'abuse, ticket #40', true]]);
    // Transfer and re-issue make no sense for a revoked license: not offered, refused with a clear code.
    const offered = (await page(p.view.license.id)).body.actions.map((a) => a.action);
    expect(offered).not.toContain('transfer');
    expect(offered).not.toContain('reissue');
    for (const action of ['transfer', 'reissue']) {
      const refused = await act<ApiErrorBody>(p.view.license.id, action, { reason: 'x', anchor: newAnchor() });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'action_not_allowed', message: expect.stringMatching(/revoked/) });
    }

    // Restore needs a second person; it undoes the revocation, and billing stays cancelled at PayPal.
    const same = await act<ApiErrorBody>(p.view.license.id, 'restore', { reason: 'mistake' });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('second_person_required');
    expect((await page(p.view.license.id, dan)).body.actions.map((a) => a.action)).toContain('restore');
    const restored = await act(p.view.license.id, 'restore', { reason: 'revoked the wrong customer' }, dan);
    expect(restored.status).toBe(200);
    expect(restored.body.license).toMatchObject({ status: 'canceled', tier: 'enterprise' });
    const after = await refresh(h, p.anchor, p.view.entitlement.token);
    expect(after.body.entitlement.claims).toMatchObject({ tier: 'enterprise', status: 'canceled', why: 'cancelled_by_support' });
  });

  it('revoke of a subscription PayPal already stopped billing (its cancel answers 422) still revokes, with one audit row', async () => {
    const p = await buy(h, 'enterprise-monthly');
    const before = await auditCount();
    h.sandbox.control.setPublishing(false);
    try {
      h.sandbox.control.cancelSubscription(p.providerId);
      const res = await act(p.view.license.id, 'revoke', { reason: 'abuse' });
      expect(res.status).toBe(200);
      expect(res.body.license.status).toBe('revoked');
      expect(await auditCount()).toBe(before + 1);
    } finally {
      h.sandbox.control.setPublishing(true);
    }
  });

  it('the license page shows what the money path refused and the live PayPal subscription', async () => {
    const p = await buy(h, 'enterprise-monthly');
    // The first sale may be reported after the activation the checkout completed with: read it from the record.
    const saleId = (await h.server.store.db.selectFrom('licenses').select('transactionId').where('id', '=', p.view.license.id).executeTakeFirstOrThrow()).transactionId!;
    expect(saleId).toMatch(/^[A-Z0-9]{17}$/);
    const now = new Date(h.clock.now()).toISOString();
    const eventId = (n: number) => `WH-SUPPORT${n}X${Date.now().toString(36).toUpperCase()}`;
    // Signed, but naming our sale with a billing agreement id no PayPal id can have: unreadable, kept under the sale.
    h.sandbox.control.deliverEvent({ id: eventId(1), event_version: '1.0', create_time: now, event_type: 'PAYMENT.SALE.COMPLETED', summary: 'odd',
      resource: { id: saleId, billing_agreement_id: 'not an id!' } }, { webhookIds: [h.server.webhookId] });
    // Signed, claiming a refund of our sale that PayPal's API does not show: not confirmed.
    h.sandbox.control.deliverEvent({ id: eventId(2), event_version: '1.0', create_time: now, event_type: 'PAYMENT.SALE.REFUNDED', summary: 'lie',
      resource: { id: 'REFUNDNOTREAL0001', state: 'completed', sale_id: saleId, amount: { total: '9.00', currency: 'USD' } } }, { webhookIds: [h.server.webhookId] });
    await h.sandbox.control.settle(10_000);
    const seen = await page(p.view.license.id);
    const flagged = seen.body.license.timeline.filter((e) => e.outcome).map((e) => [e.kind, e.outcome, e.note]);
    expect(flagged).toEqual(expect.arrayContaining([
      ['PAYMENT.SALE.COMPLETED', 'unreadable', 'bad_resource_id'],
      ['PAYMENT.SALE.REFUNDED', 'not_confirmed', expect.any(String)],
    ]));
    expect(seen.body.license.status).toBe('active');
    expect(seen.body.live).toMatchObject({ kind: 'subscription', id: p.providerId, status: 'ACTIVE' });
    expect(seen.body.actions.map((a) => a.action)).toEqual(['refund', 'cancel', 'revoke', 'transfer', 'reissue']);
    expect(seen.body.actions.find((a) => a.action === 'cancel')?.options?.map((o) => o.accessUntil)).toEqual(['period_end', 'now']);
  });
});
