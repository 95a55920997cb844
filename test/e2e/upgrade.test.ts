// The upgrade as a buyer goes through it, end to end: the built renderer in real Chromium, the real license core behind
// window.hardbound (through the preload bridge and main's IPC layer), the real server and sandbox behind a
// proxy that can take the server away, and each PayPal checkout in its own browser context.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { API_PATHS } from '../../common/api';
import type { Entitlement } from '../../common/entitlement';
import { buy, supportCall } from '../integration/support-staff';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { storedToken } from '../app/core-support';
import {
  announcer,
  badge,
  badgeReads,
  choosePlan,
  clickOnCheckout,
  newMachine,
  removeMachines,
  startWorld,
  type E2eWorld,
  type Machine,
} from './support-app';

/** Pay → Enterprise on screen, end to end through the browser, the return road's capture at PayPal and the app's
 *  keychain write: a bound a shared 2-core machine busy with the rest of the suite still meets (the server's own
 *  commit-to-answer latency is what bench:activation measures, p99 in milliseconds). The figure is printed. */
const ACTIVATION_BUDGET_MS = 2_000;

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

describe('upgrade end to end (Chromium, real core, server and sandbox)', () => {
  const buyer = machine();

  itWithSystem(chromiumPart, 'Upgrade → approval page in its own context → Pay → Enterprise within two seconds; token stored', async () => {
    const session = await world.startApp(buyer);
    const { page } = session.app;
    expect(await badge(page).innerText()).toContain('Free');
    await screenshot(page, 'e2e-01-free');

    const checkout = await choosePlan(world, page, /Enterprise \(lifetime\)/);
    expect(checkout.context()).not.toBe(session.app.context);
    await checkout.getByRole('button', { name: 'Pay' }).waitFor();
    expect(await checkout.getByTestId('amount').innerText()).toBe('$49.00 USD');
    await expect.poll(() => announcer(page).innerText()).toBe('Complete the payment in the PayPal window.');
    await screenshot(page, 'e2e-02-awaiting-approval');
    await screenshot(checkout, 'e2e-03-paypal-approval');

    world.windows.lastEndAt = null;
    await clickOnCheckout(checkout, 'Pay');
    const shownAt = await badgeReads(page, 'Enterprise');
    const redirectedAt = world.windows.lastEndAt as number | null;
    expect(redirectedAt).not.toBeNull();
    const elapsed = shownAt - redirectedAt!;
    console.log(`e2e: Enterprise shown ${elapsed} ms after the Pay redirect`);
    expect(elapsed).toBeLessThan(ACTIVATION_BUDGET_MS);
    expect(checkout.isClosed()).toBe(true);

    await page.getByRole('dialog').getByText('Enterprise is active on this computer').waitFor();
    await screenshot(page, 'e2e-04-enterprise-active');
    await page.getByRole('button', { name: 'Done' }).click();

    const token = await storedToken(buyer.secrets);
    expect(token).not.toBeNull();
    const claims = decodeJwt(token!);
    expect(claims).toMatchObject({ tier: 'enterprise', status: 'active', plan: 'enterprise-lifetime' });
    const txn = await page.getByTestId('transaction-id').innerText();
    expect(claims.txn).toBe(txn);
    expect(await page.getByTestId('license-status').innerText()).toBe('Active');
    expect(await page.getByTestId('license-panel').innerText()).toMatch(/Renewal\s+None: lifetime license/);
    // The file store stands in for the keychain here, and the app says so, quietly.
    expect(await page.getByTestId('storage-note').innerText()).toContain('Saved in a file on this computer, not in the OS keychain.');
    await page.getByRole('button', { name: 'Copy transaction id' }).click();
    await expect.poll(() => buyer.copied).toEqual([txn]);
    // Enterprise lifts the demo's Free limit of 3.
    for (let i = 0; i < 4; i += 1) await page.getByRole('button', { name: 'Add workflow' }).click();
    expect(await page.getByTestId('workflow-capacity').innerText()).toBe('4 workflows (unlimited on Enterprise)');
    expect(session.app.cspViolations).toEqual([]);
    await screenshot(page, 'e2e-05-enterprise');
    await world.stopApp(session);
  });

  itWithSystem(chromiumPart, 'restart with the server stopped: still Enterprise from the stored token, shown offline', async () => {
    await world.proxy.stop();
    try {
      const session = await world.startApp(buyer);
      const { page } = session.app;
      expect(await badge(page).innerText()).toContain('Enterprise');
      // The app starts out offline until the first refresh answers: wait for that refresh to have failed.
      await expect.poll(() => page.getByTestId('last-refresh-failure').innerText(), { timeout: 15_000 }).toContain('cannot be reached');
      expect(await page.getByTestId('offline-indicator').innerText()).toMatch(/^Offline — Enterprise works on this computer until \w{3} \d{1,2}, \d{4}$/);
      expect(await badge(page).innerText()).toContain('Enterprise');
      await screenshot(page, 'e2e-06-offline-enterprise');
      await world.stopApp(session);
    } finally {
      await world.proxy.start();
    }
  });

  itWithSystem(chromiumPart, 'a refund at PayPal reaches the app at Refresh now: Free', async () => {
    const session = await world.startApp(buyer);
    const { page } = session.app;
    expect(await badge(page).innerText()).toContain('Enterprise');
    const txn = await page.getByTestId('transaction-id').innerText();
    world.harness.sandbox.control.refundCapture(txn);
    await world.harness.sandbox.control.settle(10_000);
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await badgeReads(page, 'Free');
    expect(await page.getByTestId('license-status').innerText()).toBe('Refunded');
    expect(await page.getByTestId('license-panel').innerText()).not.toContain('Renewal');
    expect(decodeJwt((await storedToken(buyer.secrets))!)).toMatchObject({ tier: 'free', status: 'refunded' });
    await screenshot(page, 'e2e-07-refunded-free');
    await world.stopApp(session);
  });

  itWithSystem(chromiumPart, 'Cancel on the approval page: Free, with a message', async () => {
    const session = await world.startApp(machine());
    const { page } = session.app;
    const checkout = await choosePlan(world, page, /Enterprise \(monthly\)/);
    expect(await checkout.getByTestId('amount').innerText()).toBe('$9.00 USD / month');
    await clickOnCheckout(checkout, 'Cancel');
    await page.getByRole('dialog').getByText('The checkout was cancelled. Nothing was charged.').waitFor();
    expect(await page.getByRole('heading', { name: 'Upgrade cancelled' }).count()).toBe(1);
    expect(await badge(page).innerText()).toContain('Free');
    await screenshot(page, 'e2e-08-cancelled');
    await page.getByRole('button', { name: 'Close' }).last().click();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await badge(page).innerText()).toContain('Free');
    await world.stopApp(session);
  });

  itWithSystem(chromiumPart, 'server down during the upgrade: a clear error, and Retry works once it is back', async () => {
    const annualBuyer = machine();
    const session = await world.startApp(annualBuyer);
    const { page } = session.app;
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const annual = page.getByRole('button', { name: /Enterprise \(annual\)/ });
    await annual.waitFor();
    await world.proxy.stop();
    try {
      await annual.click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('The license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.').waitFor({ timeout: 15_000 });
      expect(await badge(page).innerText()).toContain('Free');
      await screenshot(page, 'e2e-09-server-down');
    } finally {
      await world.proxy.start();
    }
    const checkoutOpened = world.windows.nextPage();
    await page.getByRole('button', { name: 'Retry' }).click();
    const checkout = await checkoutOpened;
    expect(await checkout.getByTestId('amount').innerText()).toBe('$90.00 USD / year');
    await clickOnCheckout(checkout, 'Pay');
    await badgeReads(page, 'Enterprise');
    expect(decodeJwt((await storedToken(annualBuyer.secrets))!)).toMatchObject({ tier: 'enterprise', plan: 'enterprise-annual' });
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('license-panel').innerText()).toMatch(/Renews on\s+\w{3} \d{1,2}, \d{4}/);
    await screenshot(page, 'e2e-10-retried-enterprise');
    await world.stopApp(session);
  });

  itWithSystem(chromiumPart, 'a license moved to a new computer: machine code to support, transfer and re-issue, token pasted → Enterprise', async () => {
    const oldComputer = await buy(world.harness);
    const newComputer = machine();
    const session = await world.startApp(newComputer);
    const { page } = session.app;
    expect(await badge(page).innerText()).toContain('Free');

    await page.getByRole('button', { name: /Copy machine code/ }).click();
    await expect.poll(() => newComputer.copied.length).toBe(1);
    const machineCode = newComputer.copied[0]!;
    expect(await page.getByTestId('anchor').innerText()).toBe(`${machineCode.slice(0, 6)}…${machineCode.slice(-4)}`);

    const dana = await world.harness.server.support.createToken('dana', 'act');
    const licenseId = oldComputer.view.license.id;
    const transfer = await supportCall(world.harness, dana, 'POST', API_PATHS.supportAction(licenseId, 'transfer'), { anchor: machineCode, reason: 'new laptop' });
    expect(transfer.status).toBe(200);
    const reissued = await supportCall<{ entitlement: Entitlement }>(world.harness, dana, 'POST', API_PATHS.supportAction(licenseId, 'reissue'), { reason: 'deliver to new laptop' });
    const token = reissued.body.entitlement.token;

    await page.getByText('Have a license token from support?').click();
    const field = page.getByLabel(/Paste the token support sent you/);
    // A token for another machine (the old one's) is refused, in words, and changes nothing.
    await field.fill(oldComputer.view.entitlement.token);
    await page.getByRole('button', { name: 'Use this license' }).click();
    await expect.poll(() => page.getByTestId('import-result').innerText()).toBe('The license belongs to another machine.');
    expect(await badge(page).innerText()).toContain('Free');

    // As it arrives by e-mail: wrapped over lines.
    await field.fill(`${token.slice(0, 70)}\n${token.slice(70)}\n`);
    await page.getByRole('button', { name: 'Use this license' }).click();
    await badgeReads(page, 'Enterprise');
    expect(await page.getByTestId('import-result').innerText()).toBe('License applied to this machine.');
    expect(await page.getByTestId('transaction-id').innerText()).toBe(oldComputer.view.license.transactionId);
    // Stored — the pasted token, or already the fresher one the refresh that follows an import brought.
    expect(decodeJwt((await storedToken(newComputer.secrets))!)).toMatchObject({ sub: machineCode, lic: licenseId, tier: 'enterprise', status: 'active' });
    // From now on it refreshes like any license.
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => page.getByTestId('last-refresh').innerText()).not.toBe('Not yet');
    expect(await badge(page).innerText()).toContain('Enterprise');
    expect(session.app.cspViolations).toEqual([]);
    await screenshot(page, 'e2e-11-license-moved-here');
    await world.stopApp(session);
  });
});
