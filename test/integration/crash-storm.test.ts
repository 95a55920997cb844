// Crash in a webhook storm: the server runs as a child process in remote PayPal mode against the sandbox; a storm
// of subscription and payment webhooks (renewals, failed renewals, suspensions, cancels, sale refunds) is
// delivered with retries on, the server is killed with SIGKILL mid-storm and started again on the same port
// and data folder. Once every delivery has settled, each checkout has exactly one license in the state PayPal's
// records call for, and the inbox holds every event once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { API_PATHS, type CheckoutView, type CreateCheckoutResponse } from '../../common/api';
import { DEFAULT_PLANS } from '../../server/config/plans';
import { sandboxPlanId, sandboxSeedPlans } from '../../server/providers/paypal/sandbox-plans';
import { openStore } from '../../server/store/database';
import type { WebhookEvent } from '../../sandbox/model';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { newAnchor } from './harness';
import { freeLoopbackPort, killServerProcess, ServerLauncher, stopServerProcess } from './support-server-process';
import {
  expectedLicense, plannedEventCount, planStorm, runStorm, SandboxApi, type ExpectedLicense, type Subscribed, type SubscriptionJson,
} from './support-storm';

const SUBSCRIPTIONS = 120;
const MIN_STORM_EVENTS = 5_000;
/** 36 s of retries in all: longer than the server is down (it boots in 3-4 s, in 15 s on a machine loaded ×6). */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 3_000, 5_000, 5_000, 5_000, 7_000, 7_000];
/** The kill comes once this share of the storm has been acknowledged. */
const KILL_AT_SHARE = 0.35;
const PAUSE_BEFORE_RESTART_MS = 500;
const SERVER_START_MS = 30_000;
const PRE_STORM_SETTLE_MS = 30_000;
const STORM_SETTLE_MS = 80_000;
const CONCURRENT_CHECKOUTS = 16;

let sandbox: Sandbox | undefined;
let dataDir: string;
const servers = new ServerLauncher();

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-crash-'));
  sandbox = await startSandbox({ port: 0, plans: sandboxSeedPlans(DEFAULT_PLANS), retryDelaysMs: RETRY_DELAYS_MS, deliveryTimeoutMs: 5_000 });
});

afterAll(async () => {
  await servers.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

const succeeded = (event: WebhookEvent) => event.transmissions.some((t) => t.statusCode !== undefined && t.statusCode >= 200 && t.statusCode < 300);

/** The resource of each recorded event of `type`, parsed from the exact body delivered. */
function resources(type: string): Record<string, string>[] {
  return sandbox!.control.listEvents()
    .filter((e) => e.eventType === type)
    .map((e) => (JSON.parse(e.body) as { resource: Record<string, string> }).resource);
}

async function createCheckouts(serverUrl: string, count: number): Promise<CreateCheckoutResponse[]> {
  const created: CreateCheckoutResponse[] = [];
  for (let i = 0; i < count; i += CONCURRENT_CHECKOUTS) {
    const batch = Array.from({ length: Math.min(CONCURRENT_CHECKOUTS, count - i) }, async () => {
      const res = await fetch(`${serverUrl}${API_PATHS.checkouts}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ anchor: newAnchor(), plan: 'enterprise-monthly' }),
      });
      if (res.status !== 201) throw new Error(`create checkout: ${res.status} ${await res.text()}`);
      return (await res.json()) as CreateCheckoutResponse;
    });
    created.push(...(await Promise.all(batch)));
  }
  return created;
}

async function checkoutStatus(serverUrl: string, checkout: CreateCheckoutResponse): Promise<CheckoutView['status']> {
  const res = await fetch(`${serverUrl}${API_PATHS.checkout(checkout.checkoutId)}?wait=0`, { headers: { authorization: `Bearer ${checkout.pollToken}` } });
  return ((await res.json()) as CheckoutView).status;
}

/** Subscribes every checkout (the buyer presses Pay) and waits until the server has activated them all. */
async function subscribeAll(serverUrl: string, checkouts: readonly CreateCheckoutResponse[]): Promise<Subscribed[]> {
  const subscriptionOf = new Map(resources('BILLING.SUBSCRIPTION.CREATED').map((r) => [r.custom_id, r.id]));
  const firstPaidThrough = new Map<string, string>();
  for (const c of checkouts) {
    const id = subscriptionOf.get(c.checkoutId)!;
    const approved = sandbox!.control.approveSubscription(id) as { billing_info: { next_billing_time: string } };
    firstPaidThrough.set(id, approved.billing_info.next_billing_time);
  }
  await sandbox!.control.settle(PRE_STORM_SETTLE_MS);
  const statuses = await Promise.all(checkouts.map((c) => checkoutStatus(serverUrl, c)));
  expect(statuses.filter((s) => s !== 'completed')).toEqual([]);
  const firstSaleOf = new Map(resources('PAYMENT.SALE.COMPLETED').map((r) => [r.billing_agreement_id, r.id]));
  return checkouts.map((c) => {
    const subscriptionId = subscriptionOf.get(c.checkoutId)!;
    return { checkoutId: c.checkoutId, subscriptionId, firstSaleId: firstSaleOf.get(subscriptionId)!, firstPaidThrough: firstPaidThrough.get(subscriptionId)! };
  });
}

/** Each subscription's latest sale by the sandbox's records: its PAYMENT.SALE.COMPLETED events. */
function latestSales(): Map<string, string> {
  const latest = new Map<string, { id: string; at: number }>();
  for (const r of resources('PAYMENT.SALE.COMPLETED')) {
    const at = Date.parse(r.create_time!);
    const seen = latest.get(r.billing_agreement_id!);
    if (seen && seen.at === at) throw new Error(`two sales of ${r.billing_agreement_id} at one instant`);
    if (!seen || at > seen.at) latest.set(r.billing_agreement_id!, { id: r.id!, at });
  }
  return new Map([...latest].map(([sub, sale]) => [sub, sale.id]));
}

function metric(text: string, outcome: string): number {
  const line = text.split('\n').find((l) => l.startsWith('hardbound_webhooks_total{') && l.includes(`outcome="${outcome}"`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

it('kill -9 mid-storm: after restart and settling, every license is as PayPal says, none doubled, none lost', { timeout: 120_000 }, async () => {
  const testStarted = Date.now();
  const sb = sandbox!;
  const api = await SandboxApi.connect(sb);
  const port = await freeLoopbackPort();
  const webhookId = await api.registerWebhook(`http://127.0.0.1:${port}${API_PATHS.paypalWebhook}`);
  const env = {
    HARDBOUND_PORT: String(port),
    HARDBOUND_DATA_DIR: dataDir,
    HARDBOUND_LOG_LEVEL: 'warn',
    PAYPAL_CLIENT_ID: sb.credentials.clientId,
    PAYPAL_CLIENT_SECRET: sb.credentials.clientSecret,
    PAYPAL_WEBHOOK_ID: webhookId,
    PAYPAL_API_BASE: sb.baseUrl,
    PAYPAL_SANDBOX_ORIGIN: sb.baseUrl,
    PAYPAL_SANDBOX_CA_PEM: sb.caCertificatePem,
    PAYPAL_PLAN_IDS: ['enterprise-monthly', 'enterprise-annual'].map((p) => `${p}=${sandboxPlanId(p)}`).join(','),
  };
  let server = await servers.start(env, SERVER_START_MS);
  const serverUrl = server.url;
  expect(serverUrl).toBe(`http://127.0.0.1:${port}`);

  const checkouts = await createCheckouts(serverUrl, SUBSCRIPTIONS);
  const plan = planStorm(await subscribeAll(serverUrl, checkouts));
  const setupMs = Date.now() - testStarted;

  // The storm: every operation runs before the first of its deliveries, which then proceed with retries on.
  const eventsBefore = sb.control.listEvents().length;
  const stormStarted = Date.now();
  const records = runStorm(sb, plan);
  const storm = sb.control.listEvents().slice(eventsBefore);
  expect(storm.length).toBe(plannedEventCount(plan));
  expect(storm.length).toBeGreaterThanOrEqual(MIN_STORM_EVENTS);

  const deliveredCount = () => storm.filter(succeeded).length;
  await until('the first share of the storm to be delivered', () => deliveredCount() >= storm.length * KILL_AT_SHARE, 60_000);
  const deliveredAtKill = deliveredCount();
  const killedAt = sb.clock.now();
  const killedAfterMs = Date.now() - stormStarted;
  await killServerProcess(server);
  expect(server.child.signalCode).toBe('SIGKILL');
  await sleep(PAUSE_BEFORE_RESTART_MS);
  server = await servers.start(env, SERVER_START_MS);
  const downMs = sb.clock.now() - killedAt;
  await sb.control.settle(STORM_SETTLE_MS);
  const stormMs = Date.now() - stormStarted;
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  expect(await stopServerProcess(server, 15_000)).toEqual({ code: 0, signal: null });

  // The kill really came mid-storm: part of it was acknowledged before, the rest refused and retried after.
  const transmissions = storm.flatMap((e) => e.transmissions);
  const refused = transmissions.filter((t) => t.error === 'ECONNREFUSED').length;
  const cutOff = transmissions.filter((t) => t.error !== undefined && t.error !== 'ECONNREFUSED').length;
  const rejected = transmissions.filter((t) => t.statusCode !== undefined && t.statusCode >= 300).length;
  const retried = storm.filter((e) => e.transmissions.length > 1).length;
  const deliveredAfterRestart = storm.filter((e) => e.transmissions.some((t) => t.statusCode === 200 && Date.parse(t.time) > killedAt)).length;
  console.log(
    `crash storm: set-up ${setupMs} ms; ${storm.length} storm events (${eventsBefore} before) for ${SUBSCRIPTIONS} subscriptions; ` +
    `killed after ${killedAfterMs} ms with ${deliveredAtKill} delivered, down ${downMs} ms; ` +
    `${refused} attempts refused, ${cutOff} cut off, ${rejected} non-2xx; ${retried} events retried, ${deliveredAfterRestart} delivered after restart; ` +
    `duplicates answered after restart ${metric(metrics, 'duplicate')}; storm settled in ${stormMs} ms ` +
    `(${Math.round((storm.length * 1000) / stormMs)} events/s including the outage); test ${Date.now() - testStarted} ms`,
  );
  expect(deliveredAtKill).toBeGreaterThan(0);
  expect(deliveredAtKill).toBeLessThan(storm.length);
  expect(refused).toBeGreaterThan(0);
  expect(retried).toBeGreaterThan(0);
  expect(deliveredAfterRestart).toBeGreaterThan(0);
  const allEvents = sb.control.listEvents();
  expect(allEvents.filter((e) => !succeeded(e)).map((e) => e.id)).toEqual([]);

  // Expected licenses from PayPal's side: the subscription, its latest sale, the paid-through that sale bought.
  const latestSale = latestSales();
  const expected = new Map<string, ExpectedLicense>();
  for (const p of plan) {
    const saleId = latestSale.get(p.subscriptionId)!;
    expect(saleId).toBe(records.get(p.subscriptionId)!.sales.at(-1));
    const [subscription, sale] = await Promise.all([
      api.call<SubscriptionJson>('GET', `/v1/billing/subscriptions/${p.subscriptionId}`),
      api.call<{ id: string; state: string }>('GET', `/v1/payments/sale/${saleId}`),
    ]);
    expected.set(p.checkoutId, expectedLicense(subscription, sale, records.get(p.subscriptionId)!.paidThroughAfterSale.get(saleId)!));
  }
  const kinds = new Set([...expected.values()].map((e) => e.status));
  expect([...kinds].sort()).toEqual(['active', 'canceled', 'past_due', 'refunded', 'suspended']);

  const store = await openStore({ url: `sqlite:${path.join(dataDir, 'hardbound.db')}` });
  try {
    const [checkoutRows, licenseRows, inboxRows, timelineRows] = await Promise.all([
      store.db.selectFrom('checkouts').select(['id', 'status', 'licenseId']).execute(),
      store.db.selectFrom('licenses').select(['id', 'checkoutId', 'status', 'transactionId', 'paidThrough', 'subscriptionId', 'supersededBy']).execute(),
      store.db.selectFrom('webhookInbox').select(['eventId', 'outcome']).where('provider', '=', 'paypal').execute(),
      store.db.selectFrom('licenseEvents').select(['eventId', 'licenseId', 'type']).execute(),
    ]);

    // None lost, none doubled: one license per checkout, the one the checkout points at.
    expect(checkoutRows).toHaveLength(SUBSCRIPTIONS);
    expect(licenseRows).toHaveLength(SUBSCRIPTIONS);
    const licenseOf = new Map(licenseRows.map((l) => [l.checkoutId, l]));
    expect(licenseOf.size).toBe(SUBSCRIPTIONS);
    const mismatches: unknown[] = [];
    for (const c of checkoutRows) {
      const license = licenseOf.get(c.id);
      const want = expected.get(c.id);
      const subscriptionId = plan.find((p) => p.checkoutId === c.id)?.subscriptionId;
      const got = license && {
        checkout: c.status, linked: c.licenseId === license.id, superseded: license.supersededBy, subscriptionId: license.subscriptionId,
        status: license.status, transactionId: license.transactionId, paidThrough: Number(license.paidThrough),
      };
      const wanted = want && { checkout: 'completed', linked: true, superseded: null, subscriptionId, ...want };
      if (!isDeepStrictEqual(got, wanted)) mismatches.push({ checkout: c.id, got, wanted });
    }
    expect(mismatches).toEqual([]);

    // The inbox holds every delivered event exactly once, and every storm event was applied.
    expect(inboxRows).toHaveLength(allEvents.length);
    expect(new Set(inboxRows.map((r) => r.eventId))).toEqual(new Set(allEvents.map((e) => e.id)));
    const outcome = new Map(inboxRows.map((r) => [r.eventId, r.outcome]));
    expect(storm.filter((e) => outcome.get(e.id) !== 'applied').map((e) => `${e.id} ${e.eventType} ${outcome.get(e.id)}`)).toEqual([]);
    // … and the facts they told are on the timelines once each: every sale PayPal made, as one renewal of the
    // license its subscription pays for (event ids name facts, so retries and restarts cannot double one).
    const renewals = timelineRows.filter((r) => r.type === 'subscription.renewed');
    expect(new Set(renewals.map((r) => r.eventId)).size).toBe(renewals.length);
    const missing: string[] = [];
    for (const p of plan) {
      const license = licenseOf.get(p.checkoutId)!;
      const onTimeline = new Set(renewals.filter((r) => r.licenseId === license.id).map((r) => r.eventId));
      for (const sale of records.get(p.subscriptionId)!.sales) {
        if (!onTimeline.delete(`paypal:subscription.renewed:${sale}`)) missing.push(`${p.subscriptionId} sale ${sale} not on the timeline`);
      }
      if (onTimeline.size > 0) missing.push(`${p.subscriptionId}: renewals PayPal never made: ${[...onTimeline].join(', ')}`);
    }
    expect(missing).toEqual([]);
  } finally {
    await store.close();
  }
});
