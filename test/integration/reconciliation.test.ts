// Reconciliation against the sandbox: PayPal does not deliver every event, so the server re-reads on a schedule
// what webhooks never told it, and applies it through the same path, under the same event ids, as a webhook.
// Here webhooks never arrive at all (the sandbox's failFirst fault outlasts every retry) and the app never
// returns; the reconciliation period is two seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, poll, refresh, startHarness, type Harness } from './harness';

const PERIOD_MS = 2_000;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { HARDBOUND_RECONCILE_INTERVAL_SECONDS: String(PERIOD_MS / 1000) } });
});
afterAll(async () => {
  await h?.close();
});

type Completed = Extract<CheckoutView, { status: 'completed' }>;

const runs = (outcome: string): number =>
  h.server.metrics.render().split('\n').filter((l) => l.startsWith('hardbound_job_runs_total') && l.includes(`outcome="${outcome}"`))
    .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);

async function withoutWebhooks<T>(work: () => Promise<T>): Promise<T> {
  h.sandbox.control.setFaults({ failFirst: 1000 });
  try {
    return await work();
  } finally {
    h.sandbox.control.clearFaults();
  }
}

async function auditOf(target: string) {
  return h.server.store.db.selectFrom('auditLog').selectAll().where('target', '=', target).where('actor', '=', 'reconciliation').execute();
}

describe('reconciliation', () => {
  it('an approved order whose app and webhooks all vanished is captured within one period', async () => {
    await withoutWebhooks(async () => {
      const c = await createCheckout(h, newAnchor());
      const orderId = new URL(c.approveUrl).searchParams.get('token')!;
      h.sandbox.control.approveOrder(orderId); // the buyer pays; no return page, no app, no webhook
      const started = Date.now();
      await expect.poll(async () => (await poll(h, c)).status, { timeout: 3 * PERIOD_MS, interval: 100 }).toBe('completed');
      expect(Date.now() - started).toBeLessThan(3 * PERIOD_MS);
      const view = (await poll(h, c)) as Completed;
      expect(view.license).toMatchObject({ status: 'active', tier: 'enterprise' });
      expect((await paypalApi(h).getOrder(orderId)).status).toBe('COMPLETED');
      expect((await auditOf(view.license.id)).map((a) => a.action)).toEqual(['reconcile']);
    });
  });

  it('a subscription cancelled at PayPal whose webhook never arrives is cancelled here within one period', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor, 'enterprise-monthly');
    await payOnHostedPage(c.approveUrl);
    const view = (await poll(h, c, 20)) as Completed;
    expect(view.status).toBe('completed');
    await h.sandbox.control.settle(10_000);
    const subscriptionId = view.license.subscriptionId!;

    await withoutWebhooks(async () => {
      h.sandbox.control.cancelSubscription(subscriptionId);
      await expect.poll(async () => (await refresh(h, anchor, view.entitlement.token)).body.license?.status, { timeout: 3 * PERIOD_MS, interval: 100 }).toBe('canceled');
    });
    const r = await refresh(h, anchor, view.entitlement.token);
    // Cancelled, not ended: Enterprise until the paid period is over.
    expect(r.body.entitlement.claims.tier).toBe('enterprise');
    expect(r.body.license?.accessEndsAt).toBe(view.license.paidThrough);
    const audit = await auditOf(view.license.id);
    expect(audit.map((a) => a.action)).toContain('reconcile');
    expect(JSON.parse(audit.find((a) => a.action === 'reconcile')!.detailJson!)).toMatchObject({ from: 'active', to: 'canceled', subscriptionId });

    // The webhook PayPal finally delivers is the same fact under the same id: nothing changes.
    const before = await h.server.store.db.selectFrom('licenseEvents').selectAll().where('licenseId', '=', view.license.id).execute();
    const cancelled = h.sandbox.control.listEvents().filter((e) => e.eventType === 'BILLING.SUBSCRIPTION.CANCELLED' && e.body.includes(subscriptionId));
    expect(cancelled).toHaveLength(1);
    h.sandbox.control.deliverEvent(cancelled[0]!.body);
    await h.sandbox.control.settle(10_000);
    const after = await h.server.store.db.selectFrom('licenseEvents').selectAll().where('licenseId', '=', view.license.id).execute();
    expect(after).toEqual(before);
  });

  it('a renewal whose webhook never arrives extends the paid-through date', async () => {
    const anchor = newAnchor();
    const c = await createCheckout(h, anchor, 'enterprise-monthly');
    await payOnHostedPage(c.approveUrl);
    const view = (await poll(h, c, 20)) as Completed;
    await h.sandbox.control.settle(10_000);
    const renewed = await withoutWebhooks(async () => {
      const { sale } = h.sandbox.control.renewSubscription(view.license.subscriptionId!);
      await expect.poll(async () => (await refresh(h, anchor, view.entitlement.token)).body.license?.transactionId, { timeout: 3 * PERIOD_MS, interval: 100 }).toBe(String(sale.id));
      return sale;
    });
    const r = await refresh(h, anchor, view.entitlement.token);
    expect(Date.parse(r.body.license!.paidThrough!)).toBeGreaterThan(Date.parse(view.license.paidThrough!));
    expect(r.body.license?.transactionId).toBe(String(renewed.id));
  });

  it('runs once per period, and every run is counted on /metrics', async () => {
    const before = runs('ran');
    await new Promise((resolve) => setTimeout(resolve, 3 * PERIOD_MS));
    const ran = runs('ran') - before;
    expect(ran).toBeGreaterThanOrEqual(1);
    expect(ran).toBeLessThanOrEqual(3);
    // A second try within the period is a no-op: the lease is taken.
    expect(await h.server.runReconciliation()).toBe('skipped');
  });
});
