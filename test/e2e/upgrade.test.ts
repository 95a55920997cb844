// The "Must show", end to end: the built renderer in real Chromium, the real license core behind
// window.hardbound (through the preload bridge and main's IPC layer), the real server and sandbox behind a
// proxy that can take the server away, and each PayPal checkout in its own browser context.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt, type JSONWebKeySet } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { API_PATHS } from '../../common/api';
import { FileSecretStore } from '../../main/license/file-secret-store';
import { createHardboundApi, LicenseCore } from '../../main/license/license-core';
import { STORED_ITEMS } from '../../main/license/stored-items';
import { startHarness, type Harness } from '../integration/harness';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { BrowserCheckoutWindows } from './support-checkout-window';
import { startSwitchableProxy, type SwitchableProxy } from './support-proxy';
import { startBrowserRig, type AppPage, type BrowserRig } from './support-rig';

const APP_SALT = 'hardbound-e2e-salt';
/** Payment recorded → Enterprise on screen: the bound the issue asks to be "well under" a second. */
const ACTIVATION_BUDGET_MS = 1_000;

let rig: BrowserRig;
let harness: Harness;
let proxy: SwitchableProxy;
let windows: BrowserCheckoutWindows;
let pinnedJwks: JSONWebKeySet;
const secretDirs: string[] = [];
const running = new Set<{ core: LicenseCore; app: AppPage }>();

beforeAll(async () => {
  if (!chromiumPart.available) return;
  proxy = await startSwitchableProxy();
  // The server's public URL is the proxy's, so return URLs, webhooks and the app all go through it.
  harness = await startHarness({ env: { HARDBOUND_PUBLIC_URL: proxy.url } });
  proxy.setTarget(Number(new URL(harness.server.url).port));
  pinnedJwks = (await harness.api<JSONWebKeySet>('GET', API_PATHS.jwks)).body;
  rig = await startBrowserRig();
  windows = new BrowserCheckoutWindows(rig.browser, { extraOrigins: [new URL(harness.sandbox.baseUrl).origin] });
});

afterAll(async () => {
  for (const session of running) await stopApp(session);
  windows?.closeAll();
  await rig?.close();
  await proxy?.close();
  await harness?.close();
  for (const dir of secretDirs) rmSync(dir, { recursive: true, force: true });
});

interface Machine {
  machineId: string;
  secrets: FileSecretStore;
  copied: string[];
}

function newMachine(): Machine {
  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-e2e-secrets-'));
  secretDirs.push(dir);
  return { machineId: randomBytes(16).toString('hex'), secrets: new FileSecretStore(dir), copied: [] };
}

/** Starts the app on `machine`: a fresh core over its secret store, and the window showing it. */
async function startApp(machine: Machine): Promise<{ core: LicenseCore; app: AppPage }> {
  const core = new LicenseCore({
    env: { clock: harness.clock, readMachineId: async () => machine.machineId },
    secrets: machine.secrets,
    server: { baseUrl: proxy.url, timeoutMs: 5_000 },
    pinnedJwks,
    issuer: harness.config.issuer,
    appSalt: APP_SALT,
    checkoutWindow: windows,
  });
  await core.start();
  const app = await rig.openApp(createHardboundApi(core, (text) => void machine.copied.push(text)));
  await badge(app.page).waitFor();
  const session = { core, app };
  running.add(session);
  return session;
}

async function stopApp(session: { core: LicenseCore; app: AppPage }): Promise<void> {
  running.delete(session);
  await session.app.close();
  await session.core.stop();
}

const badge = (page: Page) => page.getByTestId('tier-badge');
const announcer = (page: Page) => page.getByTestId('flow-announcer');

/** Resolves the moment the badge reads `tier` (checked on every animation frame in the page). */
async function badgeReads(page: Page, tier: 'Free' | 'Enterprise'): Promise<number> {
  await page.waitForFunction(
    (text) => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
      return doc.querySelector('[data-testid="tier-badge"]')?.textContent?.endsWith(text) ?? false;
    },
    tier,
    { polling: 'raf', timeout: 20_000 },
  );
  return Date.now();
}

async function choosePlan(page: Page, name: RegExp): Promise<Page> {
  await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
  const checkoutOpened = windows.nextPage();
  await page.getByRole('button', { name }).click();
  return checkoutOpened;
}

/** Clicks a button on PayPal's page; the window closes under the click as it reaches our return URL. */
async function clickOnCheckout(checkout: Page, button: 'Pay' | 'Cancel'): Promise<void> {
  await checkout.getByRole('button', { name: button }).click().catch((error: unknown) => {
    if (!checkout.isClosed()) throw error;
  });
}

describe('upgrade end to end (Chromium, real core, server and sandbox)', () => {
  const buyer = newMachine();

  itWithSystem(chromiumPart, 'Upgrade → approval page in its own context → Pay → Enterprise within a second; token stored', async () => {
    const session = await startApp(buyer);
    const { page } = session.app;
    expect(await badge(page).innerText()).toContain('Free');
    await screenshot(page, 'e2e-01-free');

    const checkout = await choosePlan(page, /Enterprise \(lifetime\)/);
    expect(checkout.context()).not.toBe(session.app.context);
    await checkout.getByRole('button', { name: 'Pay' }).waitFor();
    expect(await checkout.getByTestId('amount').innerText()).toBe('$49.00 USD');
    await expect.poll(() => announcer(page).innerText()).toBe('Complete the payment in the PayPal window.');
    await screenshot(page, 'e2e-02-awaiting-approval');
    await screenshot(checkout, 'e2e-03-paypal-approval');

    windows.lastEndAt = null;
    await clickOnCheckout(checkout, 'Pay');
    const shownAt = await badgeReads(page, 'Enterprise');
    const redirectedAt = windows.lastEndAt as number | null;
    expect(redirectedAt).not.toBeNull();
    const elapsed = shownAt - redirectedAt!;
    console.log(`e2e: Enterprise shown ${elapsed} ms after the Pay redirect`);
    expect(elapsed).toBeLessThan(ACTIVATION_BUDGET_MS);
    expect(checkout.isClosed()).toBe(true);

    await page.getByRole('dialog').getByText('Enterprise is active on this computer').waitFor();
    await screenshot(page, 'e2e-04-enterprise-active');
    await page.getByRole('button', { name: 'Done' }).click();

    const token = await buyer.secrets.get(STORED_ITEMS.entitlement);
    expect(token).not.toBeNull();
    const claims = decodeJwt(token!);
    expect(claims).toMatchObject({ tier: 'enterprise', status: 'active', plan: 'enterprise-lifetime' });
    const txn = await page.getByTestId('transaction-id').innerText();
    expect(claims.txn).toBe(txn);
    expect(await page.getByTestId('license-status').innerText()).toBe('Active');
    expect(await page.getByTestId('license-panel').innerText()).toMatch(/Renewal\s+None: lifetime license/);
    // The file store stands in for the keychain here, and the app says so.
    expect(await page.getByTestId('storage-warning').innerText()).toContain('stored without OS keychain');
    await page.getByRole('button', { name: 'Copy transaction id' }).click();
    await expect.poll(() => buyer.copied).toEqual([txn]);
    // Enterprise lifts the demo's Free limit of 3.
    for (let i = 0; i < 4; i += 1) await page.getByRole('button', { name: 'Add workflow' }).click();
    expect(await page.getByTestId('workflow-capacity').innerText()).toBe('4 workflows (unlimited on Enterprise)');
    expect(session.app.cspViolations).toEqual([]);
    await screenshot(page, 'e2e-05-enterprise');
    await stopApp(session);
  });

  itWithSystem(chromiumPart, 'restart with the server stopped: still Enterprise from the stored token, shown offline', async () => {
    await proxy.stop();
    try {
      const session = await startApp(buyer);
      const { page } = session.app;
      expect(await badge(page).innerText()).toContain('Enterprise');
      await page.getByTestId('offline-indicator').waitFor({ timeout: 15_000 });
      expect(await page.getByTestId('last-refresh').innerText()).toContain('cannot be reached');
      expect(await badge(page).innerText()).toContain('Enterprise');
      await screenshot(page, 'e2e-06-offline-enterprise');
      await stopApp(session);
    } finally {
      await proxy.start();
    }
  });

  itWithSystem(chromiumPart, 'a refund at PayPal reaches the app at Refresh now: Free', async () => {
    const session = await startApp(buyer);
    const { page } = session.app;
    expect(await badge(page).innerText()).toContain('Enterprise');
    const txn = await page.getByTestId('transaction-id').innerText();
    harness.sandbox.control.refundCapture(txn);
    await harness.sandbox.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await badgeReads(page, 'Free');
    expect(await page.getByTestId('license-status').innerText()).toBe('Refunded');
    expect(await page.getByTestId('license-panel').innerText()).not.toContain('Renewal');
    expect(decodeJwt((await buyer.secrets.get(STORED_ITEMS.entitlement))!)).toMatchObject({ tier: 'free', status: 'refunded' });
    await screenshot(page, 'e2e-07-refunded-free');
    await stopApp(session);
  });

  itWithSystem(chromiumPart, 'Cancel on the approval page: Free, with a message', async () => {
    const session = await startApp(newMachine());
    const { page } = session.app;
    const checkout = await choosePlan(page, /Enterprise \(monthly\)/);
    expect(await checkout.getByTestId('amount').innerText()).toBe('$9.00 USD / month');
    await clickOnCheckout(checkout, 'Cancel');
    await page.getByRole('dialog').getByText('The checkout was cancelled. Nothing was charged.').waitFor();
    expect(await page.getByRole('heading', { name: 'Upgrade cancelled' }).count()).toBe(1);
    expect(await badge(page).innerText()).toContain('Free');
    await screenshot(page, 'e2e-08-cancelled');
    await page.getByRole('button', { name: 'Close' }).last().click();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await badge(page).innerText()).toContain('Free');
    await stopApp(session);
  });

  itWithSystem(chromiumPart, 'server down during the upgrade: a clear error, and Retry works once it is back', async () => {
    const machine = newMachine();
    const session = await startApp(machine);
    const { page } = session.app;
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const annual = page.getByRole('button', { name: /Enterprise \(annual\)/ });
    await annual.waitFor();
    await proxy.stop();
    try {
      await annual.click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('The license server cannot be reached. Check your internet connection and try again.').waitFor({ timeout: 15_000 });
      expect(await badge(page).innerText()).toContain('Free');
      await screenshot(page, 'e2e-09-server-down');
    } finally {
      await proxy.start();
    }
    const checkoutOpened = windows.nextPage();
    await page.getByRole('button', { name: 'Retry' }).click();
    const checkout = await checkoutOpened;
    expect(await checkout.getByTestId('amount').innerText()).toBe('$90.00 USD / year');
    await clickOnCheckout(checkout, 'Pay');
    await badgeReads(page, 'Enterprise');
    expect(decodeJwt((await machine.secrets.get(STORED_ITEMS.entitlement))!)).toMatchObject({ tier: 'enterprise', plan: 'enterprise-annual' });
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('license-panel').innerText()).toMatch(/Paid through\s+\w{3} \d{1,2}, \d{4}/);
    await screenshot(page, 'e2e-10-retried-enterprise');
    await stopApp(session);
  });
});
