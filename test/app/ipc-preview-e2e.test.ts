// `npm start`'s browser preview end to end: the built renderer, the preview bridge and checkout tabs, the
// real license core, the real server and sandbox, in Chromium. The approval page opens in a new tab and
// the core learns from the server how it ended (Pay or Cancel on that page).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { API_PATHS, type JwksResponse } from '../../common/api';
import { systemClock } from '../../common/clock';
import type { HardboundApi } from '../../common/ipc';
import { rendererConfig } from '../../electron.vite.config';
import { startPreview, type RunningPreview } from '../../launch/preview/bridge-server';
import { CheckoutTabs } from '../../launch/preview/checkout-tabs';
import { FileSecretStore } from '../../main/license/file-secret-store';
import { createHardboundApi, LicenseCore } from '../../main/license/license-core';
import { chromiumPart, launchChromium, screenshot } from '../e2e/support-browser';
import { startHarness, type Harness } from '../integration/harness';
import { itWithSystem } from '../support/system';
import { directTransport } from './core-support';

type PageGlobals = { hardbound: HardboundApi };

let harness: Harness;
let core: LicenseCore;
let preview: RunningPreview;
let browser: Browser;
let page: Page;
const dirs: string[] = [];

beforeAll(async () => {
  if (!chromiumPart.available) return;
  harness = await startHarness();
  const rendererDir = mkdtempSync(path.join(tmpdir(), 'hardbound-preview-renderer-'));
  const appData = mkdtempSync(path.join(tmpdir(), 'hardbound-preview-app-'));
  dirs.push(rendererDir, appData);
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir: rendererDir } });
  const jwks = (await (await fetch(`${harness.server.url}${API_PATHS.jwks}`)).json()) as JwksResponse;
  const tabs = new CheckoutTabs([new URL(harness.sandbox.baseUrl).origin]);
  core = new LicenseCore({
    env: { clock: systemClock, readMachineId: async () => 'b4e1c0de5a1d4f0e9c3a7b2d6e8f0a11' },
    secrets: new FileSecretStore(appData),
    server: { baseUrl: harness.server.url, transport: directTransport },
    pinnedJwks: jwks,
    issuer: harness.config.issuer,
    appSalt: 'preview-e2e-salt',
    checkoutWindow: tabs,
  });
  const api = createHardboundApi(core, { copyText: () => undefined, openPaymentSettings: async () => undefined });
  preview = await startPreview({ rendererDir, api, tabs });
  await core.start();
  browser = await launchChromium();
  page = await (await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' })).newPage();
  await page.goto(preview.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await core?.stop();
  await preview?.close();
  await harness?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const flowStep = () => core.getState().flow.step;

describe('browser preview with the real core', () => {
  itWithSystem(chromiumPart, 'Cancel in the app while the approval tab is open: cancelled, and the tab is closed for the buyer', async () => {
    const tabOpened = page.waitForEvent('popup');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.startUpgrade('enterprise-lifetime', null, null));
    const tab = await tabOpened;
    await tab.waitForURL(/\/checkoutnow\?token=/);
    const tabClosed = tab.waitForEvent('close');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(flowStep, { timeout: 15_000 }).toBe('cancelled');
    await tabClosed;
    await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.dismissFlow());
    await expect.poll(flowStep).toBe('idle');
  }, 60_000);

  itWithSystem(chromiumPart, 'Cancel on the approval tab: the server tells the core, the app shows cancelled and stays Free', async () => {
    const tabOpened = page.waitForEvent('popup');
    await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.startUpgrade('enterprise-lifetime', null, null));
    const tab = await tabOpened;
    await tab.waitForURL(/\/checkoutnow\?token=/);
    const tabClosed = tab.waitForEvent('close');
    await tab.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(flowStep, { timeout: 15_000 }).toBe('cancelled');
    // The app closes the tab if it still may; once the server's own page (with its Cross-Origin-Opener-
    // Policy) has loaded there, the browser no longer lets it, and that page tells the buyer what next.
    const tabEnd = await Promise.race([
      tabClosed.then(() => 'closed'),
      tab.getByRole('heading', { name: 'Checkout cancelled' }).waitFor().then(() => 'server page', () => 'closed'),
    ]);
    expect(['closed', 'server page']).toContain(tabEnd);
    await page.getByRole('dialog').getByText(/cancel/i).first().waitFor();
    await screenshot(page, 'preview-cancelled');
    expect(core.getState().license.tier).toBe('free');
    if (!tab.isClosed()) await tab.close();
    await page.evaluate(() => (globalThis as unknown as PageGlobals).hardbound.dismissFlow());
    await expect.poll(flowStep).toBe('idle');
  }, 60_000);

  itWithSystem(chromiumPart, 'Upgrade → Pay on the approval tab → Enterprise shown', async () => {
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const tabOpened = page.waitForEvent('popup');
    await page.getByRole('button', { name: /Enterprise \(lifetime\)/ }).click();
    const tab = await tabOpened;
    await tab.waitForURL(/\/checkoutnow\?token=/);
    await tab.getByRole('button', { name: 'Pay' }).click();
    await expect.poll(flowStep, { timeout: 15_000 }).toBe('active');
    await expect.poll(() => page.getByTestId('tier-badge').innerText()).toMatch(/Enterprise$/);
    await screenshot(page, 'preview-enterprise');
    expect(core.getState().license).toMatchObject({ tier: 'enterprise', storage: 'file' });
    await tab.close().catch(() => undefined);
  }, 60_000);
});
