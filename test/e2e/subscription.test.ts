// A subscription end to end in Chromium: subscribe monthly through PayPal's approval page in its own context and
// see the renewal date; cancel from the app (confirming the date access ends) and see the end date while
// still Enterprise; move the server's and the sandbox's shared clock past it; after Refresh now, Free. And a
// failed renewal: the past-due banner. The real core, server and sandbox throughout.
import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { EntitlementClaims } from '../../common/entitlement';
import { refresh } from '../integration/harness';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { badge, badgeReads, choosePlan, clickOnCheckout, newMachine, removeMachines, startWorld, type E2eWorld, type Machine } from './support-app';
import { storedToken } from '../app/core-support';

const DAY = 86_400_000;

let world: E2eWorld;
const machines: Machine[] = [];

beforeAll(async () => {
  if (chromiumPart.available) world = await startWorld();
});

afterAll(async () => {
  await world?.close();
  removeMachines(machines);
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

const focusedText = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '');

/** Upgrade → Enterprise (monthly) → Pay on PayPal's page → Enterprise; returns the stored entitlement's claims. */
async function subscribeMonthly(page: Page, m: Machine): Promise<EntitlementClaims> {
  const checkout = await choosePlan(world, page, /Enterprise \(monthly\)/);
  expect(await checkout.getByTestId('amount').innerText()).toBe('$9.00 USD / month');
  await clickOnCheckout(checkout, 'Pay');
  await badgeReads(page, 'Enterprise');
  await page.getByRole('dialog').getByText('Enterprise is active on this computer').waitFor();
  await page.getByRole('button', { name: 'Done' }).click();
  const claims = await storedClaims(m);
  expect(claims).toMatchObject({ tier: 'enterprise', status: 'active', plan: 'enterprise-monthly' });
  return claims;
}

describe('subscriptions end to end (Chromium, real core, server and sandbox)', () => {
  itWithSystem(chromiumPart, 'subscribe monthly → renewal date; cancel from the app → end date, still Enterprise; past it → Refresh now → Free', async () => {
    const buyer = machine();
    const session = await world.startApp(buyer);
    const { page } = session.app;
    const subscribed = await subscribeMonthly(page, buyer);
    const paidThrough = subscribed.ptd! * 1000;
    expect(paidThrough).toBeGreaterThan(world.harness.clock.now() + 27 * DAY);
    expect(await page.getByTestId('renewal-date').innerText()).toBe(shown(paidThrough));
    expect(await page.getByTestId('subscription-summary').innerText()).toBe(`Renews on ${shown(paidThrough)} through PayPal.`);
    await screenshot(page, 'sub-01-renewing');

    // The confirmation states when access ends; Escape backs out and focus returns to the button.
    const cancelButton = page.getByRole('button', { name: 'Cancel subscription', exact: true });
    await cancelButton.click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.getAttribute('aria-modal')).toBe('true');
    expect(await dialog.getByRole('heading').innerText()).toBe('Cancel your subscription?');
    expect(await dialog.innerText()).toContain(`Enterprise continues until ${shown(paidThrough)}, then this computer returns to Free.`);
    expect(await focusedText(page)).toBe('Keep subscription');
    expect(await page.locator('main').getAttribute('inert')).not.toBeNull();
    await screenshot(page, 'sub-02-confirm-cancel');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await focusedText(page)).toBe('Cancel subscription');
    expect((await storedClaims(buyer)).status).toBe('active');

    await cancelButton.click();
    await dialog.getByRole('button', { name: 'Yes, cancel subscription' }).click();
    const outcome = `Your subscription is cancelled. Enterprise continues until ${shown(paidThrough)}.`;
    await dialog.getByText(outcome).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('subscription-announcer').innerText()).toBe(outcome);
    expect(await focusedText(page)).toBe('Done');
    await screenshot(page, 'sub-03-cancelled');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await focusedText(page)).toBe('Manage subscription');

    expect(await badge(page).innerText()).toContain('Enterprise');
    expect(await page.getByTestId('license-status').innerText()).toBe('Canceled');
    expect(await page.getByTestId('access-ends').innerText()).toBe(shown(paidThrough));
    expect(await page.getByTestId('subscription-summary').innerText()).toContain(`Enterprise continues until ${shown(paidThrough)}`);
    expect(await cancelButton.count()).toBe(0);
    const canceled = await storedClaims(buyer);
    expect(canceled).toMatchObject({ tier: 'enterprise', status: 'canceled', ptd: subscribed.ptd });
    expect(canceled.exp * 1000).toBeLessThanOrEqual(paidThrough);
    await screenshot(page, 'sub-04-canceled-enterprise');

    // One clock for server, sandbox and core: past the end of the paid period.
    await world.harness.sandbox.control.advanceClock(paidThrough - world.harness.clock.now() + 60_000);
    await world.harness.sandbox.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await badgeReads(page, 'Free');
    expect(await page.getByTestId('license-reason').innerText()).toBe('The subscription was cancelled and its paid period has ended.');
    expect(await page.getByTestId('manage-subscription').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Upgrade to Enterprise' }).count()).toBe(1);
    expect(await storedClaims(buyer)).toMatchObject({ tier: 'free', status: 'canceled' });
    expect(session.app.cspViolations).toEqual([]);
    await screenshot(page, 'sub-05-free-after-period');
    await world.stopApp(session);
  });

  itWithSystem(chromiumPart, 'a failed renewal: past-due banner with the date Enterprise continues until, still Enterprise', async () => {
    const buyer = machine();
    const session = await world.startApp(buyer);
    const { page } = session.app;
    const subscribed = await subscribeMonthly(page, buyer);
    expect(await page.getByTestId('past-due-banner').count()).toBe(0);
    // The subscription id is the server's to know; ask it as the app would, with the stored token.
    const token = (await storedToken(buyer.secrets))!;
    const { body } = await refresh(world.harness, subscribed.sub, token);
    const subscriptionId = body.license!.subscriptionId!;

    world.harness.sandbox.control.failRenewal(subscriptionId);
    await world.harness.sandbox.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const banner = page.getByTestId('past-due-banner');
    await banner.waitFor();
    const pastDue = await storedClaims(buyer);
    expect(pastDue).toMatchObject({ tier: 'enterprise', status: 'past_due' });
    const until = Math.max(pastDue.ptd!, pastDue.exp) * 1000;
    expect(await banner.innerText()).toBe(`Your last payment failed — Enterprise continues until ${shown(until)}. Update your payment method at PayPal so the next attempt goes through.`);
    expect(await page.getByRole('alert').filter({ has: banner }).count()).toBe(1);
    await page.getByRole('button', { name: 'Update your payment method' }).click();
    await expect.poll(() => buyer.paymentPagesOpened).toEqual(['paypal']);
    expect(await badge(page).innerText()).toContain('Enterprise');
    expect(await page.getByTestId('license-status').innerText()).toBe('Payment overdue (grace period)');
    expect(await page.getByRole('button', { name: 'Cancel subscription', exact: true }).count()).toBe(1);
    await screenshot(page, 'sub-06-past-due');
    await world.stopApp(session);
  });
});
