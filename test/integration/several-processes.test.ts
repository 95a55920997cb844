// Two server processes (real child processes) on one throwaway PostgreSQL schema, called directly, no proxy:
// apps long-poll process B while every webhook reaches process A, and each app is answered the moment A commits
// its payment (PostgreSQL NOTIFY, not B's periodic re-read); then B is stopped gracefully (SIGTERM) while 500
// apps wait on it, and every one of them, re-polling at A, gets its answer from A; a third process reading
// signing keys of its own refuses to start.
// Skips with the reason where PostgreSQL is missing; fails under CI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import type { CheckoutView } from '../../common/api';
import * as instances from '../../server/store/server-instances';
import { itWithSystem } from '../support/system';
import { probePostgres } from '../server/support-pg';
import { stopServerProcess } from './support-server-process';
import {
  answerLatencies, createCheckout, describeLatencies, inParallel, longPoll, metric, percentile, sleep, TwoProcesses, type AnswerLatencies,
} from './support-two-processes';

const postgres = await probePostgres();

const PAYMENTS = 240;
const WARMUP_PAYMENTS = 120;
const PAYMENTS_PER_SECOND = 30;
const WAITING_AT_RESTART = 500;
const WAIT_SECONDS = 25;
/** Generous bounds for a shared, noisy 2-core machine (load average 9 measured p50 234 ms, p99 574 ms). A
 *  missed notification is made up for only by the app's re-poll after its 25 s wait while notifications flow, so
 *  these still tell a notification from the fallback. */
const P50_BOUND_MS = 1_500;
const P99_BOUND_MS = 5_000;

let pair: TwoProcesses | undefined;
afterAll(async () => {
  await pair?.close();
});

interface App {
  checkoutId: string;
  pollToken: string;
  orderId: string;
  completedAt?: number;
  answeredBy?: string;
  polls: { server: string; outcome: string }[];
}

/** Long-polls `target()` until completed; an unsettled answer or a refused connection polls again (at whatever
 *  target() says then: the app's own retry, landing on the other process behind a load balancer). */
async function waitForCompletion(app: App, target: () => { name: string; url: string }, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const { name, url } = target();
    const view: CheckoutView | Error = await longPoll(url, app, WAIT_SECONDS);
    if (view instanceof Error) {
      app.polls.push({ server: name, outcome: `error: ${view.message}` });
      await sleep(50);
      continue;
    }
    app.polls.push({ server: name, outcome: view.status });
    if (view.status === 'completed') {
      app.completedAt = Date.now();
      app.answeredBy = name;
      return;
    }
    if (view.status !== 'pending' && view.status !== 'approved') throw new Error(`checkout ${app.checkoutId} ended ${view.status}`);
  }
}

async function parkedOn(url: string): Promise<number> {
  return metric(url, 'hardbound_long_polls_waiting');
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Approves each order at the sandbox at a steady pace: PayPal delivers CHECKOUT.ORDER.APPROVED to A, which
 *  captures the order and commits the payment. */
async function payAtPace(sandbox: TwoProcesses['sandbox'], apps: readonly App[], perSecond: number): Promise<void> {
  const started = performance.now();
  for (let i = 0; i < apps.length; i++) {
    const wait = started + (i * 1000) / perSecond - performance.now();
    if (wait > 0) await sleep(wait);
    sandbox.control.approveOrder(apps[i]!.orderId);
  }
}

/** Commit → answer for each app, checked for what any basis must satisfy before it is printed or bounded. */
async function latencies(p: TwoProcesses, apps: readonly App[]): Promise<AnswerLatencies> {
  const measured = await answerLatencies(p.store, apps);
  expect(measured.times).toHaveLength(apps.length);
  expect(measured.fromRecorded).toHaveLength(apps.length);
  // No app hears of a payment before it happened, and the commit never precedes the event recorded inside it: each
  // commit-based time is at most its recorded-based one, so the sorted ones are too, rank by rank.
  expect(measured.times[0]).toBeGreaterThanOrEqual(0);
  expect(measured.times.filter((t, i) => t > measured.fromRecorded[i]!)).toEqual([]);
  return measured;
}

/** `count` apps create checkouts (half at A, half at B: which process created one does not matter), long-poll B,
 *  and their buyers pay at PAYMENTS_PER_SECOND; resolves once every app was answered, each by B. */
async function payingRound(p: TwoProcesses, count: number): Promise<{ apps: App[]; paidMs: number }> {
  const [a, b] = [p.url('A'), p.url('B')];
  const apps: App[] = (await inParallel(Array.from({ length: count }, (_, i) => i), 16, (i) => createCheckout(i % 2 ? a : b)))
    .map((c) => ({ checkoutId: c.checkoutId, pollToken: c.pollToken, orderId: c.orderId, polls: [] }));
  const deadline = Date.now() + 120_000;
  const waiting = Promise.all(apps.map((app) => waitForCompletion(app, () => ({ name: 'B', url: b }), deadline)));
  await until(`${count} long-polls parked on B`, async () => (await parkedOn(b)) >= count, 30_000);
  const paidFrom = Date.now();
  await payAtPace(p.sandbox, apps, PAYMENTS_PER_SECOND);
  await waiting;
  expect(apps.filter((app) => app.answeredBy !== 'B').map((app) => app.checkoutId)).toEqual([]);
  return { apps, paidMs: Date.now() - paidFrom };
}

describe('two server processes on one PostgreSQL', () => {
  itWithSystem(postgres, `apps long-polling B are answered when A commits: ${PAYMENTS} payments, p99 from commit to answer printed`, async () => {
    pair = await TwoProcesses.create({ retryDelaysMs: [250, 1_000, 2_000] });
    const p = pair;
    await p.start('A', { webhooks: true });
    await p.start('B', { webhooks: false });
    const [a, b] = [p.url('A'), p.url('B')];
    expect((await fetch(`${b}/readyz`)).status).toBe(200);
    expect(await metric(b, 'hardbound_change_feed_connected')).toBe(1);

    // Freshly started processes compile their hot paths over the first payments, as a server in service has long
    // done: a first round is measured and printed apart, then the round the figure is about.
    const warmup = await payingRound(p, WARMUP_PAYMENTS);
    console.log(`two processes, warm-up (the first ${WARMUP_PAYMENTS} payments after start, not in the figure below): ${describeLatencies(await latencies(p, warmup.apps))}`);
    const notificationsBefore = await metric(b, 'hardbound_change_notifications_total');
    const { apps, paidMs } = await payingRound(p, PAYMENTS);
    const notificationsOnB = (await metric(b, 'hardbound_change_notifications_total')) - notificationsBefore;

    const measured = await latencies(p, apps);
    const [p50, p99] = [percentile(measured.times, 50), percentile(measured.times, 99)];
    console.log(
      `two processes, payment committed in A → app long-polling B has it: ${describeLatencies(measured)} over ${measured.times.length} payments ` +
      `(${PAYMENTS_PER_SECOND}/s, paid over ${paidMs} ms); notifications heard by B: ${notificationsOnB}`,
    );
    // Every webhook reached A and none B; B heard of every change through PostgreSQL.
    expect(await metric(b, 'hardbound_webhooks_total')).toBe(0);
    expect(await metric(a, 'hardbound_webhooks_total', { outcome: 'applied' })).toBeGreaterThanOrEqual(WARMUP_PAYMENTS + PAYMENTS);
    expect(notificationsOnB).toBeGreaterThanOrEqual(PAYMENTS);
    expect(p50).toBeLessThan(P50_BOUND_MS);
    expect(p99).toBeLessThan(P99_BOUND_MS);
  }, 180_000);

  itWithSystem(postgres, `SIGTERM on B while ${WAITING_AT_RESTART} apps wait: each re-polls and gets its answer from A`, async () => {
    const p = pair!;
    const [a, b] = [p.url('A'), p.url('B')];
    const apps: App[] = (await inParallel(Array.from({ length: WAITING_AT_RESTART }), 16, () => createCheckout(b)))
      .map((c) => ({ checkoutId: c.checkoutId, pollToken: c.pollToken, orderId: c.orderId, polls: [] }));
    let bStopping = false;
    // The load balancer's view: B while it takes traffic, A once B has begun to stop.
    const target = () => (bStopping ? { name: 'A', url: a } : { name: 'B', url: b });
    const deadline = Date.now() + 120_000;
    const waiting = Promise.all(apps.map((app) => waitForCompletion(app, target, deadline)));
    await until(`${WAITING_AT_RESTART} long-polls parked on B`, async () => (await parkedOn(b)) >= WAITING_AT_RESTART, 30_000);

    const bSlot = p.slots.get('B')!;
    const stopStarted = Date.now();
    bStopping = true;
    let stopMs = 0;
    const stopped = stopServerProcess(bSlot.server, 20_000).then((exit) => {
      stopMs = Date.now() - stopStarted;
      return exit;
    });
    // Payments start while B is still shutting down.
    await payAtPace(p.sandbox, apps, 60);
    const exit = await stopped;
    await waiting;

    expect(exit).toEqual({ code: 0, signal: null });
    const notFromA = apps.filter((app) => app.answeredBy !== 'A');
    expect(notFromA.map((app) => `${app.checkoutId}: ${JSON.stringify(app.polls)}`)).toEqual([]);
    // B answered each parked poll as it stopped (pending: nothing to tell yet), and the app polled again at A.
    const answeredByBWhileStopping = apps.filter((app) => app.polls[0]?.server === 'B' && app.polls[0].outcome === 'pending').length;
    expect(answeredByBWhileStopping).toBe(WAITING_AT_RESTART);
    const measured = await latencies(p, apps);
    console.log(
      `rolling restart: B stopped in ${stopMs} ms with ${WAITING_AT_RESTART} apps parked (exit ${exit.code}); all re-polled at A; ` +
      `commit → answer from A: ${describeLatencies(measured)}`,
    );
    // B left nothing behind: its heartbeat row is gone, and A still runs jobs (no lock held by B).
    const live = await instances.seenSince(p.store.db, 0);
    expect(live.map((i) => i.pid)).toEqual([p.slots.get('A')!.server.child.pid]);
    expect((await fetch(`${a}/readyz`)).status).toBe(200);
  }, 180_000);

  itWithSystem(postgres, 'a process reading other signing keys refuses to start, naming the difference', async () => {
    const p = pair!;
    const ownKeys = mkdtempSync(path.join(tmpdir(), 'hardbound-other-keys-'));
    try {
      // Development generates a key of its own in an empty folder: one A cannot verify.
      const refused = await p.start('C', { webhooks: false, env: { HARDBOUND_KEYS_DIR: ownKeys } }).then(() => '', (e: Error) => e.message);
      expect(refused).toContain('signing keys differ between server processes');
      expect(refused).toContain(`the server process ${p.slots.get('A')!.server.child.pid} on `);
      expect(refused).toContain('HARDBOUND_KEYS_DIR');
      expect((await instances.seenSince(p.store.db, 0)).map((i) => i.pid)).toEqual([p.slots.get('A')!.server.child.pid]);
    } finally {
      rmSync(ownKeys, { recursive: true, force: true });
    }
  }, 60_000);
});
