// A subscription's whole life against the sandbox and its clock (shared with the server): subscribe, renew, fail, suspend,
// cancel, refund and dispute — each reaching the app as a refreshed entitlement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CancelSubscriptionResponse, CheckoutView, SupportLookupResponse } from '../../common/api';
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

  it('a retried cancel (PayPal already cancelled it) answers like the first, not as an outage', async () => {
    const { anchor, view } = await subscribe();
    h.sandbox.control.setFaults({ shuffle: { windowMs: 60_000 } }); // the first cancel's webhook is held
    try {
      h.sandbox.control.cancelSubscription(view.license.subscriptionId!, 'first attempt');
      const res = await h.api<CancelSubscriptionResponse>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor, token: view.entitlement.token } });
      expect(res.status).toBe(200);
      expect(res.body.cancellation).toBe('requested');
    } finally {
      h.sandbox.control.flushShuffled();
      h.sandbox.control.clearFaults();
    }
    const after = await refreshed(anchor, view.entitlement.token);
    expect(after.license!.status).toBe('canceled');
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

/** The sandbox's JSON of a subscription, as far as these tests read it. */
type SubscriptionJson = { id: string; billing_info: { next_billing_time: string } };

/** The id of the first recorded event of `type` whose resource has `field` = `value`. */
function eventResourceId(type: string, field: string, value: string): string {
  for (const event of h.sandbox.control.listEvents()) {
    if (event.eventType !== type) continue;
    const resource = (JSON.parse(event.body) as { resource: Record<string, unknown> }).resource;
    if (resource[field] === value && typeof resource.id === 'string') return resource.id;
  }
  throw new Error(`no ${type} event with ${field} ${value}`);
}

/** Holds every webhook while `act` runs (the server down, or PayPal slow), then delivers them all, shuffled. */
async function withWebhooksHeld<T>(act: () => Promise<T>): Promise<T> {
  h.sandbox.control.setFaults({ shuffle: { windowMs: 60_000 } });
  try {
    return await act();
  } finally {
    h.sandbox.control.flushShuffled();
    h.sandbox.control.clearFaults();
    await h.sandbox.control.settle(10_000);
  }
}

describe('payments whose webhooks arrive only after the subscription was cancelled', () => {
  it('subscribe, then cancel ten minutes later: the payment counts and the license runs to the paid date', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor, 'enterprise-monthly');
    await h.sandbox.control.settle(10_000);
    const subscriptionId = eventResourceId('BILLING.SUBSCRIPTION.CREATED', 'custom_id', c.checkoutId);
    const paidDate = await withWebhooksHeld(async () => {
      const approved = h.sandbox.control.approveSubscription(subscriptionId) as SubscriptionJson;
      await h.sandbox.control.advanceClock(10 * 60_000);
      h.sandbox.control.cancelSubscription(subscriptionId);
      return approved.billing_info.next_billing_time;
    });
    const saleId = eventResourceId('PAYMENT.SALE.COMPLETED', 'billing_agreement_id', subscriptionId);

    const view = await poll(h, c, 20);
    if (view.status !== 'completed') throw new Error(`not completed: ${JSON.stringify(view)}`);
    expect(view.license).toMatchObject({ status: 'canceled', subscriptionId, transactionId: saleId });
    expect(Date.parse(view.license.accessEndsAt!)).toBe(Date.parse(paidDate));
    expect(view.entitlement.claims.tier).toBe('enterprise');

    const staff = await h.server.support.createToken('lifecycle-support', 'act');
    const found = await h.api<SupportLookupResponse>('GET', `/v1/support/lookup?q=${encodeURIComponent(saleId)}`, { token: staff });
    expect(found.status).toBe(200);
    expect(found.body.licenses.map((license) => license.id)).toEqual([view.license.id]);
  });

  it('renew, then cancel: the renewal still extends the paid-through date and is the license transaction', async () => {
    const { anchor, view } = await subscribe();
    const sub = view.license.subscriptionId!;
    const renewal = await withWebhooksHeld(async () => {
      const renewed = h.sandbox.control.renewSubscription(sub);
      await h.sandbox.control.advanceClock(60_000);
      h.sandbox.control.cancelSubscription(sub);
      return { saleId: String(renewed.sale.id), paidDate: (renewed.subscription as SubscriptionJson).billing_info.next_billing_time };
    });
    expect(Date.parse(renewal.paidDate)).toBeGreaterThan(Date.parse(view.license.paidThrough!) + 27 * DAY);

    const after = await refreshed(anchor, view.entitlement.token);
    expect(after.license).toMatchObject({ status: 'canceled', transactionId: renewal.saleId });
    expect(Date.parse(after.license!.accessEndsAt!)).toBe(Date.parse(renewal.paidDate));
    expect(Date.parse(after.license!.paidThrough!)).toBe(Date.parse(renewal.paidDate));
    expect(after.entitlement.claims.tier).toBe('enterprise');
  });
});
