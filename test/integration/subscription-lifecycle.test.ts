// Issue 5 against the sandbox and its clock (shared with the server): subscribe, renew, fail, suspend,
// cancel, refund and dispute — each reaching the app as a refreshed entitlement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CancelSubscriptionResponse, CheckoutView } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, poll, refresh, startHarness, type Harness } from './harness';

const DAY = 86_400_000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function subscribe(plan = 'enterprise-monthly') {
  const anchor = newAnchor();
  const c = await createCheckout(h, anchor, plan);
  await payOnHostedPage(c.approveUrl);
  const view = await poll(h, c, 20);
  if (view.status !== 'completed') throw new Error(`not completed: ${JSON.stringify(view)}`);
  await h.sandbox.control.settle(10_000);
  return { anchor, view: view as Extract<CheckoutView, { status: 'completed' }> };
}

async function refreshed(anchor: string, token: string) {
  await h.sandbox.control.settle(10_000);
  const r = await refresh(h, anchor, token);
  expect(r.status).toBe(200);
  return r.body;
}

describe('subscriptions over the sandbox clock', () => {
  it('subscribe → Enterprise with a paid-through date; renew → it advances', async () => {
    const { anchor, view } = await subscribe();
    expect(view.license.tier).toBe('enterprise');
    expect(view.license.subscriptionId).toMatch(/^I-/);
    const first = Date.parse(view.license.paidThrough!);
    expect(first).toBeGreaterThan(h.clock.now() + 27 * DAY);
    const sub = view.license.subscriptionId!;
    h.sandbox.control.renewSubscription(sub);
    const after = await refreshed(anchor, view.entitlement.token);
    expect(Date.parse(after.license!.paidThrough!)).toBeGreaterThan(first + 27 * DAY);
    expect(after.entitlement.claims.tier).toBe('enterprise');
    expect(after.entitlement.claims.ptd).toBe(Math.floor(Date.parse(after.license!.paidThrough!) / 1000));
  });

  it('failed renewals: past_due keeps Enterprise, suspension at the threshold gives Free', async () => {
    const { anchor, view } = await subscribe();
    const sub = view.license.subscriptionId!;
    h.sandbox.control.failRenewal(sub);
    const pastDue = await refreshed(anchor, view.entitlement.token);
    expect(pastDue.license!.status).toBe('past_due');
    expect(pastDue.entitlement.claims.tier).toBe('enterprise');
    h.sandbox.control.failRenewal(sub);
    h.sandbox.control.failRenewal(sub);
    const suspended = await refreshed(anchor, pastDue.entitlement.token);
    expect(suspended.license!.status).toBe('suspended');
    expect(suspended.entitlement.claims.tier).toBe('free');
  });

  it('cancel from the app: Enterprise until the period ends, Free after', async () => {
    const { anchor, view } = await subscribe();
    const res = await h.api<CancelSubscriptionResponse>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor, token: view.entitlement.token } });
    expect(res.status).toBe(200);
    expect(res.body.cancellation).toBe('recorded');
    expect(res.body.license!.status).toBe('canceled');
    expect(res.body.license!.accessEndsAt).toBe(view.license.paidThrough);
    expect(res.body.entitlement.claims.tier).toBe('enterprise');
    expect(res.body.entitlement.claims.exp * 1000).toBeLessThanOrEqual(Date.parse(view.license.paidThrough!));
    await h.sandbox.control.advanceClock(Date.parse(view.license.paidThrough!) - h.clock.now() + 1_000);
    const after = await refreshed(anchor, res.body.entitlement.token);
    expect(after.entitlement.claims.tier).toBe('free');
    const again = await h.api<{ error: { code: string } }>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor, token: after.entitlement.token } });
    expect(again.status).toBe(200);
  });

  it('a refunded sale gives Free at refresh', async () => {
    const { anchor, view } = await subscribe();
    const r0 = await refreshed(anchor, view.entitlement.token);
    h.sandbox.control.refundSale(r0.license!.transactionId!);
    const after = await refreshed(anchor, r0.entitlement.token);
    expect(after.license!.status).toBe('refunded');
    expect(after.entitlement.claims.tier).toBe('free');
  });

  it('a dispute keeps access and is flagged; resolved for the buyer it ends access', async () => {
    const { anchor, view } = await subscribe();
    const r0 = await refreshed(anchor, view.entitlement.token);
    const dispute = h.sandbox.control.openDispute(r0.license!.transactionId!) as { dispute_id: string };
    const disputed = await refreshed(anchor, r0.entitlement.token);
    expect(disputed.license!.status).toBe('disputed');
    expect(disputed.entitlement.claims.tier).toBe('enterprise');
    h.sandbox.control.resolveDispute(dispute.dispute_id, 'RESOLVED_BUYER_FAVOUR');
    const resolved = await refreshed(anchor, disputed.entitlement.token);
    expect(resolved.license!.status).toBe('reversed');
    expect(resolved.entitlement.claims.tier).toBe('free');
  });

  it('a one-time purchase is not a subscription to cancel', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor);
    await payOnHostedPage(c.approveUrl);
    const v = await poll(h, c, 20);
    if (v.status !== 'completed') throw new Error('not completed');
    const res = await h.api<{ error: { code: string } }>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor, token: v.entitlement.token } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('not_a_subscription');
  });
});
