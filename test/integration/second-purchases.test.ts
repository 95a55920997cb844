// Several purchases for one machine never lose paid access: the machine's access is what its best license gives.
// A lifetime purchase replaces a subscription (cancelled at PayPal once the lifetime payment is confirmed, and the
// app is told before the buyer pays); what makes no sense to buy is refused with a clear code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, poll, refresh, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type Completed = Extract<CheckoutView, { status: 'completed' }>;

async function pay(c: CreateCheckoutResponse): Promise<Completed> {
  await payOnHostedPage(c.approveUrl);
  const view = await poll(h, c, 20);
  if (view.status !== 'completed') throw new Error(`not completed: ${JSON.stringify(view)}`);
  await h.sandbox.control.settle(10_000);
  return view;
}

async function refused(anchor: string, plan: string): Promise<{ status: number; code: string; message: string }> {
  const res = await h.api<{ error: { code: string; message: string } }>('POST', '/v1/checkouts', { body: { anchor, plan } });
  return { status: res.status, ...res.body.error };
}

async function tierOf(anchor: string, token: string) {
  await h.sandbox.control.settle(10_000);
  const r = await refresh(h, anchor, token);
  expect(r.status).toBe(200);
  return r.body.entitlement.claims;
}

describe('a second purchase for the same machine', () => {
  it('a machine with lifetime cannot buy again (409 already_licensed); nothing is created at PayPal', async () => {
    const anchor = newAnchor();
    await pay(await createCheckout(h, anchor));
    const before = await h.server.store.db.selectFrom('checkouts').select('id').execute();
    for (const plan of ['enterprise-lifetime', 'enterprise-monthly']) {
      const answer = await refused(anchor, plan);
      expect(answer).toMatchObject({ status: 409, code: 'already_licensed' });
      expect(answer.message).toMatch(/lifetime/);
    }
    expect(await h.server.store.db.selectFrom('checkouts').select('id').execute()).toHaveLength(before.length);
  });

  it('a subscriber cannot start a second subscription (409 already_subscribed, naming the subscription)', async () => {
    const anchor = newAnchor();
    const sub = await pay(await createCheckout(h, anchor, 'enterprise-monthly'));
    const answer = await refused(anchor, 'enterprise-annual');
    expect(answer).toMatchObject({ status: 409, code: 'already_subscribed' });
    expect(answer.message).toContain(sub.license.subscriptionId!);
  });

  it('a mistaken double purchase: refunding either one leaves the other in force; refunding both gives Free', async () => {
    const anchor = newAnchor();
    // Both checkouts opened before either was paid (two windows, a double click).
    const first = await createCheckout(h, anchor);
    const second = await createCheckout(h, anchor);
    const one = await pay(first);
    const two = await pay(second);
    expect(two.license.id).not.toBe(one.license.id);

    h.sandbox.control.refundCapture(two.license.transactionId!);
    const afterRefund = await tierOf(anchor, two.entitlement.token);
    expect(afterRefund).toMatchObject({ tier: 'enterprise', lic: one.license.id });

    h.sandbox.control.refundCapture(one.license.transactionId!);
    const afterBoth = await tierOf(anchor, two.entitlement.token);
    expect(afterBoth.tier).toBe('free');
  });

  it('the older purchase refunded first: the newer one still grants', async () => {
    const anchor = newAnchor();
    const first = await createCheckout(h, anchor);
    const second = await createCheckout(h, anchor);
    const one = await pay(first);
    const two = await pay(second);
    h.sandbox.control.refundCapture(one.license.transactionId!);
    expect(await tierOf(anchor, one.entitlement.token)).toMatchObject({ tier: 'enterprise', lic: two.license.id });
  });

  it('a monthly subscriber buys lifetime: told before paying, the subscription is cancelled at PayPal, lifetime grants', async () => {
    const anchor = newAnchor();
    const monthly = await pay(await createCheckout(h, anchor, 'enterprise-monthly'));
    const subscriptionId = monthly.license.subscriptionId!;

    // The machine's own app asks (it presents its entitlement): the subscription is named as the one replaced.
    const asked = await h.api<CreateCheckoutResponse>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime', entitlement: monthly.entitlement.token } });
    expect(asked.status).toBe(201);
    const lifetime = asked.body;
    expect(lifetime.replaces).toEqual({ subscriptionId, planId: 'enterprise-monthly' });
    const paid = await pay(lifetime);

    // PayPal no longer bills the subscription, and support can see why.
    await expect.poll(async () => (await paypalApi(h).getSubscription(subscriptionId)).status, { timeout: 10_000 }).toBe('CANCELLED');
    const audit = await h.server.store.db.selectFrom('auditLog').selectAll().where('action', '=', 'cancel-replaced-subscription').where('target', '=', monthly.license.id).execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.detailJson!)).toEqual({ subscriptionId, replacedBy: paid.license.id });

    const claims = await tierOf(anchor, monthly.entitlement.token);
    expect(claims).toMatchObject({ tier: 'enterprise', lic: paid.license.id });
    expect(claims.ptd).toBeUndefined();
    const subscriptionLicense = await h.server.store.db.selectFrom('licenses').select('status').where('id', '=', monthly.license.id).executeTakeFirstOrThrow();
    expect(subscriptionLicense.status).toBe('canceled');
  });

  it('someone who only knows a subscriber\'s machine code buys lifetime for it: the subscription is left alone', async () => {
    const anchor = newAnchor();
    const monthly = await pay(await createCheckout(h, anchor, 'enterprise-monthly'));
    const subscriptionId = monthly.license.subscriptionId!;
    const other = await pay(await createCheckout(h, newAnchor()));
    for (const entitlement of [undefined, other.entitlement.token, 'not-a-token']) {
      const res = await h.api<CreateCheckoutResponse>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime', ...(entitlement ? { entitlement } : {}) } });
      expect(res.status).toBe(201);
      expect(res.body.replaces).toBeUndefined();
    }
    const stranger = await pay(await createCheckout(h, anchor, 'enterprise-lifetime'));
    expect((await paypalApi(h).getSubscription(subscriptionId)).status).toBe('ACTIVE');
    expect(await h.server.store.db.selectFrom('auditLog').select('id').where('action', '=', 'cancel-replaced-subscription').where('target', '=', monthly.license.id).execute()).toEqual([]);
    // Refunded: the subscriber is exactly where they were.
    h.sandbox.control.refundCapture(stranger.license.transactionId!);
    const claims = await tierOf(anchor, monthly.entitlement.token);
    expect(claims).toMatchObject({ tier: 'enterprise', lic: monthly.license.id });
    expect((await paypalApi(h).getSubscription(subscriptionId)).status).toBe('ACTIVE');
  });
});
