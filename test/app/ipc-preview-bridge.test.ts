// The browser preview's bridge: the renderer served with the bridge script injected, window.hardbound's
// calls reaching the core with the IPC contract's checks, state and checkout tabs over Server-Sent
// Events, and requests from anywhere but the preview's own page refused. Plain HTTP here, then the real
// client script in Chromium.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../common/app-state';
import type { HardboundApi } from '../../common/ipc';
import { startPreview, type RunningPreview } from '../../launch/preview/bridge-server';
import { CheckoutTabs } from '../../launch/preview/checkout-tabs';
import { buildBridgeClient } from '../../launch/preview/client-bundle';
import { MAIN_CSP } from '../../main/electron/security-policy';
import { itWithSystem } from '../support/system';
import { recordingApi } from './recording-api';
import { chromiumPart, launchChromium } from '../e2e/support-browser';

/** What the test page's window holds (the test tsconfig has no DOM types). */
type PageGlobals = { hardbound: HardboundApi; seen: string[] };

const STATE = (step: string) => ({ flow: { step }, plans: null, license: { tier: 'free' } }) as unknown as AppState;

function fakeApi() {
  const recording = recordingApi(STATE('idle'), {
    refresh: async () => {
      recording.calls.push(['refresh']);
      throw new Error('server unreachable');
    },
  });
  return recording;
}

let rendererDir: string;
let clientScript: string;
let preview: RunningPreview | null = null;

beforeAll(async () => {
  clientScript = await buildBridgeClient();
  rendererDir = await mkdtemp(path.join(tmpdir(), 'hardbound-preview-'));
  await mkdir(path.join(rendererDir, 'assets'));
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><html><head><title>t</title><link rel="icon" href="data:,">\n<script type="module" src="./assets/app.js"></script>\n</head><body><p id="out"></p></body></html>');
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), [
    "const out = document.getElementById('out');",
    "window.seen = [];",
    "window.hardbound.onState((s) => window.seen.push(s.flow.step));",
    "out.textContent = typeof window.hardbound.getState;",
  ].join('\n'));
});
afterAll(async () => {
  await rm(rendererDir, { recursive: true, force: true });
});
afterEach(async () => {
  await preview?.close();
  preview = null;
});

async function setup() {
  const core = fakeApi();
  const origins = ['https://www.sandbox.paypal.com', 'http://127.0.0.1:8788'];
  const tabs = new CheckoutTabs(origins, () => 'tab-1');
  preview = await startPreview({ rendererDir, api: core.api, tabs, port: 0, heartbeatMs: 50, clientScript });
  const origin = preview.url.replace(/\/$/, '');
  // The page's own origin stands in for a provider's checkout page in the browser tests below.
  origins.push(origin);
  const post = (pathname: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${origin}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json', origin, ...headers }, body: JSON.stringify(body) });
  return { core, tabs, origin, post };
}

describe('preview bridge over HTTP', () => {
  it('serves the renderer with the bridge script injected before the app, under the app CSP', async () => {
    const { origin } = await setup();
    const page = await fetch(`${origin}/`);
    expect(page.headers.get('content-security-policy')).toBe(MAIN_CSP);
    const html = await page.text();
    expect(html.indexOf('<script src="/__bridge/client.js"></script>')).toBeGreaterThan(html.indexOf('./assets/app.js'));
    expect(html.indexOf('<script src="/__bridge/client.js"></script>')).toBeLessThan(html.indexOf('</head>'));
    const client = await fetch(`${origin}/__bridge/client.js`);
    expect(client.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await client.text()).toContain('Object.defineProperty(window, "hardbound"');
    expect((await fetch(`${origin}/%2e%2e%2fsecret.js`)).status).toBe(403);
    expect((await fetch(`${origin}/missing.js`)).status).toBe(404);
  });

  it('invokes the core and returns its answer', async () => {
    const { core, post } = await setup();
    expect(await (await post('/__bridge/invoke', { channel: 'hardbound:get-state', args: [] })).json()).toEqual({ ok: true, result: STATE('idle') });
    expect(await (await post('/__bridge/invoke', { channel: 'hardbound:start-upgrade', args: ['enterprise-lifetime', 'paystack', 'ada@example.test'] })).json()).toEqual({ ok: true, result: null });
    expect(core.calls).toEqual([['getState'], ['startUpgrade', 'enterprise-lifetime', 'paystack', 'ada@example.test']]);
  });

  it("passes the core's failure on as a code and a message", async () => {
    const { post } = await setup();
    const response = await post('/__bridge/invoke', { channel: 'hardbound:refresh', args: [] });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ ok: false, error: { code: 'core_error', message: 'server unreachable' } });
  });

  it.each([
    [{ channel: 'hardbound:nope', args: [] }, 404, 'unknown_channel'],
    [{ channel: 'hardbound:start-upgrade', args: [7] }, 400, 'invalid_arguments'],
    [{ channel: 'hardbound:start-upgrade' }, 400, 'invalid_arguments'],
    [{ channel: 'hardbound:copy-text', args: ['x'.repeat(5000)] }, 400, 'invalid_arguments'],
    [{ channel: 'hardbound:redeem-transfer-code', args: [] }, 400, 'invalid_arguments'],
  ])('refuses %j', async (body, status, code) => {
    const { core, post } = await setup();
    const response = await post('/__bridge/invoke', body);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ ok: false, error: { code } });
    expect(core.calls).toEqual([]);
  });

  it('refuses calls from another origin, without JSON, or for another Host (DNS rebinding)', async () => {
    const { core, origin, post } = await setup();
    const call = { channel: 'hardbound:start-upgrade', args: ['enterprise-lifetime'] };
    expect((await post('/__bridge/invoke', call, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await fetch(`${origin}/__bridge/invoke`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(call) })).status).toBe(403);
    expect((await post('/__bridge/invoke', call, { 'content-type': 'text/plain' })).status).toBe(415);
    const port = Number(new URL(origin).port);
    const rebound = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(rebound).toBe(403);
    expect((await post('/__bridge/invoke', 'x'.repeat(70_000))).status).toBe(413);
    expect(core.calls).toEqual([]);
  });

  it('a checkout tab the page saw closed ends its handle as closed (only from the preview page itself)', async () => {
    const { tabs, origin, post } = await setup();
    const handle = tabs.open({ approveUrl: 'http://127.0.0.1:8788/checkoutnow?token=T', returnUrlPrefix: 'r', cancelUrlPrefix: 'c' });
    expect((await post('/__bridge/tab-closed', { id: 'tab-1' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/__bridge/tab-closed', { id: 42 })).status).toBe(400);
    expect(await (await post('/__bridge/tab-closed', { id: 'tab-1' })).json()).toEqual({ ok: true, result: null });
    await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('streams the current state, every new state, checkout tab events and heartbeats', async () => {
    const { core, tabs, origin } = await setup();
    const controller = new AbortController();
    const response = await fetch(`${origin}/__bridge/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) => {
      for (let i = 0; i < 50 && !text.includes(needle); i++) text += new TextDecoder().decode((await reader.read()).value);
      expect(text).toContain(needle);
    };
    await readUntil('"step":"idle"');
    core.publish(STATE('creating'));
    await readUntil('"step":"creating"');
    const handle = tabs.open({ approveUrl: 'http://127.0.0.1:8788/checkoutnow?token=T', returnUrlPrefix: 'r', cancelUrlPrefix: 'c' });
    await readUntil('event: checkout-open\ndata: {"kind":"checkout-open","id":"tab-1","url":"http://127.0.0.1:8788/checkoutnow?token=T"}');
    handle.close();
    await readUntil('event: checkout-close\ndata: {"kind":"checkout-close","id":"tab-1"}');
    await readUntil(': keep-alive');
    controller.abort();
    for (let i = 0; i < 50 && core.listeners.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(core.listeners.size).toBe(0);
  });
});

describe('checkout tabs', () => {
  it("end once, as 'closed', telling the page once; they never end by themselves", async () => {
    const tabs = new CheckoutTabs(['https://www.sandbox.paypal.com'], () => 'tab-9');
    const events: unknown[] = [];
    tabs.onEvent((event) => events.push(event));
    const handle = tabs.open({ approveUrl: 'https://www.sandbox.paypal.com/checkoutnow?token=T', returnUrlPrefix: 'r', cancelUrlPrefix: 'c' });
    const settled: unknown[] = [];
    void handle.outcome.then((o) => settled.push(o));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toEqual([]);
    handle.close();
    handle.close();
    await new Promise((r) => setImmediate(r));
    expect(settled).toEqual([{ kind: 'closed' }]);
    expect(events).toEqual([
      { kind: 'checkout-open', id: 'tab-9', url: 'https://www.sandbox.paypal.com/checkoutnow?token=T' },
      { kind: 'checkout-close', id: 'tab-9' },
    ]);
  });

  it('open no page outside the configured checkout origins: the handle ends as closed, no tab', async () => {
    const tabs = new CheckoutTabs(['https://checkout.paystack.com'], () => 'tab-10');
    const events: unknown[] = [];
    tabs.onEvent((event) => events.push(event));
    for (const approveUrl of ['https://checkout.paystack.com.evil.example/x', 'http://checkout.paystack.com/x', 'javascript:alert(1)', 'https://www.paypal.com/checkoutnow?token=T']) {
      expect(await tabs.open({ approveUrl, returnUrlPrefix: 'r', cancelUrlPrefix: 'c' }).outcome).toEqual({ kind: 'closed' });
    }
    expect(events).toEqual([]);
    tabs.open({ approveUrl: 'https://checkout.paystack.com/0peioxfhpn', returnUrlPrefix: 'r', cancelUrlPrefix: 'c' });
    expect(events).toEqual([{ kind: 'checkout-open', id: 'tab-10', url: 'https://checkout.paystack.com/0peioxfhpn' }]);
  });
});

describe('preview bridge in Chromium', () => {
  itWithSystem(chromiumPart, 'window.hardbound works in the page: invoke, state, checkout tab opened and closed, no errors or CSP violations', async () => {
    const { core, tabs, origin } = await setup();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`${origin}/`);
      await page.waitForFunction("document.getElementById('out')?.textContent === 'function'");
      expect(await page.evaluate(() => Object.isFrozen((globalThis as unknown as PageGlobals).hardbound))).toBe(true);
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.getState())).toEqual(STATE('idle'));
      const refused = await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.refresh().then(() => 'resolved', (e: Error) => e.message));
      // The core's sentence, without the bridge's code in front of it.
      expect(refused).toBe('server unreachable');

      // The Upgrade click reserves a tab; the core's checkout then navigates it to the approve URL.
      const popup = page.waitForEvent('popup');
      await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.startUpgrade('enterprise-lifetime', null, null));
      const tab = await popup;
      core.publish(STATE('awaiting_approval'));
      const handle = tabs.open({ approveUrl: `${origin}/assets/app.js?approve=1`, returnUrlPrefix: 'r', cancelUrlPrefix: 'c' });
      await tab.waitForURL(/approve=1/);
      await page.waitForFunction(() => (globalThis as unknown as PageGlobals).seen.includes('awaiting_approval'));
      // The core ends the checkout (the server said how it ended, or the user cancelled): the tab closes.
      const tabClosed = tab.waitForEvent('close');
      handle.close();
      await tabClosed;
      await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
      expect(core.calls).toContainEqual(['startUpgrade', 'enterprise-lifetime', null, null]);

      // "Reopen payment page" takes a tab during the click too; the person then closes that tab themselves:
      // the page notices and the core's handle ends as closed (the flow offers to reopen again).
      const reopened = page.waitForEvent('popup');
      await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.reopenCheckout());
      const second = await reopened;
      const again = tabs.open({ approveUrl: `${origin}/assets/app.js?approve=2`, returnUrlPrefix: 'r', cancelUrlPrefix: 'c' });
      await second.waitForURL(/approve=2/);
      await second.close();
      await expect(again.outcome).resolves.toEqual({ kind: 'closed' });
      expect(core.calls).toContainEqual(['reopenCheckout']);
      // The refused refresh above is the one expected error response.
      expect(problems.filter((p) => !p.includes('500'))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
