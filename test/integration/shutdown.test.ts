// Graceful shutdown: close() answers parked long-polls at once with the checkout's current state, lets a
// request that is committing finish first, and then resolves; nothing is accepted afterwards.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckoutView } from '../../common/api';
import { openStore } from '../../server/store/database';
import * as licenses from '../../server/store/licenses';
import { createCheckout, newAnchor, payOnHostedPage, startHarness, type Harness } from './harness';

let h: Harness | undefined;
let proxy: HoldingProxy | undefined;
afterEach(async () => {
  proxy?.release();
  await h?.close();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function parkedPolls(harness: Harness): Promise<number> {
  const res = await fetch(`${harness.server.url}/metrics`);
  const match = /^hardbound_long_polls_waiting (\d+)$/m.exec(await res.text());
  return Number(match?.[1] ?? -1);
}

describe('graceful shutdown', () => {
  it('answers every parked long-poll promptly with the current state, then resolves', async () => {
    h = await startHarness();
    const harness = h;
    const checkouts = await Promise.all([1, 2, 3, 4].map(() => createCheckout(harness, newAnchor())));
    const polls = checkouts.map(async (c) => {
      const res = await fetch(`${harness.server.url}/v1/checkouts/${c.checkoutId}?wait=30`, {
        headers: { authorization: `Bearer ${c.pollToken}` },
        signal: AbortSignal.timeout(40_000),
      });
      return { status: res.status, body: (await res.json()) as CheckoutView, at: Date.now() };
    });
    await waitFor('4 parked long-polls', async () => (await parkedPolls(harness)) === 4);

    const started = Date.now();
    await harness.server.close();
    const closedAfter = Date.now() - started;
    const answers = await Promise.all(polls);

    expect(closedAfter).toBeLessThan(5_000);
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({ status: 'pending' });
      expect(answer.at - started).toBeLessThan(5_000);
    }
    await expect(fetch(`${harness.server.url}/healthz`, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });

  it('a request that is capturing and committing finishes before close() resolves, and its license is kept', async () => {
    proxy = await startHoldingProxy();
    const via = proxy;
    h = await startHarness({ paypalApiBase: (sandboxUrl) => via.forwardTo(sandboxUrl) });
    const harness = h;
    harness.sandbox.control.setFaults({ shuffle: { windowMs: 60_000 } }); // only the app's return may capture
    const anchor = newAnchor();
    const c = await createCheckout(harness, anchor);
    const back = await payOnHostedPage(c.approveUrl);

    via.hold((req) => req.method === 'POST' && /\/capture$/.test(req.url ?? ''));
    const returned = harness.api<CheckoutView>('POST', `/v1/checkouts/${c.checkoutId}/return`, {
      token: c.pollToken,
      body: { token: back.searchParams.get('token') },
    });
    await waitFor('the capture to reach PayPal', async () => via.held > 0);

    let closed = false;
    const closing = harness.server.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 300));
    expect(closed).toBe(false); // close() waits for the request in flight
    const started = Date.now();
    via.release();
    const [res] = await Promise.all([returned, closing]);

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.headers.connection).toBe('close');

    const reopened = await openStore({ url: harness.config.databaseUrl });
    try {
      const [license] = await licenses.listByAnchor(reopened.db, anchor);
      expect(license).toMatchObject({ status: 'active', tier: 'enterprise', checkoutId: c.checkoutId });
    } finally {
      await reopened.close();
    }
  });
});

interface HoldingProxy {
  /** Starts forwarding to `target`; returns the proxy's own origin. */
  forwardTo(target: string): string;
  /** Requests matching `which` wait until release(). */
  hold(which: (req: IncomingMessage) => boolean): void;
  release(): void;
  readonly held: number;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host', 'content-encoding']);

/** A loopback HTTP proxy in front of the sandbox that can hold chosen requests: a PayPal call made slow. */
async function startHoldingProxy(): Promise<HoldingProxy> {
  let target = '';
  let which: ((req: IncomingMessage) => boolean) | null = null;
  let held = 0;
  let releaseAll: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        if (which?.(req)) {
          held++;
          await gate;
        }
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP_BY_HOP.has(k))) as Record<string, string>;
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const answer = await fetch(`${target}${req.url}`, { method: req.method, headers, body, signal: AbortSignal.timeout(10_000) });
        const out = Buffer.from(await answer.arrayBuffer());
        const outHeaders = Object.fromEntries([...answer.headers].filter(([k]) => !HOP_BY_HOP.has(k)));
        res.writeHead(answer.status, outHeaders).end(out);
      })().catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    forwardTo(t) {
      target = t;
      return origin;
    },
    hold(predicate) {
      which = predicate;
      gate = new Promise((resolve) => (releaseAll = resolve));
    },
    release() {
      which = null;
      releaseAll();
    },
    get held() {
      return held;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
