import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock';
import { pollUntilSettled } from '../../main/license/checkout-long-poll';
import { backoffDelay } from '../../main/license/retry-policy';
import { ServerClient, type PaymentChoice } from '../../main/license/server-client';

const NO_CHOICE: PaymentChoice = { provider: null, email: null };
import { ServerClientError } from '../../main/license/server-errors';
import { systemTimers } from '../../main/license/timers';
import { directTransport } from './core-support';

interface Seen { method: string; url: string; headers: IncomingHttpHeaders; body: unknown }

/** Answers in the contract's shapes (common/api.ts): the client checks every 2xx body against them. */
const LICENSE = {
  id: 'lic_1', planId: 'enterprise-monthly', status: 'active', tier: 'enterprise', transactionId: '3AB12345CD678901E',
  subscriptionId: 'I-SUB1', paidThrough: '2030-01-01T00:00:00.000Z', accessEndsAt: null,
};
const entitlementOf = (token: string, status = 'active') => ({
  token,
  claims: { iss: 'hardbound', aud: 'hardbound-app', sub: 'anchor', tier: 'enterprise', lic: 'lic_1', txn: '3AB12345CD678901E', status, plan: 'enterprise-monthly', iat: 1, nbf: 1, exp: 2 },
});
interface Reply { status?: number; body?: unknown; delayMs?: number; destroy?: boolean }

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

/** A loopback server answering each request with the next scripted reply (the last one repeats). */
async function scripted(...replies: Array<Reply | ((seen: Seen) => Reply)>) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const request: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(request);
      const next = replies[Math.min(seen.length - 1, replies.length - 1)]!;
      const reply = typeof next === 'function' ? next(request) : next;
      if (reply.destroy) {
        req.socket.destroy();
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': typeof reply.body === 'string' ? 'text/html' : 'application/json' });
        res.end(text);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs).unref();
      else send();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const fast = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };
const client = (baseUrl: string, timeoutMs = 2_000) => new ServerClient({ baseUrl, transport: directTransport, timeoutMs, retry: fast });
const PLANS = { plans: [{ id: 'enterprise-lifetime', name: 'Enterprise', tier: 'enterprise', price: '49.00', currency: 'USD', billing: { kind: 'one_time' } }] };
const ticket = { checkoutId: 'chk_1', pollToken: 'hbp_secret' };

async function failure(promise: Promise<unknown>): Promise<ServerClientError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ServerClientError);
    return error as ServerClientError;
  }
  throw new Error('expected the call to fail');
}

describe('server client', () => {
  it('lists plans from GET /v1/plans', async () => {
    const s = await scripted({ body: PLANS });
    expect(await client(s.url).listPlans()).toEqual({ plans: PLANS.plans, providers: [] });
    expect(s.seen[0]).toMatchObject({ method: 'GET', url: '/v1/plans' });
  });

  it('lists the providers GET /v1/plans names, and refuses a providers list the contract does not allow', async () => {
    const paystack = { id: 'paystack', name: 'Paystack', requiresEmail: true, checkoutHosts: ['checkout.paystack.com'] };
    const s = await scripted({ body: { ...PLANS, providers: [paystack] } }, { body: { ...PLANS, providers: [{ id: 'paystack' }] } });
    expect(await client(s.url).listPlans()).toEqual({ plans: PLANS.plans, providers: [paystack] });
    expect(await failure(client(s.url).listPlans())).toMatchObject({ kind: 'bad_response' });
  });

  it('sends the chosen provider, and the buyer\'s e-mail only when given, in the checkout request\'s body alone', async () => {
    const created = { checkoutId: 'chk_1', provider: 'paystack', approveUrl: 'https://checkout.paystack.com/0peioxfhpn', pollToken: 'hbp_1', expiresAt: new Date().toISOString() };
    const s = await scripted({ status: 201, body: created });
    expect(await client(s.url).createCheckout('a'.repeat(43), 'enterprise-lifetime', { provider: 'paystack', email: 'ada@example.test' })).toEqual(created);
    await client(s.url).createCheckout('a'.repeat(43), 'enterprise-lifetime', { provider: 'paypal', email: null });
    await client(s.url).createCheckout('a'.repeat(43), 'enterprise-lifetime', NO_CHOICE);
    expect(s.seen.map((r) => r.body)).toEqual([
      { anchor: 'a'.repeat(43), plan: 'enterprise-lifetime', provider: 'paystack', email: 'ada@example.test' },
      { anchor: 'a'.repeat(43), plan: 'enterprise-lifetime', provider: 'paypal' },
      { anchor: 'a'.repeat(43), plan: 'enterprise-lifetime' },
    ]);
    // Never in the URL or a header, where proxies and logs would see it.
    expect(JSON.stringify(s.seen.map((r) => [r.url, r.headers]))).not.toContain('ada@example.test');
  });

  it('retries 5xx with back-off and returns the first good answer', async () => {
    const s = await scripted({ status: 503, body: { error: { code: 'provider_unavailable', message: 'PayPal could not be reached' } } }, { status: 500 }, { body: PLANS });
    expect((await client(s.url).listPlans()).plans).toHaveLength(1);
    expect(s.seen).toHaveLength(3);
  });

  it('gives up after the bounded attempts with a server_error carrying the server code and sentence', async () => {
    const s = await scripted({ status: 503, body: { error: { code: 'provider_unavailable', message: 'PayPal could not be reached; try again in a moment.' } } });
    const error = await failure(client(s.url).listPlans());
    expect(error).toMatchObject({ kind: 'server_error', status: 503, code: 'provider_unavailable', message: 'PayPal could not be reached; try again in a moment.', retryable: true });
    expect(s.seen).toHaveLength(fast.attempts);
  });

  it('never retries a 4xx and maps the {error:{code,message}} body', async () => {
    const s = await scripted({ status: 400, body: { error: { code: 'unknown_plan', message: 'Unknown plan; GET /v1/plans lists the plans on offer.' } } });
    const error = await failure(client(s.url).createCheckout('a'.repeat(43), 'nope', NO_CHOICE));
    expect(error).toMatchObject({ kind: 'rejected', status: 400, code: 'unknown_plan', retryable: false });
    expect(error.message).toMatch(/Unknown plan/);
    expect(s.seen).toHaveLength(1);
    expect(s.seen[0]).toMatchObject({ method: 'POST', url: '/v1/checkouts', body: { anchor: 'a'.repeat(43), plan: 'nope' } });
  });

  it('does not retry 429 either (a 4xx): the server asked for less, not more', async () => {
    const s = await scripted({ status: 429, body: { error: { code: 'rate_limited', message: 'Slow down.' } } });
    expect(await failure(client(s.url).listPlans())).toMatchObject({ kind: 'rejected', code: 'rate_limited' });
    expect(s.seen).toHaveLength(1);
  });

  it('retries dropped connections, then reports offline', async () => {
    const s = await scripted({ destroy: true }, { body: PLANS });
    expect((await client(s.url).listPlans()).plans).toHaveLength(1);
    const dead = await scripted({ destroy: true });
    expect(await failure(client(dead.url).listPlans())).toMatchObject({ kind: 'offline', status: null });
    expect(dead.seen).toHaveLength(fast.attempts);
  });

  it('reports offline when nothing listens, as a sentence with what to do and no errno', async () => {
    const s = await scripted({ body: PLANS });
    const url = s.url;
    await new Promise((resolve) => { const server = servers.pop()!; server.close(resolve); });
    expect(await failure(client(url).listPlans())).toMatchObject({
      kind: 'offline',
      message: 'Loading the plans failed: the license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.',
    });
  });

  it('times a slow answer out as offline, and retries it', async () => {
    const s = await scripted({ delayMs: 1_000, body: PLANS }, { body: PLANS });
    expect((await client(s.url, 150).listPlans()).plans).toHaveLength(1);
    expect(s.seen).toHaveLength(2);
    const slow = await scripted({ delayMs: 1_000, body: PLANS });
    expect(await failure(client(slow.url, 100).listPlans())).toMatchObject({ kind: 'offline', message: expect.stringMatching(/did not answer in time/) });
  });

  it('treats a 2xx it cannot understand as bad_response, without retrying', async () => {
    const s = await scripted({ body: '<html>captive portal</html>' });
    expect(await failure(client(s.url).listPlans())).toMatchObject({ kind: 'bad_response' });
    expect(s.seen).toHaveLength(1);
    const odd = await scripted({ body: { checkoutId: 'chk', pollToken: 't', approveUrl: 'javascript:alert(1)', expiresAt: new Date().toISOString() } });
    expect(await failure(client(odd.url).createCheckout('a'.repeat(43), 'p', NO_CHOICE))).toMatchObject({ kind: 'bad_response' });
  });

  it('checks a completed checkout in full: a license or entitlement the contract does not allow is bad_response', async () => {
    const completed = { status: 'completed', license: LICENSE, entitlement: entitlementOf('h.p.s') };
    for (const broken of [
      { ...completed, license: { id: 'lic' } },
      { ...completed, license: { ...LICENSE, status: 'gold' } },
      { ...completed, entitlement: { token: 'not a jws', claims: completed.entitlement.claims } },
      { ...completed, entitlement: { token: 'h.p.s', claims: {} } },
    ]) {
      const s = await scripted({ body: broken });
      expect(await failure(client(s.url).poll(ticket, 0)), JSON.stringify(broken)).toMatchObject({ kind: 'bad_response' });
    }
    const s = await scripted({ body: completed });
    expect(await client(s.url).poll(ticket, 0)).toEqual(completed);
  });

  it('stops at once when aborted, during a request or during a back-off', async () => {
    const s = await scripted({ delayMs: 5_000, body: PLANS });
    const controller = new AbortController();
    const pending = client(s.url, 10_000).listPlans(controller.signal);
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect(await failure(pending)).toMatchObject({ kind: 'aborted' });
    expect(Date.now() - started).toBeLessThan(2_000);
    const flaky = await scripted({ status: 503 });
    const during = new AbortController();
    const slowRetry = new ServerClient({ baseUrl: flaky.url, transport: directTransport, retry: { attempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 }, random: () => 0.99 });
    const retrying = slowRetry.listPlans(during.signal);
    setTimeout(() => during.abort(), 100);
    expect(await failure(retrying)).toMatchObject({ kind: 'aborted' });
    expect(flaky.seen).toHaveLength(1);
  });

  it('polls with the bearer poll token and ?wait, allowing the wait on top of the timeout', async () => {
    const s = await scripted({ delayMs: 400, body: { status: 'pending' } });
    expect(await client(s.url, 100).poll(ticket, 1)).toEqual({ status: 'pending' });
    expect(s.seen[0]).toMatchObject({ method: 'GET', url: '/v1/checkouts/chk_1?wait=1' });
    expect(s.seen[0]!.headers.authorization).toBe('Bearer hbp_secret');
  });

  it('posts return with the order token, cancel, and refresh with anchor and token', async () => {
    const s = await scripted({ body: { status: 'approved' } }, { body: { status: 'cancelled' } }, { body: { license: null, entitlement: entitlementOf('h.p.s') } });
    const c = client(s.url);
    expect(await c.returned(ticket, '5O190127TN364715T')).toEqual({ status: 'approved' });
    expect(await c.cancel(ticket)).toEqual({ status: 'cancelled' });
    expect((await c.refresh('anchor', 'jws')).entitlement.token).toBe('h.p.s');
    expect(s.seen.map((r) => [r.method, r.url, r.body])).toEqual([
      ['POST', '/v1/checkouts/chk_1/return', { token: '5O190127TN364715T' }],
      ['POST', '/v1/checkouts/chk_1/cancel', {}],
      ['POST', '/v1/entitlements/refresh', { anchor: 'anchor', token: 'jws' }],
    ]);
    expect(s.seen[1]!.headers.authorization).toBe('Bearer hbp_secret');
  });
});

describe('back-off', () => {
  it('grows exponentially to a ceiling, with full jitter below it', () => {
    const policy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.999))).toEqual([99, 199, 399, 799, 999]);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('long poll', () => {
  const loop = (overrides: Partial<Parameters<typeof pollUntilSettled>[2]> = {}) => ({
    signal: new AbortController().signal, clock: systemClock, timers: systemTimers, deadline: Date.now() + 10_000, waitSeconds: 1, minIntervalMs: 0, ...overrides,
  });

  it('keeps asking until the checkout settles', async () => {
    const completed = { status: 'completed', license: LICENSE, entitlement: entitlementOf('h.p.s') };
    const s = await scripted({ body: { status: 'pending' } }, { body: { status: 'approved' } }, { body: completed });
    expect(await pollUntilSettled(client(s.url), ticket, loop())).toEqual(completed);
    expect(s.seen.map((r) => r.url)).toEqual(Array(3).fill('/v1/checkouts/chk_1?wait=1'));
  });

  it.each(['failed', 'cancelled', 'expired'])('stops on %s', async (status) => {
    const s = await scripted({ body: { status, reason: 'Declined' } });
    expect((await pollUntilSettled(client(s.url), ticket, loop())).status).toBe(status);
  });

  it('stops at the deadline with the last unsettled answer, spacing early answers', async () => {
    const s = await scripted({ body: { status: 'pending' } });
    const started = Date.now();
    expect(await pollUntilSettled(client(s.url), ticket, loop({ deadline: Date.now() + 300, minIntervalMs: 100 }))).toEqual({ status: 'pending' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(s.seen.length).toBeGreaterThanOrEqual(2);
    expect(s.seen.length).toBeLessThanOrEqual(4);
  });

  it('rides out a short outage but gives up after consecutive failures', async () => {
    const recovering = await scripted({ status: 502 }, { status: 502 }, { status: 502 }, { body: { status: 'cancelled' } });
    const c = new ServerClient({ baseUrl: recovering.url, transport: directTransport, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const pause = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
    expect((await pollUntilSettled(c, ticket, loop({ pause }))).status).toBe('cancelled');
    const down = await scripted({ status: 502 });
    const d = new ServerClient({ baseUrl: down.url, transport: directTransport, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    expect(await failure(pollUntilSettled(d, ticket, loop({ pause, maxConsecutiveFailures: 3 })))).toMatchObject({ kind: 'server_error' });
    expect(down.seen).toHaveLength(6);
  });

  it('is abortable while a poll is parked at the server', async () => {
    const s = await scripted({ delayMs: 5_000, body: { status: 'pending' } });
    const controller = new AbortController();
    const waiting = pollUntilSettled(client(s.url), ticket, loop({ signal: controller.signal, waitSeconds: 25 }));
    setTimeout(() => controller.abort(), 50);
    expect(await failure(waiting)).toMatchObject({ kind: 'aborted' });
  });
});

describe('server client: cancel subscription', () => {
  it('posts anchor and token to the cancel-subscription path and returns the answer', async () => {
    const answer = { license: { ...LICENSE, status: 'canceled', accessEndsAt: '2030-01-01T00:00:00.000Z' }, entitlement: entitlementOf('h.p.s2', 'canceled'), cancellation: 'recorded' };
    const s = await scripted({ body: answer });
    expect(await client(s.url).cancelSubscription('anchor', 'jws')).toEqual(answer);
    expect(s.seen.map((r) => [r.method, r.url, r.body])).toEqual([['POST', '/v1/entitlements/cancel-subscription', { anchor: 'anchor', token: 'jws' }]]);
  });

  it('maps 409 not_a_subscription to a rejection with the code, and an answer without cancellation to bad_response', async () => {
    const refused = await scripted({ status: 409, body: { error: { code: 'not_a_subscription', message: 'This machine has no subscription to cancel.' } } });
    expect(await failure(client(refused.url).cancelSubscription('a', 't'))).toMatchObject({
      kind: 'rejected', status: 409, code: 'not_a_subscription', message: 'This machine has no subscription to cancel.',
    });
    expect(refused.seen).toHaveLength(1);
    const odd = await scripted({ body: { license: null, entitlement: entitlementOf('h.p.s') } });
    expect(await failure(client(odd.url).cancelSubscription('a', 't'))).toMatchObject({ kind: 'bad_response' });
  });
});
