// The "Must show" through the browser preview `npm start` serves — its real bridge (the bundled
// client derived from the IPC contract, the bridge server, checkout tabs) — with the real core, server and
// sandbox, in Chromium: a token from support pasted → Enterprise; the PayPal tab closed → Reopen → Pay →
// Enterprise; the license released on A → code → redeemed on B; offline with and without a license; the
// past-due banner above the keychain note. A screenshot of each state goes to test-results/e2e/.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { API_PATHS } from '../../common/api';
import type { Entitlement } from '../../common/entitlement';
import { buy, supportCall } from '../integration/support-staff';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { badgeText, chooseInPreview, payInTab, startPreviewWorld, untilTier, type Computer, type PreviewWorld } from './support-preview';

let world: PreviewWorld;

beforeAll(async () => {
  if (chromiumPart.available) world = await startPreviewWorld();
}, 180_000);

afterAll(async () => {
  await world?.close();
});

const machineCode = async (c: Computer) => (await c.page.getByTestId('anchor').getAttribute('title'))!;
/** The preview's tab machinery must never have logged an error or been refused by the page's CSP. */
const clean = (c: Computer) => expect(c.cspViolations).toEqual([]);

describe('browser preview: the real bridge, core, server and sandbox', () => {
  let buyer: Computer;

  itWithSystem(chromiumPart, 'a license token from support, pasted → Enterprise', async () => {
    const oldComputer = await buy(world.harness);
    const here = await world.computer();
    const { page } = here;
    expect(await badgeText(page)).toContain('Free');
    const dana = await world.harness.server.support.createToken('dana-preview', 'act');
    const licenseId = oldComputer.view.license.id;
    await supportCall(world.harness, dana, 'POST', API_PATHS.supportAction(licenseId, 'transfer'), { anchor: await machineCode(here), reason: 'new laptop' });
    const reissued = await supportCall<{ entitlement: Entitlement }>(world.harness, dana, 'POST', API_PATHS.supportAction(licenseId, 'reissue'), { reason: 'deliver' });

    await page.getByText('Have a license token from support?').click();
    await page.getByLabel(/Paste the token support sent you/).fill(reissued.body.entitlement.token);
    await page.getByRole('button', { name: 'Use this license' }).click();
    await untilTier(page, 'Enterprise');
    expect(await page.getByTestId('import-result').innerText()).toBe('License applied to this machine.');
    expect(await page.getByTestId('license-id').innerText()).toBe(licenseId);
    // The refresh that follows an import brings what the token does not carry: the plan and the purchase.
    await expect.poll(() => page.getByTestId('license-plan').innerText(), { timeout: 10_000 }).toBe('Enterprise (lifetime) · $49.00 lifetime');
    clean(here);
    await screenshot(page, 'preview-01-token-pasted-enterprise');
  }, 60_000);

  itWithSystem(chromiumPart, 'the PayPal tab closed before paying → "Payment window closed" → Reopen payment page → Pay → Enterprise', async () => {
    buyer = await world.computer();
    const { page } = buyer;
    const first = await chooseInPreview(page, /Enterprise \(lifetime\)/);
    const approveUrl = first.url();
    await first.close();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Payment window closed' }).waitFor({ timeout: 10_000 });
    expect(await dialog.innerText()).toContain('Nothing has been charged.');
    expect(buyer.core.getState().flow.step).toBe('window_closed');
    await screenshot(page, 'preview-02-payment-window-closed');

    const reopened = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Reopen payment page' }).click();
    const second = await reopened;
    await second.waitForURL(/\/checkoutnow/);
    expect(second.url()).toBe(approveUrl); // the same checkout, the same approval page
    await dialog.getByText('Complete the payment in the PayPal window.').waitFor();
    await payInTab(second);
    await untilTier(page, 'Enterprise');
    await dialog.getByText('Enterprise is active on this computer').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('license-plan').innerText()).toBe('Enterprise (lifetime) · $49.00 lifetime');
    expect(await page.getByTestId('purchased-on').innerText()).toMatch(/^\w{3} \d{1,2}, \d{4}$/);
    expect(await page.getByTestId('transaction-id').innerText()).toMatch(/^[A-Z0-9]{17}$/);
    clean(buyer);
    await screenshot(page, 'preview-03-enterprise-after-reopen');
    if (!second.isClosed()) await second.close();
  }, 60_000);

  itWithSystem(chromiumPart, 'release on A → transfer code → redeem on B: B Enterprise, A Free and told the license moved to another computer', async () => {
    const a = buyer;
    const licenseId = await a.page.getByTestId('license-id').innerText();
    await a.page.getByRole('button', { name: 'Move to another computer…' }).click();
    await a.page.getByRole('button', { name: 'Release this computer' }).click();
    const code = await a.page.getByTestId('transfer-code').innerText();
    expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await untilTier(a.page, 'Free');
    expect(await a.page.getByTestId('license-reason').innerText()).toContain('This computer was released');
    expect(await a.page.getByTestId('license-status').innerText()).toBe('Released from this computer');
    await screenshot(a.page, 'preview-04-released-transfer-code');

    const b = await world.computer();
    await b.page.getByText('I have a transfer code').click();
    await b.page.getByLabel(/The code your old computer showed/).fill(code.toLowerCase());
    await b.page.getByRole('button', { name: 'Move the license here' }).click();
    await untilTier(b.page, 'Enterprise');
    expect(await b.page.getByTestId('redeem-result').innerText()).toBe('The license is now on this computer.');
    expect(await b.page.getByTestId('license-id').innerText()).toBe(licenseId);
    clean(b);
    await screenshot(b.page, 'preview-05-moved-here-enterprise');

    await a.page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => a.page.getByTestId('license-reason').innerText()).toMatch(/moved to another computer/);
    expect(await badgeText(a.page)).toContain('Free');
    expect(await a.page.getByTestId('license-status').innerText()).toBe('Moved to another computer');
    expect(await a.page.getByTestId('transfer-code').count()).toBe(0);
    clean(a);
    await screenshot(a.page, 'preview-06-moved-away-free');
    buyer = b;
  }, 60_000);

  itWithSystem(chromiumPart, 'offline with a license: Enterprise until the saved license lapses, last success and the failed attempt apart', async () => {
    const { page } = buyer;
    const lastSuccess = await page.getByTestId('last-refresh').innerText();
    await world.proxy.stop();
    try {
      await page.getByRole('button', { name: 'Refresh now' }).click();
      await page.getByTestId('offline-indicator').waitFor({ timeout: 20_000 });
      const expires = new Date(buyer.core.getState().license.entitlement!.expiresAt);
      const until = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(expires);
      expect(await page.getByTestId('offline-indicator').innerText()).toBe(`Offline — Enterprise works on this computer until ${until}`);
      expect(await badgeText(page)).toContain('Enterprise');
      expect(await page.getByTestId('last-refresh').innerText()).toBe(lastSuccess);
      expect(await page.getByTestId('last-refresh-failure').innerText()).toMatch(/The license server cannot be reached; the license saved on this computer is used\. Check your internet connection/);
      await screenshot(page, 'preview-07-offline-enterprise');
    } finally {
      await world.proxy.start();
    }
  }, 60_000);

  itWithSystem(chromiumPart, 'offline without a license: just "Offline", and the upgrade says in a sentence what to do', async () => {
    await world.proxy.stop();
    try {
      const free = await world.computer();
      const { page } = free;
      await page.getByTestId('offline-indicator').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('offline-indicator').innerText()).toBe('Offline');
      expect(await page.getByTestId('license-panel').innerText()).not.toMatch(/saved on this computer|license stored/);
      await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Try again' }).waitFor({ timeout: 20_000 });
      const text = await dialog.innerText();
      expect(text).toContain('Loading the plans failed: the license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.');
      expect(text).not.toMatch(/core_error|ECONNREFUSED|ERR_/);
      expect(await dialog.getByTestId('enterprise-unlocks').count()).toBe(1);
      await screenshot(page, 'preview-08-offline-free-upgrade');
    } finally {
      await world.proxy.start();
    }
  }, 60_000);

  itWithSystem(chromiumPart, 'a failed renewal: the past-due alert comes first, above the quiet keychain note; Update your payment method opens PayPal', async () => {
    const subscriber = await world.computer();
    const { page } = subscriber;
    const tab = await chooseInPreview(page, /Enterprise \(monthly\)/);
    await payInTab(tab);
    await untilTier(page, 'Enterprise');
    await page.getByRole('button', { name: 'Done' }).click();
    const subscriptionId = await page.getByTestId('subscription-id').innerText();
    expect(subscriptionId).toMatch(/^I-/);
    expect(await page.getByTestId('license-plan').innerText()).toBe('Enterprise (monthly) · $9.00 / month');

    world.harness.sandbox.control.failRenewal(subscriptionId);
    await world.harness.sandbox.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    const banner = page.getByTestId('past-due-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.innerText()).toMatch(/^Your last payment failed — Enterprise continues until \w{3} \d{1,2}, \d{4}\. Update your payment method at PayPal/);
    const note = page.getByTestId('storage-note');
    expect(await note.innerText()).toBe('Saved in a file on this computer, not in the OS keychain. Why?');
    const [bannerBox, noteBox, panelBox] = await Promise.all([banner.boundingBox(), note.boundingBox(), page.getByTestId('license-panel').boundingBox()]);
    expect(bannerBox!.y).toBeLessThan(panelBox!.y);
    expect(bannerBox!.y).toBeLessThan(noteBox!.y);
    // Quiet: the note is one short line in the muted text size, the alert a full-width box.
    expect(noteBox!.height).toBeLessThan(30);
    await screenshot(page, 'preview-09-past-due-above-keychain-note');

    const paypal = page.waitForEvent('popup');
    await page.getByRole('button', { name: 'Update your payment method' }).click();
    const opened = await paypal;
    await opened.waitForURL('https://www.paypal.com/myaccount/autopay/');
    expect(await opened.title()).toBe('PayPal — Automatic payments');
    clean(subscriber);
  }, 90_000);
});
