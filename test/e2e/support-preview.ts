// The browser preview as `npm start` serves it — the built renderer, the preview's bridge server with its
// bundled client, checkout tabs — over the real license core, the real server and the sandbox (behind a proxy
// that can take the server away), in Chromium. Each "computer" is its own core (own machine id, own file
// store) behind its own preview server, shown in its own browser context.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { API_PATHS } from '../../common/api';
import { rendererConfig } from '../../electron.vite.config';
import { startPreview, type RunningPreview } from '../../launch/preview/bridge-server';
import { CheckoutTabs } from '../../launch/preview/checkout-tabs';
import { buildBridgeClient } from '../../launch/preview/client-bundle';
import { paymentSettingsOpener } from '../../main/electron/app-core';
import { FileSecretStore } from '../../main/license/file-secret-store';
import { createHardboundApi, LicenseCore } from '../../main/license/license-core';
import { nodeHttpTransport } from '../../main/license/node-transport';
import { startHarness, type Harness } from '../integration/harness';
import { appConfigOf } from './support-app';
import { launchChromium, watchCspViolations } from './support-browser';
import { startSwitchableProxy, type SwitchableProxy } from './support-proxy';

export interface Computer {
  core: LicenseCore;
  preview: RunningPreview;
  page: Page;
  context: BrowserContext;
  secrets: FileSecretStore;
  cspViolations: string[];
  /** Loads the page again (a restart of the window; the core keeps running). */
  reload(): Promise<void>;
}

export interface PreviewWorld {
  harness: Harness;
  proxy: SwitchableProxy;
  /** Starts a computer: its core (started), its preview server and a page showing it. */
  computer(): Promise<Computer>;
  close(): Promise<void>;
}

/** `paystack`: the server sells through the sandbox's Paystack stand-in too, as `npm start` does. */
export async function startPreviewWorld(options: { paystack?: boolean } = {}): Promise<PreviewWorld> {
  const proxy = await startSwitchableProxy();
  const harness = await startHarness({ env: { HARDBOUND_PUBLIC_URL: proxy.url }, ...options });
  proxy.setTarget(Number(new URL(harness.server.url).port));
  const pinnedJwks = (await harness.api<JSONWebKeySet>('GET', API_PATHS.jwks)).body;
  // The app config as `npm start` hands it to the preview: the providers' checkout origins and payment pages.
  const appConfig = await appConfigOf(harness);
  const rendererDir = mkdtempSync(path.join(tmpdir(), 'hardbound-preview-renderer-'));
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir: rendererDir } });
  const clientScript = await buildBridgeClient();
  const browser: Browser = await launchChromium();
  const computers: Array<{ computer: Computer; dir: string }> = [];

  return {
    harness,
    proxy,
    async computer() {
      const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-preview-computer-'));
      const machineId = randomBytes(16).toString('hex');
      const secrets = new FileSecretStore(dir);
      const tabs = new CheckoutTabs(appConfig.checkoutOrigins);
      const core = new LicenseCore({
        env: { clock: harness.clock, readMachineId: async () => machineId },
        secrets,
        server: { baseUrl: proxy.url, transport: nodeHttpTransport({ env: {} }), timeoutMs: 5_000 },
        pinnedJwks,
        issuer: harness.config.issuer,
        appSalt: 'hardbound-preview-e2e-salt',
        checkoutWindow: tabs,
        paymentPages: Object.keys(appConfig.paymentSettingsUrls),
      });
      // As start-preview.ts composes it: the page copies with its own clipboard, a provider's page opens in a tab.
      const api = createHardboundApi(core, {
        copyText: () => {
          throw new Error('The preview copies with the browser\'s clipboard.');
        },
        openPaymentSettings: paymentSettingsOpener(appConfig, async (url) => tabs.openExternal(url)),
      });
      const preview = await startPreview({ rendererDir, api, tabs, clientScript });
      await core.start();
      const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC', viewport: { width: 1100, height: 900 } });
      // PayPal's own site is not reachable from here: a stand-in page answers for it.
      await context.route('https://www.paypal.com/**', (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>PayPal — Automatic payments</title><h1>Automatic payments</h1>' }));
      const page = await context.newPage();
      const cspViolations = watchCspViolations(page);
      await page.goto(preview.url);
      await page.getByTestId('tier-badge').waitFor();
      const computer: Computer = {
        core, preview, page, context, secrets, cspViolations,
        reload: async () => {
          await page.reload();
          await page.getByTestId('tier-badge').waitFor();
        },
      };
      computers.push({ computer, dir });
      return computer;
    },
    async close() {
      for (const { computer, dir } of computers) {
        await computer.context.close().catch(() => undefined);
        await computer.core.stop();
        await computer.preview.close();
        rmSync(dir, { recursive: true, force: true });
      }
      await browser.close();
      await proxy.close();
      await harness.close();
      rmSync(rendererDir, { recursive: true, force: true });
    },
  };
}

export const badgeText = (page: Page) => page.getByTestId('tier-badge').innerText();

/** Waits until the badge reads `tier`. */
export async function untilTier(page: Page, tier: 'Free' | 'Enterprise'): Promise<void> {
  await page.getByTestId('tier-badge').filter({ hasText: tier }).waitFor({ timeout: 20_000 });
}

/** Upgrade → the plan; resolves with the checkout tab the preview opens for it. */
export async function chooseInPreview(page: Page, plan: RegExp): Promise<Page> {
  await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
  const tab = page.waitForEvent('popup');
  await page.getByRole('button', { name: plan }).click();
  const opened = await tab;
  await opened.waitForURL(/\/(checkoutnow|webapps\/billing)/);
  return opened;
}

/** Presses Pay (or Cancel) on PayPal's page in the tab; the tab then shows the server's own page. */
export async function payInTab(tab: Page): Promise<void> {
  await tab.getByRole('button', { name: 'Pay' }).click();
  await tab.waitForURL(/\/checkout\/return/).catch(() => undefined);
}
