// The world an end-to-end test file runs the app in: the real server and sandbox behind a proxy that can take
// the server away, the built renderer in Chromium, each PayPal checkout in its own browser context, and
// machines (a machine id and a secret store) to start the real license core on.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JSONWebKeySet } from 'jose';
import type { Page } from 'playwright-core';
import { API_PATHS, type PlansResponse } from '../../common/api';
import { providerAppConfig, type ProviderAppConfig } from '../../launch/provider-links';
import { FileSecretStore } from '../../main/license/file-secret-store';
import { createHardboundApi, LicenseCore } from '../../main/license/license-core';
import { directTransport } from '../app/core-support';
import { startHarness, type Harness } from '../integration/harness';
import { BrowserCheckoutWindows } from './support-checkout-window';
import { startSwitchableProxy, type SwitchableProxy } from './support-proxy';
import { startBrowserRig, type AppPage, type BrowserRig } from './support-rig';

const APP_SALT = 'hardbound-e2e-salt';

export interface Machine {
  machineId: string;
  secrets: FileSecretStore;
  copied: string[];
  /** Which provider's page "Update your payment method" asked to open in the system browser, each time. */
  paymentPagesOpened: Array<string | null>;
  dir: string;
}

export interface RunningApp {
  core: LicenseCore;
  app: AppPage;
}

export interface E2eWorld {
  harness: Harness;
  proxy: SwitchableProxy;
  rig: BrowserRig;
  windows: BrowserCheckoutWindows;
  /** Starts the app on `machine`: a fresh core over its secret store (on the harness clock), and the window showing it. */
  startApp(machine: Machine): Promise<RunningApp>;
  stopApp(session: RunningApp): Promise<void>;
  close(): Promise<void>;
}

/** What the app config says about the harness server's providers, as `hardbound-server app-config` writes it. */
export async function appConfigOf(harness: Harness): Promise<ProviderAppConfig> {
  return providerAppConfig((await harness.api<PlansResponse>('GET', API_PATHS.plans)).body.providers ?? []);
}

/** `paystack`: the server sells through the sandbox's Paystack stand-in too, as a development run does. */
export async function startWorld(options: { consoleDir?: string; paystack?: boolean } = {}): Promise<E2eWorld> {
  const proxy = await startSwitchableProxy();
  // The server's public URL is the proxy's, so return URLs, webhooks and the app all go through it.
  const harness = await startHarness({ env: { HARDBOUND_PUBLIC_URL: proxy.url }, ...options });
  proxy.setTarget(Number(new URL(harness.server.url).port));
  const pinnedJwks = (await harness.api<JSONWebKeySet>('GET', API_PATHS.jwks)).body;
  const appConfig = await appConfigOf(harness);
  const rig = await startBrowserRig();
  const windows = new BrowserCheckoutWindows(rig.browser, { origins: appConfig.checkoutOrigins });
  const running = new Set<RunningApp>();

  const stopApp = async (session: RunningApp) => {
    running.delete(session);
    await session.app.close();
    await session.core.stop();
  };

  return {
    harness,
    proxy,
    rig,
    windows,
    async startApp(machine) {
      const core = new LicenseCore({
        env: { clock: harness.clock, readMachineId: async () => machine.machineId },
        secrets: machine.secrets,
        server: { baseUrl: proxy.url, transport: directTransport, timeoutMs: 5_000 },
        pinnedJwks,
        issuer: harness.config.issuer,
        appSalt: APP_SALT,
        checkoutWindow: windows,
        paymentPages: Object.keys(appConfig.paymentSettingsUrls),
      });
      await core.start();
      const app = await rig.openApp(
        createHardboundApi(core, {
          copyText: (text) => void machine.copied.push(text),
          openPaymentSettings: async (provider) => void machine.paymentPagesOpened.push(provider),
        }),
      );
      await badge(app.page).waitFor();
      const session = { core, app };
      running.add(session);
      return session;
    },
    stopApp,
    async close() {
      for (const session of [...running]) await stopApp(session);
      windows.closeAll();
      await rig.close();
      await proxy.close();
      await harness.close();
    },
  };
}

/** A machine with its own id and secret store (a file store stands in for the keychain). */
export function newMachine(): Machine {
  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-e2e-secrets-'));
  return { machineId: randomBytes(16).toString('hex'), secrets: new FileSecretStore(dir), copied: [], paymentPagesOpened: [], dir };
}

export function removeMachines(machines: Machine[]): void {
  for (const machine of machines) rmSync(machine.dir, { recursive: true, force: true });
}

export const badge = (page: Page) => page.getByTestId('tier-badge');
export const announcer = (page: Page) => page.getByTestId('flow-announcer');

/** Resolves the moment the badge reads `tier` (checked on every animation frame in the page). */
export async function badgeReads(page: Page, tier: 'Free' | 'Enterprise'): Promise<number> {
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

/** Opens the Upgrade dialog and picks the plan; resolves with the checkout page it opens. */
export async function choosePlan(world: E2eWorld, page: Page, name: RegExp): Promise<Page> {
  await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
  const checkoutOpened = world.windows.nextPage();
  await page.getByRole('button', { name }).click();
  return checkoutOpened;
}

/** Clicks a button on PayPal's page; the window closes under the click as it reaches our return URL. */
export async function clickOnCheckout(checkout: Page, button: 'Pay' | 'Cancel'): Promise<void> {
  await checkout.getByRole('button', { name: button }).click().catch((error: unknown) => {
    if (!checkout.isClosed()) throw error;
  });
}
