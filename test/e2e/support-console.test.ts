// The support console in Chromium against the real server, sandbox and app core: sign in; find customers by a
// transaction id pasted with spaces in lower case, by machine code and by subscription id; open the license;
// refund (the app's refresh gives Free, "refunded"); revoke an active subscription (PayPal shows it cancelled,
// the app says "revoked by support"); transfer and re-issue (the token pasted on the new machine gives
// Enterprise, the old one says the license moved); sign out; an expired session is refused. Keyboard only where
// a person would type; a cross-site form POST is refused; the cookie's flags; no console errors; exactly one
// audit row per lookup and action. Screenshots of every page in test-results/e2e/console-*.png.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { consoleViteConfig } from '../../console.vite.config';
import { paypalApi } from '../integration/harness';
import { auditRows } from '../integration/support-staff';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { badge, badgeReads, choosePlan, clickOnCheckout, newMachine, removeMachines, startWorld, type E2eWorld, type Machine, type RunningApp } from './support-app';

let world: E2eWorld;
let consoleDir: string;
const machines: Machine[] = [];

beforeAll(async () => {
  if (!chromiumPart.available) return;
  consoleDir = mkdtempSync(path.join(tmpdir(), 'hardbound-console-'));
  await build({ ...consoleViteConfig, build: { ...consoleViteConfig.build, outDir: consoleDir } });
  world = await startWorld({ consoleDir });
}, 120_000);

afterAll(async () => {
  await world?.close();
  removeMachines(machines);
  if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
});

function machine(): Machine {
  const m = newMachine();
  machines.push(m);
  return m;
}

/** A staff member's browser: its own context, console errors collected (an expected one can be allowed). */
interface Staff {
  context: BrowserContext;
  page: Page;
  errors: string[];
}

async function openConsole(): Promise<Staff> {
  const context = await world.rig.browser.newContext({ locale: 'en-GB', timezoneId: 'UTC' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${world.proxy.url}/support/`);
  return { context, page, errors };
}

const focusedName = (page: Page) =>
  page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { body: unknown; activeElement: { getAttribute(n: string): string | null; textContent: string | null; id: string } | null } }).document;
    const el = doc.activeElement;
    if (!el || el === doc.body) return '(nothing focused)';
    return `${el.getAttribute('aria-label') ?? ''}|${el.textContent ?? ''}|#${el.id}`;
  });

/** Tabs forward until the focused element's label, text or id matches, as a keyboard user would; fails if never. */
async function tabTo(page: Page, target: RegExp): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if (target.test(await focusedName(page))) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`no element matching ${target} is reachable with Tab (last: ${await focusedName(page)})`);
}

async function search(page: Page, text: string): Promise<void> {
  await tabTo(page, /#query/);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 2, name: /license|not one of our ids/ }).waitFor();
}

async function openResult(page: Page, licenseId: string): Promise<void> {
  await tabTo(page, new RegExp(`Open license ${licenseId}`));
  await page.keyboard.press('Enter');
  await page.getByTestId('status').waitFor();
  await page.getByTestId('paypal-state').waitFor();
}

/** Opens an action's dialog, gives the reason, confirms, and waits for the outcome. Keyboard only. */
async function act(page: Page, button: RegExp, reason: string, extra?: (page: Page) => Promise<void>, shot?: string): Promise<string> {
  await tabTo(page, button);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  expect(await focusedName(page)).toMatch(/#action-reason/);
  await page.keyboard.type(reason);
  if (extra) await extra(page);
  if (shot) await screenshot(page, shot);
  await tabTo(page, /^\|(Refund|Revoke|Transfer|Re-issue|Cancel subscription|Restore)\|/);
  await page.keyboard.press('Enter');
  await page.getByTestId('action-outcome').waitFor({ timeout: 20_000 });
  return page.getByTestId('action-outcome').innerText();
}

async function closeDialog(page: Page): Promise<void> {
  expect(await focusedName(page)).toMatch(/Close/);
  await page.keyboard.press('Enter');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
}

async function buyInApp(app: RunningApp, plan: RegExp): Promise<void> {
  const { page } = app.app;
  const checkout = await choosePlan(world, page, plan);
  await clickOnCheckout(checkout, 'Pay');
  await badgeReads(page, 'Enterprise');
  await page.getByRole('button', { name: 'Done' }).click();
  await world.harness.sandbox.control.settle(10_000);
}

const machineCodeOf = async (app: RunningApp) => (await app.app.page.getByTestId('anchor').getAttribute('title'))!;
const licenseIdOf = async (app: RunningApp) => app.app.page.getByTestId('license-id').innerText();

async function refreshApp(app: RunningApp, tier: 'Free' | 'Enterprise'): Promise<void> {
  await app.app.page.getByRole('button', { name: 'Refresh now' }).click();
  await badgeReads(app.app.page, tier);
}

describe('the support console (Chromium, real server, sandbox and app core)', () => {
  itWithSystem(chromiumPart, 'sign in, find, refund, revoke a subscription, transfer and re-issue, sign out, an expired session', async () => {
    const h = world.harness;
    await h.server.support.createToken('sara', 'act');
    const token = await h.server.support.createToken('sara-console', 'act');

    // Three customers: a lifetime buyer (to refund), a monthly subscriber (to revoke), a lifetime buyer whose
    // computer is replaced (to move), and the new computer with nothing yet.
    const refundee = await world.startApp(machine());
    await buyInApp(refundee, /Enterprise \(lifetime\)/);
    const subscriber = await world.startApp(machine());
    await buyInApp(subscriber, /Enterprise \(monthly\)/);
    const mover = await world.startApp(machine());
    await buyInApp(mover, /Enterprise \(lifetime\)/);
    const newComputer = await world.startApp(machine());
    expect(await badge(newComputer.app.page).innerText()).toContain('Free');

    const staff = await openConsole();
    const { page } = staff;
    const auditBefore = (await auditRows(h)).length;

    // Sign in, keyboard only: the token field has focus.
    await page.getByRole('heading', { name: 'Sign in to support' }).waitFor();
    await screenshot(page, 'console-01-sign-in');
    expect(await focusedName(page)).toMatch(/#support-token/);
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    expect(await page.getByTestId('signed-in-as').innerText()).toBe('sara-console');
    // The session is an httpOnly, SameSite=Strict cookie the page cannot read; the token is kept nowhere in the browser.
    const cookies = await staff.context.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite, c.secure, c.path])).toEqual([['hardbound_support', true, 'Strict', false, '/v1/support']]);
    expect(await page.evaluate(() => (globalThis as unknown as { document: { cookie: string } }).document.cookie)).toBe('');
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as { localStorage: { length: number; key(i: number): string | null; getItem(k: string): string | null }; sessionStorage: { length: number } };
      return { local: g.localStorage.length, session: g.sessionStorage.length, url: (globalThis as unknown as { location: { href: string } }).location.href };
    });
    expect(stored).toEqual({ local: 0, session: 0, url: `${world.proxy.url}/support/` });

    // Refund: found by the transaction id pasted with spaces in lower case.
    const txn = await refundee.app.page.getByTestId('transaction-id').innerText();
    const refundeeLicense = await licenseIdOf(refundee);
    await screenshot(page, 'console-02-search');
    await search(page, `  ${txn.slice(0, 6).toLowerCase()} ${txn.slice(6).toLowerCase()} `);
    expect(await page.getByTestId('results').innerText()).toContain(`1 license for PayPal transaction or order id ${txn}`);
    await screenshot(page, 'console-03-results');
    await openResult(page, refundeeLicense);
    expect(await page.getByTestId('status').innerText()).toBe('Active: Enterprise for good (lifetime)');
    expect(await page.getByTestId('paypal-state').innerText()).toContain('COMPLETED');
    await screenshot(page, 'console-04-license');
    const refunded = await act(page, /Refund…/, 'customer asked for their money back, ticket #101', undefined, 'console-05-refund-confirm');
    expect(refunded).toMatch(/PayPal refunded .*the license is refunded/);
    await closeDialog(page);
    expect(await page.getByTestId('status').innerText()).toBe('Refunded: Free');
    // PayPal dates its refund to the second, so the two may sit in either order within it.
    const timeline = await page.getByTestId('timeline').innerText();
    expect(timeline).toContain('Refund requested by support');
    expect(timeline).toMatch(/\tRefunded\tPayPal\t\$49\.00/);
    await refreshApp(refundee, 'Free');
    expect(await refundee.app.page.getByTestId('license-reason').innerText()).toBe('The purchase was refunded.');
    await screenshot(refundee.app.page, 'console-app-refunded');

    // Revoke an active subscription: found by its subscription id, typed in lower case.
    const subscriptionId = await subscriber.app.page.getByTestId('subscription-id').innerText();
    await tabTo(page, /Back to search/);
    await page.keyboard.press('Enter');
    await search(page, subscriptionId.toLowerCase());
    await openResult(page, await licenseIdOf(subscriber));
    expect(await page.getByTestId('paypal-state').innerText()).toContain(`Subscription ${subscriptionId} is ACTIVE`);
    const revoked = await act(page, /Revoke…/, 'abuse of the license terms, ticket #102', async (p) => {
      expect(await p.getByTestId('consequence').innerText()).toMatch(/PayPal stops billing the subscription now/);
    }, 'console-06-revoke-confirm');
    expect(revoked).toMatch(/PayPal stopped billing the subscription and the license is revoked/);
    await closeDialog(page);
    expect((await paypalApi(h).getSubscription(subscriptionId)).status).toBe('CANCELLED');
    await h.sandbox.control.settle(10_000);
    await page.reload();
    await page.getByTestId('signed-in-as').waitFor();
    await search(page, subscriptionId);
    await openResult(page, await licenseIdOf(subscriber));
    expect(await page.getByTestId('paypal-state').innerText()).toContain(`Subscription ${subscriptionId} is CANCELLED`);
    // A revoked license is offered neither transfer nor re-issue.
    const offered = await page.getByRole('region', { name: 'Actions' }).innerText();
    expect(offered).not.toMatch(/Transfer|Re-issue/);
    await screenshot(page, 'console-07-revoked');
    await refreshApp(subscriber, 'Free');
    expect(await subscriber.app.page.getByTestId('license-status').innerText()).toBe('Revoked by support');
    expect(await subscriber.app.page.getByTestId('license-reason').innerText()).toMatch(/^Support revoked this license/);
    await screenshot(subscriber.app.page, 'console-app-revoked');

    // Transfer and re-issue: found by the old computer's machine code, moved to the new one's.
    const oldCode = await machineCodeOf(mover);
    const newCode = await machineCodeOf(newComputer);
    const moverLicense = await licenseIdOf(mover);
    await tabTo(page, /Back to search/);
    await page.keyboard.press('Enter');
    await search(page, oldCode);
    await openResult(page, moverLicense);
    const moved = await act(page, /Transfer to another machine…/, 'new laptop, ticket #103', async (p) => {
      await tabTo(p, /#machine-code/);
      await p.keyboard.type(newCode);
    }, 'console-08-transfer-confirm');
    expect(moved).toContain(`bound to machine ${newCode.slice(0, 6)}…${newCode.slice(-4)}`);
    await closeDialog(page);
    const reissued = await act(page, /Re-issue token…/, 'deliver to the new laptop, ticket #103');
    const tokenForCustomer = await page.getByTestId('reissued-token').inputValue();
    expect(await page.getByTestId('reissue-message').innerText()).toContain('Have a license token from support?');
    expect(reissued).toMatch(/fresh token/);
    await screenshot(page, 'console-09-reissued');
    await closeDialog(page);

    const fresh = newComputer.app.page;
    await fresh.getByText('Have a license token from support?').click();
    await fresh.getByLabel(/Paste the token support sent you/).fill(tokenForCustomer);
    await fresh.getByRole('button', { name: 'Use this license' }).click();
    await badgeReads(fresh, 'Enterprise');
    await refreshApp(mover, 'Free');
    expect(await mover.app.page.getByTestId('license-reason').innerText()).toMatch(/moved to another computer/);
    expect(await mover.app.page.getByTestId('license-status').innerText()).toBe('Moved to another computer');
    await screenshot(mover.app.page, 'console-app-moved');
    await screenshot(fresh, 'console-app-new-computer');

    // Every lookup and action left exactly one audit row with the actor and a reason.
    const rows = (await auditRows(h)).slice(auditBefore).filter((r) => r.actor === 'sara-console');
    const actions = rows.filter((r) => r.action !== 'lookup' && r.action !== 'sign-in');
    expect(actions.map((r) => [r.action, r.reason])).toEqual([
      ['refund', 'customer asked for their money back, ticket #101'],
      ['revoke', 'abuse of the license terms, ticket #102'],
      ['transfer', 'new laptop, ticket #103'],
      ['reissue', 'deliver to the new laptop, ticket #103'],
    ]);
    const lookups = rows.filter((r) => r.action === 'lookup');
    // Four searches (one after the reload), four license pages opened, and one page read after each of the four actions.
    expect(lookups).toHaveLength(12);
    expect(lookups.every((r) => r.reason && r.reason.length > 0)).toBe(true);

    // Sign out, keyboard only.
    await tabTo(page, /^\|Sign out\|/);
    await page.keyboard.press('Enter');
    await page.getByText('You are signed out.').waitFor();
    expect(await staff.context.cookies()).toEqual([]);
    await screenshot(page, 'console-10-signed-out');
    expect(staff.errors).toEqual([]);

    // An expired session is refused: idle past the limit, the next search goes back to the sign-in.
    await page.getByLabel('Your support token').fill(token);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    h.clock.advance(31 * 60_000);
    await tabTo(page, /#query/);
    await page.keyboard.type(txn);
    await page.keyboard.press('Enter');
    await page.getByText(/Your session has ended/).waitFor();
    expect(await page.getByTestId('signed-in-as').count()).toBe(0);
    await screenshot(page, 'console-11-session-ended');
    // The refused request itself is the one error the browser logs.
    expect(staff.errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
    await staff.context.close();
  }, 180_000);

  itWithSystem(chromiumPart, 'a cross-site form POST to an action is refused and changes nothing', async () => {
    const h = world.harness;
    const token = await h.server.support.createToken('csrf-staff', 'act');
    const buyer = await world.startApp(machine());
    await buyInApp(buyer, /Enterprise \(lifetime\)/);
    const licenseId = await licenseIdOf(buyer);
    const staff = await openConsole();
    await staff.page.getByLabel('Your support token').fill(token);
    await staff.page.keyboard.press('Enter');
    await staff.page.getByTestId('signed-in-as').waitFor();

    // Another site (localhost is not the same site as 127.0.0.1) with a form that posts to our revoke action.
    const target = `${world.proxy.url}/v1/support/licenses/${licenseId}/revoke`;
    const evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form id="f" method="POST" action="${target}"><input name="reason" value="pwned"></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => evil.listen(0, '127.0.0.1', resolve));
    try {
      const before = (await auditRows(h)).length;
      const answer = staff.page.context().waitForEvent('response', (r) => r.url() === target);
      const attacker = await staff.context.newPage();
      await attacker.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      expect((await answer).status()).toBeGreaterThanOrEqual(400);
      expect((await h.server.store.db.selectFrom('licenses').select('status').where('id', '=', licenseId).executeTakeFirstOrThrow()).status).toBe('active');
      expect((await auditRows(h)).slice(before).filter((r) => r.action === 'revoke')).toEqual([]);
      await attacker.close();
    } finally {
      evil.close();
      await staff.context.close();
    }
  }, 60_000);
});
