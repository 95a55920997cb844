// One browser rig per test file: the renderer built once with the app's own vite config, served on loopback,
// Chromium launched, and a way to open the app in a fresh context with any HardboundApi behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import type { HardboundApi } from '../../common/ipc';
import { rendererConfig } from '../../electron.vite.config';
import { attachHardbound, buildPageBridge } from './support-bridge';
import { launchChromium, watchCspViolations } from './support-browser';
import { serveRenderer, type StaticServer } from './support-static-server';

export interface AppPage {
  page: Page;
  context: BrowserContext;
  cspViolations: string[];
  close(): Promise<void>;
}

export interface BrowserRig {
  browser: Browser;
  server: StaticServer;
  openApp(api: HardboundApi): Promise<AppPage>;
  close(): Promise<void>;
}

async function buildRenderer(outDir: string): Promise<void> {
  await build({ ...rendererConfig, configFile: false, logLevel: 'warn', build: { ...rendererConfig.build, outDir } });
}

export async function startBrowserRig(): Promise<BrowserRig> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'hardbound-renderer-'));
  await buildRenderer(outDir);
  const bridgeScript = await buildPageBridge();
  const server = await serveRenderer(outDir);
  const browser = await launchChromium();
  const opened = new Set<AppPage>();
  return {
    browser,
    server,
    async openApp(api) {
      const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
      const page = await context.newPage();
      const cspViolations = watchCspViolations(page);
      const detach = await attachHardbound(page, api, server, bridgeScript);
      await page.goto(`${server.origin}index.html`);
      const app: AppPage = {
        page,
        context,
        cspViolations,
        async close() {
          opened.delete(app);
          detach();
          await context.close();
        },
      };
      opened.add(app);
      return app;
    },
    async close() {
      for (const app of [...opened]) await app.close();
      await browser.close();
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
