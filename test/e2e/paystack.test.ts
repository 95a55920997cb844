// Paystack beside PayPal, end to end in Chromium: the real core, the real server selling through both stand-ins
// (as a development run does), the built renderer and support console. The buyer chooses Paystack in the upgrade
// dialog, gives the e-mail Paystack needs (checked before anything starts; said to go to Paystack only), pays on
// the Paystack stand-in's hosted page and gets Enterprise; the e-mail is nowhere in what the app or the server
// keeps or logs. A Paystack subscription renews on the sandbox clock, a failed renewal makes it past due (the
// banner says where Paystack's card-update link is), another is cancelled from the app; support finds the
// one-time purchase by its Paystack reference in the console and refunds it, and the app drops to Free.
// Screenshots: test-results/e2e/paystack-*.png.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { consoleViteConfig } from '../../console.vite.config';
import type { EntitlementClaims } from '../../common/entitlement';
import { storedToken } from '../app/core-support';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { announcer, badge, badgeReads, clickOnCheckout, newMachine, removeMachines, startWorld, type E2eWorld, type Machine, type RunningApp } from './support-app';

const DAY = 86_400_000;
const EMAIL = 'ada.lovelace@example.test';

let world: E2eWorld;
let consoleDir: string;
const machines: Machine[] = [];

beforeAll(async () => {
  if (!chromiumPart.available) return;
  consoleDir = mkdtempSync(path.join(tmpdir(), 'hardbound-console-'));
  await build({ ...consoleViteConfig, logLevel: 'warn', build: { ...consoleViteConfig.build, outDir: consoleDir } });
  world = await startWorld({ consoleDir, paystack: true });
}, 180_000);

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

/** How the app shows a date (its window runs with locale en-US in UTC). */
const shown = (ms: number) => new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(ms));

async function storedClaims(m: Machine): Promise<EntitlementClaims> {
  return decodeJwt((await storedToken(m.secrets))!) as unknown as EntitlementClaims;
}

/** Upgrade → Pay with Paystack → the e-mail → the plan; resolves with the Paystack page it opens. */
async function choosePaystack(page: Page, plan: RegExp, email = EMAIL): Promise<Page> {
  await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
  await page.getByRole('radio', { name: 'Paystack' }).check();
  await page.getByLabel('Your e-mail address for Paystack').fill(email);
  const opened = world.windows.nextPage();
  await page.getByRole('button', { name: plan }).click();
  const checkout = await opened;
  await checkout.getByRole('button', { name: 'Pay' }).waitFor();
  return checkout;
}

/** Subscribes monthly through Paystack; returns the stored entitlement's claims. */
async function subscribeMonthly(session: RunningApp, m: Machine): Promise<EntitlementClaims> {
  const { page } = session.app;
  const checkout = await choosePaystack(page, /Enterprise \(monthly\)/);
  expect(await checkout.getByTestId('amount').innerText()).toBe('$9.00 USD / monthly');
  await clickOnCheckout(checkout, 'Pay');
  await badgeReads(page, 'Enterprise');
  await page.getByRole('button', { name: 'Done' }).click();
  const claims = await storedClaims(m);
  expect(claims).toMatchObject({ tier: 'enterprise', status: 'active', plan: 'enterprise-monthly' });
  return claims;
}

/** Every file under `dir`, as text (binary files too: an e-mail in them would still show as its bytes). */
function filesUnder(dir: string): Array<{ file: string; text: string }> {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => path.join(dir, name))
    .filter((file) => statSync(file).isFile())
    .map((file) => ({ file, text: readFileSync(file).toString('latin1') }));
}

describe('Paystack end to end (Chromium, real core, server and both stand-ins)', () => {
  const buyer = machine();
  let reference = '';

  itWithSystem(chromiumPart, 'choose Paystack → the e-mail, checked and explained → the Paystack page → Pay → Enterprise, the provider named throughout', async () => {
    const session = await world.startApp(buyer);
    const { page } = session.app;
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const dialog = page.getByRole('dialog');
    // Both providers are offered; PayPal, the first, needs no e-mail, so none is asked.
    const choice = dialog.getByTestId('provider-choice');
    await choice.waitFor();
    expect(await choice.getByRole('radio').evaluateAll((radios) => radios.map((r) => (r as unknown as { value: string; checked: boolean }).value + (r as unknown as { checked: boolean }).checked))).toEqual(['paypaltrue', 'paystackfalse']);
    expect(await dialog.getByRole('textbox').count()).toBe(0);
    expect(await dialog.innerText()).toContain('Payment opens in a separate PayPal window.');
    await screenshot(page, 'paystack-01-providers-offered');

    await dialog.getByRole('radio', { name: 'Paystack' }).check();
    const field = dialog.getByLabel('Your e-mail address for Paystack');
    await field.waitFor();
    expect(await dialog.getByTestId('email-note').innerText()).toBe('Paystack needs it to take the payment and send your receipt. It goes to Paystack only; we do not keep it.');
    expect(await dialog.innerText()).toContain('Payment opens in a separate Paystack window.');
    // Nothing starts without a whole address: the field says why and takes the focus.
    await dialog.getByRole('button', { name: /Enterprise \(lifetime\)/ }).click();
    expect(await dialog.getByTestId('email-problem').innerText()).toBe('Enter your e-mail address: Paystack needs it to take the payment.');
    expect(await field.evaluate((el) => (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement === el)).toBe(true);
    await field.fill('ada@example');
    await dialog.getByRole('button', { name: /Enterprise \(lifetime\)/ }).click();
    expect(await dialog.getByTestId('email-problem').innerText()).toBe('Enter a whole e-mail address, like name@example.com.');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(session.core.getState().flow.step).toBe('idle');
    await screenshot(page, 'paystack-02-email-asked');

    await field.fill(EMAIL);
    const opened = world.windows.nextPage();
    await dialog.getByRole('button', { name: /Enterprise \(lifetime\)/ }).click();
    const checkout = await opened;
    await checkout.waitForURL(/\/paystack\/checkout\//);
    expect(await checkout.title()).toBe('Paystack Checkout');
    expect(await checkout.getByTestId('amount').innerText()).toBe('$49.00 USD');
    // The e-mail reached Paystack (it is the stand-in's customer), through the server.
    expect(await checkout.getByTestId('buyer').innerText()).toBe(EMAIL);
    await expect.poll(() => announcer(page).innerText()).toBe('Complete the payment in the Paystack window.');
    await screenshot(page, 'paystack-03-awaiting-payment');
    await screenshot(checkout, 'paystack-04-paystack-page');

    await clickOnCheckout(checkout, 'Pay');
    await badgeReads(page, 'Enterprise');
    await dialog.getByText('Enterprise is active on this computer').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await storedClaims(buyer)).toMatchObject({ tier: 'enterprise', status: 'active', plan: 'enterprise-lifetime' });
    expect(await page.getByTestId('license-provider').innerText()).toBe('Paystack');
    reference = await page.getByTestId('transaction-id').innerText();
    expect(reference).toMatch(/^chk\./);
    expect(session.app.cspViolations).toEqual([]);
    await screenshot(page, 'paystack-05-enterprise');
    await world.stopApp(session);
  }, 90_000);

  itWithSystem(chromiumPart, 'the e-mail is nowhere the app or the server keeps or logs it', async () => {
    await world.harness.sandbox.paystack.control.settle(10_000);
    const kept = [...filesUnder(buyer.dir), ...filesUnder(world.harness.dataDir)].filter(({ text }) => text.includes(EMAIL)).map(({ file }) => file);
    expect(kept).toEqual([]);
    expect(world.harness.logs.join('')).not.toContain(EMAIL);
    // The check can fail: the stand-in, which is Paystack here, does hold it.
    expect(JSON.stringify(world.harness.sandbox.paystack.control.listEvents())).toContain(EMAIL);
  });

  itWithSystem(chromiumPart, 'a Paystack subscription: renewal on the sandbox clock moves the renewal date; a failed renewal → past due, with where to update the card', async () => {
    const subscriber = machine();
    const session = await world.startApp(subscriber);
    const { page } = session.app;
    const subscribed = await subscribeMonthly(session, subscriber);
    const subscriptionCode = await page.getByTestId('subscription-id').innerText();
    expect(subscriptionCode).toMatch(/^SUB_/);
    expect(await page.getByTestId('license-provider').innerText()).toBe('Paystack');
    const firstPeriodEnd = subscribed.ptd! * 1000;
    expect(await page.getByTestId('subscription-summary').innerText()).toBe(`Renews on ${shown(firstPeriodEnd)} through Paystack.`);
    await screenshot(page, 'paystack-06-subscribed');

    // The sandbox clock (shared with the server and the app) passes the renewal date: Paystack charges again.
    await world.harness.sandbox.control.advanceClock(firstPeriodEnd - world.harness.clock.now() + 60_000);
    await world.harness.sandbox.paystack.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(async () => (await storedClaims(subscriber)).ptd! * 1000, { timeout: 20_000 }).toBeGreaterThan(firstPeriodEnd + 27 * DAY);
    const renewed = await storedClaims(subscriber);
    expect(renewed).toMatchObject({ tier: 'enterprise', status: 'active' });
    await expect.poll(() => page.getByTestId('renewal-date').innerText()).toBe(shown(renewed.ptd! * 1000));
    await screenshot(page, 'paystack-07-renewed');

    // The next renewal fails: past due, Enterprise during the grace period; the banner says where Paystack's
    // card-update link is (Paystack mails it per subscription; the app has no page of Paystack's to open).
    world.harness.sandbox.paystack.control.setRenewalOutcome(subscriptionCode, 'failed');
    await world.harness.sandbox.control.advanceClock(renewed.ptd! * 1000 - world.harness.clock.now() + 60_000);
    await world.harness.sandbox.paystack.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const banner = page.getByTestId('past-due-banner');
    await banner.waitFor({ timeout: 20_000 });
    const pastDue = await storedClaims(subscriber);
    expect(pastDue).toMatchObject({ tier: 'enterprise', status: 'past_due' });
    expect(await banner.innerText()).toMatch(/^Your last payment failed — Enterprise continues until \w{3} \d{1,2}, \d{4}\. Update your card with the link in the e-mail Paystack sent about this subscription, so the next attempt goes through\.$/);
    expect(await page.getByRole('button', { name: 'Update your payment method' }).count()).toBe(0);
    expect(await badge(page).innerText()).toContain('Enterprise');
    expect(await page.getByTestId('license-status').innerText()).toBe('Payment overdue (grace period)');
    await screenshot(page, 'paystack-08-past-due');
    await world.stopApp(session);
  }, 120_000);

  itWithSystem(chromiumPart, 'a Paystack subscription cancelled from the app: Paystack stops billing, Enterprise until the period ends', async () => {
    const subscriber = machine();
    const session = await world.startApp(subscriber);
    const { page } = session.app;
    const subscribed = await subscribeMonthly(session, subscriber);
    const paidThrough = subscribed.ptd! * 1000;
    await page.getByRole('button', { name: 'Cancel subscription', exact: true }).click();
    const dialog = page.getByRole('dialog');
    expect(await dialog.innerText()).toContain(`Paystack will not charge you again. Enterprise continues until ${shown(paidThrough)}, then this computer returns to Free.`);
    await screenshot(page, 'paystack-09-confirm-cancel');
    await dialog.getByRole('button', { name: 'Yes, cancel subscription' }).click();
    await dialog.getByText(/^Your subscription is cancelled\. Enterprise continues until/).waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Done' }).click();
    await world.harness.sandbox.paystack.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => page.getByTestId('license-status').innerText(), { timeout: 20_000 }).toBe('Canceled');
    expect(await badge(page).innerText()).toContain('Enterprise');
    expect(await page.getByTestId('access-ends').innerText()).toBe(shown(paidThrough));
    await screenshot(page, 'paystack-10-cancelled');
    await world.stopApp(session);
  }, 90_000);

  itWithSystem(chromiumPart, 'support finds the purchase by its Paystack reference in the console, refunds it through Paystack; the app drops to Free', async () => {
    expect(reference).not.toBe('');
    const token = await world.harness.server.support.createToken('sam-console', 'act');
    const context = await world.rig.browser.newContext({ locale: 'en-GB', timezoneId: 'UTC' });
    try {
      const page = await context.newPage();
      await page.goto(`${world.proxy.url}/support/`);
      await page.getByLabel(/token/i).fill(token);
      await page.keyboard.press('Enter');
      await page.getByTestId('signed-in-as').waitFor();
      // As a customer pastes it from Paystack's receipt: surrounded by spaces.
      await page.locator('#query').fill(`  ${reference} `);
      await page.keyboard.press('Enter');
      await page.getByTestId('results').waitFor();
      expect(await page.getByTestId('results').innerText()).toContain('1 license');
      await screenshot(page, 'paystack-11-console-lookup');
      await page.getByRole('button', { name: /Open license/ }).first().click();
      await page.getByTestId('status').waitFor();
      expect(await page.getByTestId('status').innerText()).toBe('Active: Enterprise for good (lifetime)');
      const live = await page.getByTestId('paypal-state').innerText();
      expect(live).toContain(reference);
      expect(live).toContain('success');
      await screenshot(page, 'paystack-12-console-license');

      await page.getByRole('button', { name: /Refund…/ }).click();
      await page.locator('#action-reason').fill('customer asked, ticket #201');
      await page.getByRole('dialog').getByRole('button', { name: /^Refund$/ }).click();
      await page.getByTestId('action-outcome').waitFor({ timeout: 20_000 });
      await screenshot(page, 'paystack-13-console-refunded');
    } finally {
      await context.close();
    }
    await world.harness.sandbox.paystack.control.settle(10_000);
    const session = await world.startApp(buyer);
    const { page } = session.app;
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await badgeReads(page, 'Free');
    expect(await page.getByTestId('license-status').innerText()).toBe('Refunded');
    expect(await page.getByTestId('license-reason').innerText()).toBe('The purchase was refunded.');
    expect(await storedClaims(buyer)).toMatchObject({ tier: 'free', status: 'refunded' });
    await screenshot(page, 'paystack-14-refunded-free');
    await world.stopApp(session);
  }, 90_000);
});
