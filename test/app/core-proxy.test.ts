// Corporate networks: with HTTPS_PROXY set, every call the license core makes goes through the proxy. A
// real forwarding proxy on loopback (CONNECT tunnels, and absolute-form requests for plain http) sits between
// the core and a TLS front for the real server and sandbox; the front records each request with the port it
// came from, the proxy each tunnel it opened, so "through the proxy" is checked per request, not assumed.
// NO_PROXY and HTTP_PROXY are checked the same way.
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @peculiar/x509 loads tsyringe, which needs the Reflect metadata API installed first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JwksResponse } from '../../common/api';
import type { AppState } from '../../common/app-state';
import { systemClock } from '../../common/clock';
import { FileSecretStore } from '../../main/license/file-secret-store';
import { LicenseCore } from '../../main/license/license-core';
import { nodeHttpTransport } from '../../main/license/node-transport';
import type { CheckoutWindowOpener } from '../../main/license/ports';
import { ServerClient } from '../../main/license/server-client';
import { payOnHostedPage, startHarness, type Harness } from '../integration/harness';
import { FakeCheckoutWindow, waitFor } from './core-support';

interface Seen { method: string; path: string; fromPort: number }

/** A forwarding proxy: CONNECT for https, absolute-form requests for http. Records what it carried. */
async function startProxy() {
  const tunnels: Array<{ target: string; upstreamPort: number }> = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    // Absolute-form ("GET http://host:port/path HTTP/1.1"), as curl and most clients send plain http.
    const target = new URL(req.url ?? '');
    const upstream = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req: IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host, port] = (req.url ?? '').split(':');
    const upstream = net.connect(Number(port), host, () => {
      tunnels.push({ target: req.url ?? '', upstreamPort: upstream.localPort! });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => [client, upstream].forEach((x) => x.destroy()));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A certificate for 127.0.0.1 that only this test trusts. */
async function loopbackCertificate(): Promise<{ cert: string; key: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=127.0.0.1',
    notBefore: new Date(Date.now() - 3_600_000),
    notAfter: new Date(Date.now() + 86_400_000),
    keys,
    signingAlgorithm: algorithm,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)).toString('base64');
  return { cert: certificate.toString('pem'), key: `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n` };
}

/** The companion server behind TLS, as a deployment would have it; records every request and where it came from. */
async function startTlsFront(target: string, tls: { cert: string; key: string }) {
  const seen: Seen[] = [];
  const { hostname, port } = new URL(target);
  const server = https.createServer(tls, (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ method: req.method ?? '', path: (req.url ?? '').split('?')[0]!, fromPort: req.socket.remotePort ?? 0 });
    const upstream = http.request({ host: hostname, port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The buyer presses Pay on the hosted page (the test's own request, not the core's); the window reports the return. */
/** A window whose buyer pays, from the `payFrom`-th window opened on (earlier ones are left unpaid). */
function payingWindow(payFrom = 1): CheckoutWindowOpener {
  const window = new FakeCheckoutWindow();
  let opened = 0;
  window.onOpen = (request, w) => {
    if (++opened < payFrom) return;
    void payOnHostedPage(request.approveUrl).then((back) => w.end({ kind: 'returned', orderToken: back.searchParams.get('subscription_id') ?? back.searchParams.get('token') }));
  };
  return window;
}

let h: Harness;
let proxy: Awaited<ReturnType<typeof startProxy>>;
let front: Awaited<ReturnType<typeof startTlsFront>>;
let tls: { cert: string; key: string };
let jwks: JwksResponse;
const dirs: string[] = [];
const cores: LicenseCore[] = [];

beforeAll(async () => {
  h = await startHarness();
  tls = await loopbackCertificate();
  proxy = await startProxy();
  front = await startTlsFront(h.server.url, tls);
  jwks = (await (await fetch(`${h.server.url}/.well-known/hardbound/jwks.json`)).json()) as JwksResponse;
});
afterAll(async () => {
  await Promise.all(cores.map((c) => c.stop()));
  await front?.close();
  await proxy?.close();
  await h?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function core(env: Record<string, string>, checkoutWindow: CheckoutWindowOpener = new FakeCheckoutWindow()): LicenseCore {
  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-proxy-'));
  dirs.push(dir);
  const machineId = randomBytes(16).toString('hex');
  const created = new LicenseCore({
    env: { clock: systemClock, readMachineId: async () => machineId },
    secrets: new FileSecretStore(dir),
    server: { baseUrl: front.url, transport: nodeHttpTransport({ env, ca: tls.cert }), timeoutMs: 10_000, retry: { attempts: 1 } },
    pinnedJwks: jwks,
    issuer: h.config.issuer,
    appSalt: 'proxy-test-salt',
    checkoutWindow,
    flow: { waitSeconds: 5 },
  });
  cores.push(created);
  return created;
}

const flowEnd = (c: LicenseCore) => waitFor<AppState, AppState>((l) => c.onState(l), (s) => (['active', 'cancelled', 'failed', 'offline'].includes(s.flow.step) ? s : undefined), 20_000);
const CHECKOUT = /^\/v1\/checkouts\/chk_[\w-]+/;

describe('the core behind an HTTPS proxy', () => {
  it('sends every call through HTTPS_PROXY: plans, checkout, poll, return, cancel, refresh, cancel subscription, release, redeem', async () => {
    const env = { HTTPS_PROXY: proxy.url };
    // The first window is left unpaid (the buyer cancels in the app): a subscription paid there would make the
    // second purchase a second subscription, which the server refuses.
    const buyer = core(env, payingWindow(2));
    await buyer.start();
    await buyer.refresh();

    // A checkout the buyer cancels in the app, then one paid for (a subscription, so it can be cancelled).
    await buyer.startUpgrade('enterprise-monthly');
    await waitFor<AppState, true>((l) => buyer.onState(l), (s) => (s.flow.step === 'creating' ? undefined : true));
    await buyer.cancelUpgrade();
    await buyer.dismissFlow();
    const paid = flowEnd(buyer);
    await buyer.startUpgrade('enterprise-monthly');
    expect((await paid).flow.step).toBe('active');
    await buyer.refresh();
    await buyer.cancelSubscription();
    expect(buyer.getState().manage.step).toBe('done');
    expect(await buyer.releaseLicense()).toEqual({ ok: true });

    const newComputer = core(env);
    await newComputer.start();
    expect(await newComputer.redeemTransferCode(buyer.getState().license.transfer!.code)).toEqual({ ok: true });
    expect(newComputer.getState().license.tier).toBe('enterprise');

    const calls = new Set(front.seen.map((s) => `${s.method} ${s.path.replace(CHECKOUT, '/v1/checkouts/:id')}`));
    expect([...calls].sort()).toEqual([
      'GET /v1/checkouts/:id',
      'GET /v1/plans',
      'POST /v1/checkouts',
      'POST /v1/checkouts/:id/cancel',
      'POST /v1/checkouts/:id/return',
      'POST /v1/entitlements/cancel-subscription',
      'POST /v1/entitlements/refresh',
      'POST /v1/licenses/redeem',
      'POST /v1/licenses/release',
    ]);
    // Each request reached the server from a tunnel the proxy opened to it: none went around the proxy.
    const tunnelled = new Set(proxy.tunnels.map((t) => t.upstreamPort));
    expect(proxy.tunnels.every((t) => t.target === new URL(front.url).host)).toBe(true);
    expect(front.seen.filter((s) => !tunnelled.has(s.fromPort))).toEqual([]);
  }, 90_000);

  it('goes direct for hosts in NO_PROXY, and uses HTTP_PROXY for a plain-http server', async () => {
    const tunnelsBefore = proxy.tunnels.length;
    const seenBefore = front.seen.length;
    const direct = new ServerClient({ baseUrl: front.url, transport: nodeHttpTransport({ env: { HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, ca: tls.cert }) });
    expect((await direct.listPlans()).plans.length).toBeGreaterThan(0);
    expect(proxy.tunnels.length).toBe(tunnelsBefore);
    expect(front.seen.length).toBe(seenBefore + 1);

    // undici tunnels plain http through the proxy with CONNECT as well.
    const plain = new ServerClient({ baseUrl: h.server.url, transport: nodeHttpTransport({ env: { HTTP_PROXY: proxy.url } }) });
    expect((await plain.listPlans()).plans.length).toBeGreaterThan(0);
    expect(proxy.tunnels.map((t) => t.target)).toContain(new URL(h.server.url).host);
  });

  it('says in words when the proxy itself cannot be reached', async () => {
    const unreachable = new ServerClient({ baseUrl: front.url, transport: nodeHttpTransport({ env: { HTTPS_PROXY: 'http://127.0.0.1:9' }, ca: tls.cert }), retry: { attempts: 1 } });
    await expect(unreachable.listPlans()).rejects.toMatchObject({
      kind: 'offline',
      message: 'Loading the plans failed: the license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.',
    });
  });
});
