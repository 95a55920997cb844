// The one-time Paystack purchase through the browser preview `npm start` serves — its real bridge (the bundled
// client derived from the IPC contract, the bridge server, checkout tabs held to the app config's checkout
// origins) — over the real core and a server selling through PayPal's and Paystack's stand-ins, in Chromium.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { startPreviewWorld, untilTier, type PreviewWorld } from './support-preview';

let world: PreviewWorld;

beforeAll(async () => {
  if (chromiumPart.available) world = await startPreviewWorld({ paystack: true });
}, 180_000);

afterAll(async () => {
  await world?.close();
});

describe('browser preview: a Paystack purchase', () => {
  itWithSystem(chromiumPart, 'Pay with Paystack → e-mail → the Paystack tab → Pay → Enterprise, Paystack named on the License panel', async () => {
    const computer = await world.computer();
    const { page } = computer;
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('radio', { name: 'Paystack' }).check();
    await dialog.getByLabel('Your e-mail address for Paystack').fill('grace.hopper@example.test');
    const tabOpened = page.waitForEvent('popup');
    await dialog.getByRole('button', { name: /Enterprise \(lifetime\)/ }).click();
    const tab = await tabOpened;
    await tab.waitForURL(/\/paystack\/checkout\//);
    expect(await tab.getByTestId('amount').innerText()).toBe('$49.00 USD');
    await dialog.getByText('Complete the payment in the Paystack window.').waitFor();
    await screenshot(page, 'paystack-preview-01-awaiting-payment');
    await screenshot(tab, 'paystack-preview-02-paystack-tab');
    await tab.getByRole('button', { name: 'Pay' }).click();
    await tab.waitForURL(/\/checkout\/return/).catch(() => undefined);
    await untilTier(page, 'Enterprise');
    await dialog.getByText('Enterprise is active on this computer').waitFor();
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('license-provider').innerText()).toBe('Paystack');
    expect(await page.getByTestId('transaction-id').innerText()).toMatch(/^chk\./);
    expect(computer.cspViolations).toEqual([]);
    await screenshot(page, 'paystack-preview-03-enterprise');
    if (!tab.isClosed()) await tab.close();
  }, 90_000);
});
