// LicenseCore against the real companion server and the PayPal sandbox: buy, restart offline, refund, move
// the license to another computer with a transfer code. A TCP gate in front of the server stands for "the
// server is down" without changing its address.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JwksResponse } from '../../common/api';
import type { AppState } from '../../common/app-state';
import { systemClock } from '../../common/clock';
import { FileSecretStore } from '../../main/license/file-secret-store';
import { LicenseCore } from '../../main/license/license-core';
import type { CheckoutWindowOpener } from '../../main/license/ports';
import { payOnHostedPage, startHarness, type Harness } from '../integration/harness';
import { directTransport, FakeCheckoutWindow, storedToken, waitFor } from './core-support';

interface Gate { url: string; shut(): void; open(): void; close(): Promise<void> }

async function gateTo(target: string): Promise<Gate> {
  const { hostname, port } = new URL(target);
  let open = true;
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  const server: Server = createServer((client) => {
    track(client);
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(Number(port), hostname);
    track(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop);
    upstream.on('error', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    shut: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    open: () => {
      open = true;
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** The isolated window as the glue would run it: the buyer presses Pay (or Cancel) on the hosted page,
 *  the navigation to our return/cancel URL is caught and reported; the app never loads that page. Paths
 *  are compared, not origins: behind the gate the app's server address differs from the server's own. */
function payingWindow(action: 'pay' | 'cancel', seen: URL[] = []): CheckoutWindowOpener {
  const window = new FakeCheckoutWindow();
  window.onOpen = (request, w) => {
    void payOnHostedPage(request.approveUrl, action).then((back) => {
      seen.push(back);
      const reached = (prefix: string) => back.pathname === new URL(prefix).pathname;
      if (reached(request.returnUrlPrefix)) w.end({ kind: 'returned', orderToken: back.searchParams.get('token') });
      else if (reached(request.cancelUrlPrefix)) w.end({ kind: 'cancelled' });
      else w.end({ kind: 'closed' });
    });
  };
  return window;
}

let h: Harness;
let gate: Gate;
let pinnedJwks: JwksResponse;
const dataDirs: string[] = [];

beforeAll(async () => {
  h = await startHarness();
  gate = await gateTo(h.server.url);
  const res = await fetch(`${h.server.url}/.well-known/hardbound/jwks.json`);
  pinnedJwks = (await res.json()) as JwksResponse;
});
afterAll(async () => {
  await gate?.close();
  await h?.close();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

/** One installation: its machine id and its secret store survive restarts of the core. */
function installation() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-app-'));
  dataDirs.push(dataDir);
  const machineId = randomBytes(16).toString('hex');
  const secrets = new FileSecretStore(dataDir);
  const cores: LicenseCore[] = [];
  const launch = async (baseUrl: string, checkoutWindow: CheckoutWindowOpener = new FakeCheckoutWindow()) => {
    const core = new LicenseCore({
      env: { clock: systemClock, readMachineId: async () => machineId },
      secrets,
      server: { baseUrl, transport: directTransport, timeoutMs: 5_000, retry: { attempts: 2, baseDelayMs: 20, maxDelayMs: 50 } },
      pinnedJwks,
      issuer: h.config.issuer,
      appSalt: 'hardbound-integration-salt',
      checkoutWindow,
    });
    cores.push(core);
    await core.start();
    await core.refresh();
    return core;
  };
  return { secrets, launch, stopAll: () => Promise.all(cores.map((c) => c.stop())) };
}

const flowEnd = (core: LicenseCore) =>
  waitFor<AppState, AppState>((l) => core.onState(l), (s) => (['active', 'cancelled', 'failed', 'offline'].includes(s.flow.step) ? s : undefined), 20_000);

describe('license core against the real server and sandbox', () => {
  it('buys Enterprise, stays Enterprise offline after a restart, and drops to Free after a refund', async () => {
    const app = installation();
    try {
      const returns: URL[] = [];
      const core = await app.launch(h.server.url, payingWindow('pay', returns));
      expect(core.getState().license).toMatchObject({ tier: 'free', reason: 'No license on this machine.', online: true, storage: 'file' });
      expect(core.getState().catalog?.plans.map((p) => p.id)).toContain('enterprise-lifetime');

      const ended = flowEnd(core);
      await core.startUpgrade('enterprise-lifetime');
      const bought = await ended;
      expect(bought.flow).toEqual({ step: 'active', planId: 'enterprise-lifetime' });
      expect(returns[0]?.href.startsWith(`${h.server.url}/checkout/return?`)).toBe(true);
      expect(bought.license).toMatchObject({ tier: 'enterprise', online: true, reason: null, entitlement: { status: 'active', planId: 'enterprise-lifetime' } });
      // What the customer quotes to support comes with the purchase (the server's license view), not only the token.
      expect(bought.license.entitlement?.details).toEqual({
        planName: 'Enterprise (lifetime)', billing: { kind: 'one_time' }, amount: '49.00', currency: 'USD', purchasedAt: expect.any(String), subscriptionId: null, provider: 'paypal',
      });
      const transactionId = bought.license.entitlement?.transactionId;
      expect(transactionId).toMatch(/\w+/);
      expect(await storedToken(app.secrets)).toMatch(/^eyJ/);
      await core.stop();

      gate.shut();
      const offline = await app.launch(gate.url);
      // Offline after the restart: still Enterprise, with the details kept beside the token, the last success
      // remembered and the failed attempt beside it.
      expect(offline.getState().license).toMatchObject({
        tier: 'enterprise',
        online: false,
        entitlement: { transactionId, details: { planName: 'Enterprise (lifetime)' } },
        lastRefreshAt: bought.license.lastRefreshAt,
        lastRefreshFailure: { message: expect.stringMatching(/cannot be reached/) },
      });

      gate.open();
      h.sandbox.control.refundCapture(transactionId!);
      await h.sandbox.control.settle(10_000);
      await offline.refresh();
      expect(offline.getState().license).toMatchObject({
        tier: 'free', online: true, reason: 'The purchase was refunded.', entitlement: { status: 'refunded', transactionId }, lastRefreshFailure: null,
      });
    } finally {
      gate.open();
      await app.stopAll();
    }
  });

  it('Cancel on the approval page ends cancelled, with a message, and grants nothing', async () => {
    const app = installation();
    try {
      const core = await app.launch(h.server.url, payingWindow('cancel'));
      const ended = flowEnd(core);
      await core.startUpgrade('enterprise-lifetime');
      expect((await ended).flow).toEqual({ step: 'cancelled', message: 'The checkout was cancelled. Nothing was charged.' });
      expect(core.getState().license.tier).toBe('free');
      expect(await storedToken(app.secrets)).toBeNull();
    } finally {
      await app.stopAll();
    }
  });

  it('server down when the upgrade starts: offline with a clear message; the retry works once it is back', async () => {
    const app = installation();
    try {
      const core = await app.launch(gate.url, payingWindow('pay'));
      gate.shut();
      const failed = flowEnd(core);
      await core.startUpgrade('enterprise-lifetime');
      expect((await failed).flow).toEqual({ step: 'offline', message: expect.stringMatching(/cannot be reached/) });
      gate.open();
      await core.dismissFlow();
      const ended = flowEnd(core);
      await core.startUpgrade('enterprise-lifetime');
      expect((await ended).flow.step).toBe('active');
      expect(core.getState().license.tier).toBe('enterprise');
    } finally {
      gate.open();
      await app.stopAll();
    }
  });

  it('moves a license with a transfer code: released on A (Free at once), redeemed on B (Enterprise), A told it moved; a code works once', async () => {
    const a = installation();
    const b = installation();
    try {
      const oldComputer = await a.launch(h.server.url, payingWindow('pay'));
      const ended = flowEnd(oldComputer);
      await oldComputer.startUpgrade('enterprise-lifetime');
      expect((await ended).license.tier).toBe('enterprise');
      const licenseId = oldComputer.getState().license.entitlement!.licenseId;

      expect(await oldComputer.releaseLicense()).toEqual({ ok: true });
      const released = oldComputer.getState().license;
      expect(released).toMatchObject({ tier: 'free', reason: expect.stringMatching(/This computer was released/), transfer: { code: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/) } });
      const code = released.transfer!.code;
      // The code stays on screen across a restart of the old computer, until it is used or expires.
      await a.stopAll();
      const restarted = await a.launch(h.server.url);
      expect(restarted.getState().license).toMatchObject({ tier: 'free', transfer: { code } });

      const newComputer = await b.launch(h.server.url);
      expect(await newComputer.redeemTransferCode('not a code')).toEqual({ ok: false, message: expect.stringMatching(/^That is not a transfer code/) });
      // Typed as a person would: lower case, spaces instead of dashes.
      expect(await newComputer.redeemTransferCode(code.toLowerCase().replace(/-/g, ' '))).toEqual({ ok: true });
      expect(newComputer.getState().license).toMatchObject({ tier: 'enterprise', entitlement: { licenseId, status: 'active' } });

      await restarted.refresh();
      expect(restarted.getState().license).toMatchObject({ tier: 'free', transfer: null, reason: expect.stringMatching(/moved to another computer/) });

      // Used once: a second computer cannot take it with the same code.
      const third = await installation().launch(h.server.url);
      expect(await third.redeemTransferCode(code)).toEqual({ ok: false, message: expect.stringMatching(/not valid, or it has been used already/) });
      expect(third.getState().license.tier).toBe('free');
      await third.stop();
    } finally {
      await a.stopAll();
      await b.stopAll();
    }
  });
});
