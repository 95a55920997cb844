// The upgrade in the real Electron app, driven by Playwright's _electron: the built bundles, the real server
// and sandbox, the isolated checkout window. It runs wherever an Electron binary exists.
//
// Where none exists it is skipped, with the reason printed — also under CI=true, unlike the tests that
// need Chromium or a Secret Service. That is deliberate: the binary comes from GitHub (package.json's
// allowScripts keeps that download out of `npm install`; `npm start` fetches it where it can), which this
// workplace and its CI cannot reach, so failing here would only make CI permanently red. Everything the
// Electron glue decides is tested in plain Node (test/app/windows*.test.ts, test/app/ipc*.test.ts); this spec
// checks the wiring.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { developmentAppEnv } from '../../launch/app-env';
import { buildElectronBundles } from '../../launch/build-app';
import { findElectronBinary } from '../../launch/electron-binary';
import { startHarness, type Harness } from '../integration/harness';
import { screenshot } from './support-browser';

const require = createRequire(import.meta.url);
const projectRoot = path.resolve(import.meta.dirname, '../..');
const electron = findElectronBinary({ resolve: () => require('electron') as string, exists: existsSync, platform: process.platform, env: process.env });

const NAME = 'Electron app: Upgrade → Pay in the isolated checkout window → Enterprise';
let harness: Harness | null = null;
let app: ElectronApplication | null = null;
const dirs: string[] = [];

afterAll(async () => {
  await app?.close();
  await harness?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('Electron (_electron)', () => {
  if (!electron.ok) {
    console.warn(`SKIPPED "${NAME}": ${electron.reason}`);
    it.skip(`${NAME} [skipped: ${electron.reason}]`, () => undefined);
    return;
  }
  const binary = electron.path;

  it(NAME, async () => {
    buildElectronBundles(projectRoot);
    harness = await startHarness();
    const userData = mkdtempSync(path.join(tmpdir(), 'hardbound-electron-'));
    dirs.push(userData);
    const appEnv = await developmentAppEnv(harness.server.url, harness.config.issuer);
    app = await _electron.launch({
      executablePath: binary,
      // Chromium refuses to run as root with its sandbox on; a root test machine needs the switch.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), projectRoot],
      cwd: projectRoot,
      env: { ...process.env, ...appEnv, HARDBOUND_USER_DATA_DIR: userData } as Record<string, string>,
    });
    const main: Page = await app.firstWindow();
    await main.waitForURL('app://hardbound/index.html');
    await expect.poll(() => main.getByTestId('tier-badge').innerText()).toMatch(/Free$/);
    // The renderer sees window.hardbound and nothing of Node or Electron.
    expect(await main.evaluate(() => typeof (globalThis as unknown as { require?: unknown }).require)).toBe('undefined');

    await main.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const checkoutOpened = app.waitForEvent('window');
    await main.getByRole('button', { name: /Enterprise \(lifetime\)/ }).click();
    const checkout = await checkoutOpened;
    await checkout.waitForURL(/\/checkoutnow\?token=/);
    // No bridge in the provider's page.
    expect(await checkout.evaluate(() => typeof (globalThis as unknown as { hardbound?: unknown }).hardbound)).toBe('undefined');
    const checkoutClosed = checkout.waitForEvent('close');
    const paidAt = Date.now();
    await checkout.getByRole('button', { name: 'Pay' }).click();
    await checkoutClosed;
    await expect.poll(() => main.getByTestId('tier-badge').innerText(), { timeout: 15_000 }).toMatch(/Enterprise$/);
    console.log(`Enterprise shown ${Date.now() - paidAt} ms after Pay`);
    await screenshot(main, 'electron-enterprise');
  }, 180_000);
});
