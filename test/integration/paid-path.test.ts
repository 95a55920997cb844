import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, poll, refresh, startHarness, type Harness } from './harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

type Completed = Extract<CheckoutView, { status: 'completed' }>;
const completed = (v: CheckoutView): Completed => {
  if (v.status !== 'completed') throw new Error(`expected completed, got ${JSON.stringify(v)}`);
  return v;
};

async function timelineOf(licenseId: string) {
  return h.server.store.db.selectFrom('licenseEvents').selectAll().where('licenseId', '=', licenseId).execute();
}

describe('the paid path against the sandbox', () => {
  it('return road first: the app returns before any webhook, the late webhooks change nothing', async () => {
    h.sandbox.control.setFaults({ shuffle: { windowMs: 60_000 } }); // hold every delivery
    try {
      const anchor = newAnchor();
      const c = await createCheckout(h, anchor);
      const back = await payOnHostedPage(c.approveUrl);
      expect(back.pathname).toBe('/checkout/return');
      const orderId = back.searchParams.get('token');
      const res = await h.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: orderId } });
      expect(res.status).toBe(200);
      const done = completed(res.body);
      expect(done.license.status).toBe('active');
      expect(done.license.tier).toBe('enterprise');
      expect(done.entitlement.claims.sub).toBe(anchor);
      expect(done.entitlement.claims.txn).toBe(done.license.transactionId);
      const before = await timelineOf(done.license.id);
      h.sandbox.control.flushShuffled();
      h.sandbox.control.clearFaults();
      await h.sandbox.control.settle(10_000);
      const after = await timelineOf(done.license.id);
      expect(after).toEqual(before);
      expect(completed(await poll(h, c)).license.id).toBe(done.license.id);
    } finally {
      h.sandbox.control.clearFaults();
    }
  });

  it('webhook road first: approval webhook makes the server capture; the return later is a no-op', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor);
    const waiting = poll(h, c, 20);
    const back = await payOnHostedPage(c.approveUrl);
    const started = Date.now();
    const view = completed(await waiting);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(view.license.status).toBe('active');
    await h.sandbox.control.settle(10_000);
    const res = await h.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: back.searchParams.get('token') } });
    expect(completed(res.body).license.id).toBe(view.license.id);
    const events = await timelineOf(view.license.id);
    expect(events.filter((e) => e.type === 'payment.completed')).toHaveLength(1);
  });

  it('window closed without return: approval alone completes through the webhooks', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor);
    const orderId = new URL(c.approveUrl).searchParams.get('token')!;
    h.sandbox.control.approveOrder(orderId);
    const view = completed(await poll(h, c, 20));
    expect(view.license.tier).toBe('enterprise');
  });

  it('the return page captures as well and tells the buyer to go back to the app', async () => {
    h.sandbox.control.setFaults({ shuffle: { windowMs: 60_000 } });
    try {
      const c = await createCheckout(h, newAnchor());
      const back = await payOnHostedPage(c.approveUrl);
      const page = await fetch(back);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/Go back to the app/);
      expect(completed(await poll(h, c)).license.status).toBe('active');
    } finally {
      h.sandbox.control.flushShuffled();
      h.sandbox.control.clearFaults();
      await h.sandbox.control.settle(10_000);
    }
  });

  it('cancel on the approval page leaves the checkout cancelled and grants nothing', async () => {
    const c = await createCheckout(h, newAnchor());
    const back = await payOnHostedPage(c.approveUrl, 'cancel');
    expect(back.pathname).toBe('/checkout/cancel');
    const page = await fetch(back);
    expect(await page.text()).toMatch(/Nothing was charged/);
    expect((await poll(h, c)).status).toBe('cancelled');
  });

  it('refund reaches the app at refresh: Free', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor);
    await payOnHostedPage(c.approveUrl);
    const view = completed(await poll(h, c, 20));
    await h.sandbox.control.settle(10_000);
    h.sandbox.control.refundCapture(view.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    const r = await refresh(h, anchor, view.entitlement.token);
    expect(r.status).toBe(200);
    expect(r.body.entitlement.claims.tier).toBe('free');
    expect(r.body.license?.status).toBe('refunded');
  });
});
