// Real Chromium for the browser tests: the system package, launched headless without a sandbox or GPU.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SystemPart } from '../support/system';

const CHROMIUM_PATH = '/usr/bin/chromium';

export const chromiumPart: SystemPart = {
  available: existsSync(CHROMIUM_PATH),
  reason: `no Chromium at ${CHROMIUM_PATH} (install the distribution package "chromium")`,
};

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const SCREENSHOT_DIR = path.resolve('test-results/e2e');

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Collects Content-Security-Policy violations the page reports, so a test can assert there were none. */
export function watchCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
