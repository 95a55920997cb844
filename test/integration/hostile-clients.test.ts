// What a hostile client can hold or cost the server, against a real server on loopback with short limits
// configured so that every test stays bounded: slow-loris headers and bodies closed by the timeouts (while a
// long-poll still waits its full time), the connection cap, checkout floods per address, per anchor and in
// open checkouts, certificate-URL floods, and /metrics behind its token.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../common/api';
import { createCheckout, newAnchor, startHarness, type Harness } from './harness';

const TEST_MS = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface RawExchange {
  /** Everything the server sent before it closed the connection. */
  answer: Promise<string>;
  /** When the server closed it (ms since the socket connected). */
  closedAfterMs: Promise<number>;
  socket: net.Socket;
}

/** A raw connection that sends `bytes` and then nothing more, as a slow-loris client does. */
function sendAndStall(url: string, bytes: string): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const started = performance.now();
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
  socket.on('error', () => {});
  socket.write(bytes);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, answer: closed.then(() => received), closedAfterMs: closed.then(() => performance.now() - started) };
}

const errorBody = (raw: string): ApiErrorBody => JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as ApiErrorBody;

describe('slow clients', { timeout: TEST_MS }, () => {
  it('half-sent headers and half-sent bodies are answered 408 request_timeout and closed; a long-poll still waits its time', async () => {
    h = await startHarness({ env: { HARDBOUND_HEADERS_TIMEOUT_MS: '300', HARDBOUND_REQUEST_TIMEOUT_MS: '600' } });
    const url = h.server.url;
    const waiting = await createCheckout(h, newAnchor());
    const longPollStarted = performance.now();
    const longPoll = h.api('GET', `/v1/checkouts/${waiting.checkoutId}?wait=2`, { token: waiting.pollToken });

    const halfHeaders = Array.from({ length: 40 }, () => sendAndStall(url, 'POST /v1/checkouts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'));
    const halfBodies = Array.from({ length: 40 }, () =>
      sendAndStall(url, 'POST /v1/checkouts HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"anchor":"'));
    const all = [...halfHeaders, ...halfBodies];
    const closedAfter = await Promise.all(all.map((c) => c.closedAfterMs));
    // Closed by the timeouts (checked every 75 ms here), not by the test's own deadline.
    expect(Math.max(...closedAfter)).toBeLessThan(3_000);
    for (const answer of await Promise.all(all.map((c) => c.answer))) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(errorBody(answer)).toEqual({ error: { code: 'request_timeout', message: expect.any(String) } });
    }
    // Meanwhile, and after, the server serves others; the long-poll was not cut off by the request timeout.
    expect((await h.api('GET', '/healthz')).status).toBe(200);
    const answered = await longPoll;
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ status: 'pending' });
    expect(performance.now() - longPollStarted).toBeGreaterThan(1_900);
    const refused = await h.api<string>('GET', '/metrics');
    expect(refused.body).toMatch(/hardbound_http_refused_total\{code="request_timeout"\} 80/);
  });

  it('past the connection cap, a connection is answered 503 too_many_connections and closed; below it, served', async () => {
    h = await startHarness({ env: { HARDBOUND_MAX_CONNECTIONS: '5' } });
    const { hostname, port } = new URL(h.server.url);
    const held = await Promise.all(Array.from({ length: 5 }, () => new Promise<net.Socket>((resolve) => {
      const socket = net.connect(Number(port), hostname, () => resolve(socket));
      socket.on('error', () => {});
    })));
    const sixth = sendAndStall(h.server.url, '');
    const answer = await sixth.answer;
    expect(answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(errorBody(answer)).toEqual({ error: { code: 'too_many_connections', message: expect.any(String) } });
    expect(await sixth.closedAfterMs).toBeLessThan(2_000);
    for (const socket of held) socket.destroy();
    // The held ones are gone: a new client is served (the server counts a connection until it has closed).
    await new Promise((r) => setTimeout(r, 100));
    expect((await h.api('GET', '/healthz')).status).toBe(200);
  });
});

describe('checkout floods', { timeout: TEST_MS }, () => {
  const create = (anchor: string, headers: Record<string, string> = {}) =>
    h!.api<ApiErrorBody>('POST', '/v1/checkouts', { body: { anchor, plan: 'enterprise-lifetime' }, headers });
  const checkoutRows = async () => (await h!.server.store.db.selectFrom('checkouts').select('id').execute()).length;

  it('per client address: past the limit, 429 rate_limited with Retry-After, and no PayPal order or row', async () => {
    h = await startHarness({ env: { HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '10/1m', HARDBOUND_CHECKOUT_RATE_PER_ANCHOR: '100/1m', HARDBOUND_OPEN_CHECKOUTS_PER_ANCHOR: '100' } });
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await create(newAnchor()));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(10);
    const limited = answers.filter((a) => a.status === 429);
    expect(limited).toHaveLength(20);
    expect(limited[0]!.body.error.code).toBe('rate_limited');
    expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(await checkoutRows()).toBe(10);
  });

  it('behind a trusted proxy, each forwarded client address has its own count; an untrusted X-Forwarded-For is ignored', async () => {
    h = await startHarness({ env: { HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '2/1m', HARDBOUND_TRUSTED_PROXIES: '127.0.0.1' } });
    for (const client of ['203.0.113.7', '203.0.113.8']) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await create(newAnchor(), { 'x-forwarded-for': client })).status);
      expect(statuses, client).toEqual([201, 201, 429]);
    }
    await h.close();
    h = await startHarness({ env: { HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '2/1m' } });
    const statuses = [];
    for (const client of ['203.0.113.7', '203.0.113.8', '203.0.113.9']) statuses.push((await create(newAnchor(), { 'x-forwarded-for': client })).status);
    expect(statuses).toEqual([201, 201, 429]);
  });

  it('per anchor: open checkouts are capped (429 too_many_open_checkouts until one ends), and creations are rate-limited', async () => {
    h = await startHarness({ env: { HARDBOUND_CHECKOUT_RATE_PER_ANCHOR: '4/1h', HARDBOUND_OPEN_CHECKOUTS_PER_ANCHOR: '2', HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '100/1m' } });
    const anchor = newAnchor();
    const first = await create(anchor);
    expect((await create(anchor)).status).toBe(201);
    const capped = await create(anchor);
    expect(capped.status).toBe(429);
    expect(capped.body.error.code).toBe('too_many_open_checkouts');
    const { checkoutId, pollToken } = first.body as unknown as { checkoutId: string; pollToken: string };
    expect((await h.api('POST', `/v1/checkouts/${checkoutId}/cancel`, { token: pollToken })).status).toBe(200);
    expect((await create(anchor)).status).toBe(201);
    // Four creations were counted (the capped one too); the fifth is over the anchor's rate.
    const limited = await create(anchor);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toEqual({ code: 'rate_limited', message: expect.stringMatching(/from this machine/) });
    // Another anchor from the same address is not affected.
    expect((await create(newAnchor())).status).toBe(201);
  });
});

describe('certificate URL floods', { timeout: TEST_MS }, () => {
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  const unsigned = (certUrl: string, i: number) => ({
    'content-type': 'application/json',
    'paypal-transmission-id': `a1b2c3d4-0000-0000-0000-${String(i).padStart(12, '0')}`,
    'paypal-transmission-time': new Date().toISOString(),
    'paypal-transmission-sig': Buffer.alloc(256, 7).toString('base64'),
    'paypal-auth-algo': 'SHA256withRSA',
    'paypal-cert-url': certUrl,
  });
  const fetches = async () => Number(/hardbound_cert_fetches_total (\d+)/.exec((await h!.api<string>('GET', '/metrics')).body)?.[1] ?? 0);

  it('deliveries naming ever new allowed certificate URLs cost a bounded number of fetches, each answered at once', async () => {
    h = await startHarness();
    const body = JSON.stringify({ id: 'WH-FLOOD', event_type: 'PAYMENT.CAPTURE.COMPLETED' });
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 120 }, (_, i) => h!.api<ApiErrorBody>('POST', '/v1/webhooks/paypal', {
      body, headers: unsigned(`${h!.sandbox.baseUrl}/v1/notifications/certs/CERT-360caa42-${hex(i)}-${hex(i * 7)}`, i),
    })));
    expect(performance.now() - started).toBeLessThan(15_000);
    const codes = new Map<string, number>();
    for (const a of answers) codes.set(`${a.status} ${a.body.error.code}`, (codes.get(`${a.status} ${a.body.error.code}`) ?? 0) + 1);
    // A fetched name the sandbox does not know fails the signature; the rest are refused before any fetch.
    expect([...codes.keys()].sort()).toEqual(['401 bad_signature', '503 cert_fetch_busy']);
    expect(await fetches()).toBeLessThanOrEqual(20);

    // The same failing URL again and again: fetched once, then answered from memory.
    await h.close();
    h = await startHarness();
    const same = `${h.sandbox.baseUrl}/v1/notifications/certs/CERT-360caa42-00000000-0000beef`;
    for (let i = 0; i < 30; i++) {
      const answer = await h.api<ApiErrorBody>('POST', '/v1/webhooks/paypal', { body, headers: unsigned(same, i) });
      expect(answer.status).toBe(401);
    }
    expect(await fetches()).toBe(1);
  });
});

describe('/metrics', { timeout: TEST_MS }, () => {
  const token = 'metrics-token-0123456789abcdef0123456789';

  it('with HARDBOUND_METRICS_TOKEN, refuses a request without it (401 unauthorized) or with another one', async () => {
    h = await startHarness({ env: { HARDBOUND_METRICS_TOKEN: token } });
    const without = await h.api<ApiErrorBody>('GET', '/metrics');
    expect(without.status).toBe(401);
    expect(without.body.error.code).toBe('unauthorized');
    expect(without.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await h.api('GET', '/metrics', { token: `${token}x` })).status).toBe(401);
    const allowed = await h.api<string>('GET', '/metrics', { token });
    expect(allowed.status).toBe(200);
    expect(allowed.body).toMatch(/hardbound_long_polls_waiting/);
  });

  it('with HARDBOUND_METRICS_ADDRESS, serves it on a listener of its own', async () => {
    h = await startHarness({ env: { HARDBOUND_METRICS_TOKEN: token, HARDBOUND_METRICS_ADDRESS: '127.0.0.1:0' } });
    expect(h.server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const res = await fetch(h.server.metricsUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/hardbound_long_polls_waiting/);
    expect((await fetch(h.server.metricsUrl!.replace('/metrics', '/v1/plans'))).status).toBe(404);
    expect((await h.api('GET', '/metrics')).status).toBe(401);
  });
});
