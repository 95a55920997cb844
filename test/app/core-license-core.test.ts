import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../common/app-state';
import { systemClock } from '../../common/clock';
import { createHardboundApi, LicenseCore, type LicenseCoreOptions } from '../../main/license/license-core';
import { NO_LICENSE } from '../../main/license/license-evaluation';
import { STORED_ITEMS } from '../../main/license/stored-items';
import {
  claimsFor,
  directTransport,
  FakeCheckoutWindow,
  FakeClock,
  FakeTimers,
  ISSUER,
  makeIssuer,
  MemorySecretStore,
  randomAnchor,
  storedToken,
  waitFor,
  type TestIssuer,
} from './core-support';

const PLANS = [{ id: 'enterprise-lifetime', name: 'Enterprise (lifetime)', tier: 'enterprise', price: '49.00', currency: 'USD', billing: { kind: 'one_time' } }];
const MACHINE_ID = '8a1f0c55e2b34d7f9e61c0a4b2d3e5f6';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await makeIssuer();
});

/** The companion server's API, reduced to one checkout and a refund switch; signs with the test issuer. */
async function fakeServer() {
  let paid = false;
  const state = { refunded: false, refreshes: 0 };
  const entitlementFor = async (anchor: string) => {
    const claims = claimsFor(anchor, Date.now(), state.refunded ? { tier: 'free', status: 'refunded' } : {});
    return { token: await issuer.sign(claims), claims };
  };
  let anchorSeen = '';
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', async () => {
      const body = raw ? JSON.parse(raw) : {};
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      const license = { id: 'lic_test1', planId: 'enterprise-lifetime', status: 'active', tier: 'enterprise', transactionId: '3AB12345CD678901E', subscriptionId: null, paidThrough: null, accessEndsAt: null };
      const view = async () => (paid ? { status: 'completed', license, entitlement: await entitlementFor(anchorSeen) } : { status: 'pending' });
      const path = (req.url ?? '').split('?')[0];
      if (req.method === 'GET' && path === '/v1/plans') return json(200, { plans: PLANS });
      if (req.method === 'POST' && path === '/v1/checkouts') {
        anchorSeen = body.anchor;
        return json(201, { checkoutId: 'chk_1', provider: 'paypal', approveUrl: 'https://www.sandbox.paypal.test/approve?token=ORDER1', pollToken: 'hbp_1', expiresAt: new Date(Date.now() + 3600_000).toISOString() });
      }
      if (req.method === 'GET' && path === '/v1/checkouts/chk_1') return json(200, await view());
      if (req.method === 'POST' && path === '/v1/checkouts/chk_1/return') {
        paid = true;
        return json(200, await view());
      }
      if (req.method === 'POST' && path === '/v1/entitlements/refresh') {
        state.refreshes++;
        return json(200, { license: null, entitlement: await entitlementFor(body.anchor) });
      }
      json(404, { error: { code: 'not_found', message: 'No such resource.' } });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state, server };
}

const servers: Server[] = [];
const cores: LicenseCore[] = [];
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.stop()));
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => { s.closeAllConnections(); s.close(resolve); })));
});

function makeCore(baseUrl: string, overrides: Partial<LicenseCoreOptions> = {}) {
  const secrets = new MemorySecretStore();
  const checkoutWindow = new FakeCheckoutWindow();
  const core = new LicenseCore({
    env: { clock: systemClock, readMachineId: async () => MACHINE_ID },
    secrets,
    server: { baseUrl, transport: directTransport, timeoutMs: 2_000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } },
    pinnedJwks: issuer.jwks,
    issuer: ISSUER,
    appSalt: 'test-salt',
    checkoutWindow,
    hostname: () => 'test-host',
    flow: { waitSeconds: 1 },
    ...overrides,
  });
  cores.push(core);
  return { core, secrets: (overrides.secrets as MemorySecretStore | undefined) ?? secrets, checkoutWindow };
}

const until = <T>(core: LicenseCore, take: (s: AppState) => T | undefined) => waitFor((l) => core.onState(l), take);

describe('LicenseCore', () => {
  it('starts on Free with the reason, the short anchor and the storage kind, then learns it is online', async () => {
    const s = await fakeServer();
    const { core } = makeCore(s.url, { secrets: new MemorySecretStore('file') });
    const online = until(core, (st) => (st.license.online ? st : undefined));
    await core.start();
    const license = core.getState().license;
    expect(license).toMatchObject({ tier: 'free', entitlement: null, reason: NO_LICENSE, storage: 'file', needsOnlineCheck: false });
    expect(license.anchor).toEqual({ short: expect.stringMatching(/^[A-Za-z0-9_-]{6}…[A-Za-z0-9_-]{4}$/), code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const after = await online;
    expect(after.catalog).toEqual({ plans: PLANS, providers: [] });
    expect(after.license.lastRefreshFailure).toBeNull();
    expect(s.state.refreshes).toBe(0); // nothing to present
  });

  it('upgrades: startUpgrade returns at once, the state goes to active and Enterprise, the token is stored', async () => {
    const s = await fakeServer();
    const { core, secrets, checkoutWindow } = makeCore(s.url);
    await core.start();
    const flows: string[] = [];
    const unsubscribe = core.onState((st) => flows.push(st.flow.step));
    checkoutWindow.onOpen = (_request, w) => setTimeout(() => w.end({ kind: 'returned', orderToken: 'ORDER1' }), 20);
    const done = until(core, (st) => (st.flow.step === 'active' ? st : undefined));
    await core.startUpgrade('enterprise-lifetime');
    expect(core.getState().flow).toEqual({ step: 'creating', planId: 'enterprise-lifetime', provider: { id: '', name: '' } });
    const active = await done;
    expect(active.license).toMatchObject({ tier: 'enterprise', reason: null, online: true, entitlement: { licenseId: 'lic_test1', transactionId: '3AB12345CD678901E' } });
    expect(await storedToken(secrets)).toMatch(/^eyJ/);
    expect(flows).toEqual(expect.arrayContaining(['creating', 'awaiting_approval', 'confirming', 'active']));
    unsubscribe();
    await core.dismissFlow();
    expect(core.getState().flow).toEqual({ step: 'idle' });
    expect(flows.at(-1)).toBe('active'); // unsubscribed before the dismiss
  });

  it('restarts Enterprise from the keychain, stays Enterprise offline, and drops to Free after a refund', async () => {
    const s = await fakeServer();
    const secrets = new MemorySecretStore();
    const first = makeCore(s.url, { secrets });
    await first.core.start();
    first.checkoutWindow.onOpen = (_request, w) => w.end({ kind: 'returned', orderToken: 'ORDER1' });
    const bought = until(first.core, (st) => (st.flow.step === 'active' ? true : undefined));
    await first.core.startUpgrade('enterprise-lifetime');
    await bought;
    await first.core.stop();

    const boughtAt = first.core.getState().license.lastRefreshAt;
    expect(boughtAt).not.toBeNull();
    const offline = makeCore('http://127.0.0.1:9', { secrets });
    await offline.core.start();
    await offline.core.refresh();
    // The last success is remembered across the restart; the failed attempt shows beside it, in words.
    expect(offline.core.getState().license).toMatchObject({
      tier: 'enterprise',
      online: false,
      lastRefreshAt: boughtAt,
      lastRefreshFailure: { at: expect.any(String), message: expect.stringMatching(/cannot be reached; the license saved on this computer is used. Check your internet/) },
    });
    expect(offline.core.getState().license.lastRefreshFailure?.message).not.toMatch(/ECONNREFUSED|ERR_|errno/);

    s.state.refunded = true;
    const back = makeCore(s.url, { secrets });
    await back.core.start();
    await back.core.refresh();
    expect(back.core.getState().license).toMatchObject({ tier: 'free', online: true, reason: 'The purchase was refunded.', entitlement: { status: 'refunded' } });
  });

  it('a clock rolled back more than a day puts the app on Free until a refresh succeeds, and says so', async () => {
    const s = await fakeServer();
    const secrets = new MemorySecretStore();
    const bought = makeCore(s.url, { secrets });
    await bought.core.start();
    bought.checkoutWindow.onOpen = (_request, w) => w.end({ kind: 'returned', orderToken: 'ORDER1' });
    const active = until(bought.core, (st) => (st.flow.step === 'active' ? true : undefined));
    await bought.core.startUpgrade('enterprise-lifetime');
    await active;
    await bought.core.stop();

    const rolledBack = new FakeClock(Date.now() - 3 * 24 * 3600_000);
    const timers = new FakeTimers(rolledBack);
    const offline = makeCore('http://127.0.0.1:9', { secrets, timers, env: { clock: rolledBack, readMachineId: async () => MACHINE_ID } });
    await offline.core.start();
    expect(offline.core.getState().license).toMatchObject({ tier: 'free', needsOnlineCheck: true, reason: expect.stringMatching(/clock is more than a day behind/) });

    const online = makeCore(s.url, { secrets, timers, env: { clock: rolledBack, readMachineId: async () => MACHINE_ID } });
    await online.core.start();
    await online.core.refresh();
    expect(online.core.getState().license).toMatchObject({ tier: 'enterprise', needsOnlineCheck: false, reason: null, online: true });
  });

  it('applies a license token support sent for this machine (wrapped over lines as e-mail does), then refreshes', async () => {
    const s = await fakeServer();
    const { core, secrets } = makeCore(s.url);
    await core.start();
    const anchor = core.getState().license.anchor;
    if (!('code' in anchor)) throw new Error('no anchor');
    expect(anchor.short).toBe(`${anchor.code.slice(0, 6)}…${anchor.code.slice(-4)}`);
    const token = await issuer.sign(claimsFor(anchor.code, Date.now(), { lic: 'lic_moved', txn: '9XY12345AB678901C' }));
    const wrapped = `  ${token.slice(0, 60)}\n${token.slice(60, 130)}\r\n${token.slice(130)}\n`;
    const refreshed = until(core, (st) => (st.license.lastRefreshAt !== null && s.state.refreshes > 0 ? st : undefined));

    expect(await core.importLicense(wrapped)).toEqual({ ok: true });
    expect(core.getState().license).toMatchObject({ tier: 'enterprise', reason: null, entitlement: { licenseId: 'lic_moved', transactionId: '9XY12345AB678901C' } });
    expect(await storedToken(secrets)).toBe(token);
    await refreshed; // the server is asked where the license stands now
  });

  it('refuses, in words and without storing anything, a token for another machine, from another signer, or not a token', async () => {
    const s = await fakeServer();
    const { core, secrets } = makeCore(s.url);
    await core.start();
    const anchor = core.getState().license.anchor;
    if (!('code' in anchor)) throw new Error('no anchor');
    const stranger = await makeIssuer('other-key');
    const cases: [string, RegExp][] = [
      [await issuer.sign(claimsFor(randomAnchor(), Date.now())), /belongs to another machine/],
      [await stranger.sign(claimsFor(anchor.code, Date.now())), /not signed by this app's license server/],
      [await issuer.sign(claimsFor(anchor.code, Date.now() - 60 * 24 * 3600_000)), /expired/],
      ['lic_test1', /not a license token/],
      ['', /not a license token/],
    ];
    for (const [pasted, reason] of cases) {
      const answer = await core.importLicense(pasted);
      expect(answer, pasted.slice(0, 20)).toEqual({ ok: false, message: expect.stringMatching(reason) });
    }
    expect(core.getState().license).toMatchObject({ tier: 'free', entitlement: null });
    expect(secrets.items.has(STORED_ITEMS.entitlement)).toBe(false);
  });

  it('refuses to bind to a placeholder machine id: anchor error and a failed upgrade', async () => {
    const s = await fakeServer();
    const { core } = makeCore(s.url, { env: { clock: systemClock, readMachineId: async () => '00000000-0000-0000-0000-000000000000' } });
    await core.start();
    const license = core.getState().license;
    expect(license.anchor).toEqual({ error: expect.stringMatching(/placeholder/) });
    expect(license.tier).toBe('free');
    expect(license.reason).toMatch(/placeholder/);
    await core.startUpgrade('enterprise-lifetime');
    const flow = await until(core, (st) => (st.flow.step === 'failed' ? st.flow : undefined));
    expect(flow).toMatchObject({ reason: 'anchor_unavailable', retryable: false });
  });

  it('listPlans keeps the plans in the state and rejects in words when offline', async () => {
    const s = await fakeServer();
    const { core } = makeCore(s.url);
    expect(await core.listPlans()).toEqual({ plans: PLANS, providers: [] });
    expect(core.getState().catalog).toEqual({ plans: PLANS, providers: [] });
    const dead = makeCore('http://127.0.0.1:9').core;
    await expect(dead.listPlans()).rejects.toThrow('Loading the plans failed: the license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.');
    expect(dead.getState().license.online).toBe(false);
  });

  it('schedules refreshes on its timers and leaves none after stop()', async () => {
    const s = await fakeServer();
    const clock = new FakeClock(Date.now());
    const timers = new FakeTimers(clock);
    const { core } = makeCore(s.url, { env: { clock, readMachineId: async () => MACHINE_ID }, timers });
    await core.start();
    await core.refresh(); // joins the refresh start() began
    expect(core.getState().license.online).toBe(true);
    expect(timers.pending).toEqual([6 * 3600_000]);
    await core.stop();
    expect(timers.pending).toEqual([]);
  });

  it('createHardboundApi exposes the core as window.hardbound', async () => {
    const s = await fakeServer();
    const { core } = makeCore(s.url);
    const copied: string[] = [];
    const api = createHardboundApi(core, { copyText: (text) => void copied.push(text), openPaymentSettings: async () => undefined });
    await core.start();
    expect(await api.getState()).toBe(core.getState());
    expect(await api.listPlans()).toEqual({ plans: PLANS, providers: [] });
    await api.copyText('3AB12345CD678901E');
    expect(copied).toEqual(['3AB12345CD678901E']);
    const seen: AppState[] = [];
    const off = api.onState((st) => seen.push(st));
    await api.refresh();
    off();
    await api.startUpgrade('enterprise-lifetime', null, null);
    await api.cancelUpgrade();
    expect(seen.length).toBeGreaterThan(0);
    expect(core.getState().flow).toMatchObject({ step: 'cancelled' });
    await api.dismissFlow();
    expect((await api.getState()).flow).toEqual({ step: 'idle' });
  });
});
