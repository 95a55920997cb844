// The renderer in real Chromium behind the real preload bridge and main's IPC layer, with a scripted core:
// what each state shows, and that everything works from the keyboard and reads well to a screen reader.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Page } from 'playwright-core';
import { IPC_METHOD_NAMES } from '../../common/ipc';
import { itWithSystem } from '../support/system';
import { chromiumPart, screenshot } from './support-browser';
import { startBrowserRig, type AppPage, type BrowserRig } from './support-rig';
import { ENTERPRISE_LICENSE, FREE_LICENSE, PAYPAL, PAYSTACK, ScriptedApi, TWO_PROVIDER_CATALOG } from './support-scripted-api';

let rig: BrowserRig | undefined;
beforeAll(async () => {
  if (chromiumPart.available) rig = await startBrowserRig();
});
afterAll(async () => {
  await rig?.close();
});

async function open(api: ScriptedApi): Promise<AppPage> {
  const app = await rig!.openApp(api);
  await app.page.getByTestId('tier-badge').waitFor();
  return app;
}

const badge = (page: Page) => page.getByTestId('tier-badge');
const dialog = (page: Page) => page.getByRole('dialog');
const focusedText = (page: Page) => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { textContent: string } | null } }).document.activeElement?.textContent ?? '');

describe('renderer in Chromium (scripted core)', () => {
  itWithSystem(chromiumPart, 'Free: badge, license panel, no CSP violations, a frozen bridge and no raw IPC', async () => {
    const api = new ScriptedApi();
    const app = await open(api);
    const { page } = app;
    expect(await badge(page).innerText()).toContain('Free');
    expect(await page.getByTestId('license-status').innerText()).toBe('No license');
    expect(await page.getByTestId('license-reason').innerText()).toBe('No license on this machine');
    expect(await page.getByTestId('anchor').innerText()).toBe('AbCdEf…wxyz');
    expect(await page.getByTestId('last-refresh').innerText()).toBe('Not yet');
    expect(await page.getByTestId('storage-note').count()).toBe(0);
    const exposure = await page.evaluate(() => {
      const w = globalThis as unknown as Record<string, unknown> & { hardbound: Record<string, unknown> };
      return { keys: Object.keys(w.hardbound).sort(), frozen: Object.isFrozen(w.hardbound), ipc: 'ipcRenderer' in w || 'require' in w };
    });
    expect(exposure).toEqual({ keys: [...IPC_METHOD_NAMES, 'onState'].sort(), frozen: true, ipc: false });
    expect(app.cspViolations).toEqual([]);
    await app.close();
  });

  itWithSystem(chromiumPart, 'keyboard: Upgrade opens a modal dialog with focus inside, Escape closes it and focus returns', async () => {
    const api = new ScriptedApi();
    const { page, close } = await open(api);
    // Tab from the top of the page reaches the Upgrade button before anything else.
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toBe('Upgrade to Enterprise');
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog(page).getAttribute('aria-modal')).toBe('true');
    expect(await dialog(page).getAttribute('aria-labelledby')).toBe('upgrade-title');
    await page.getByRole('button', { name: /Enterprise \(lifetime\)/ }).waitFor();
    expect(await focusedText(page)).toContain('Enterprise (lifetime)');
    expect(await page.locator('main').getAttribute('inert')).not.toBeNull();
    // Tab wraps inside the dialog, both ways: last plan → close button → last plan.
    for (let i = 0; i < 2; i += 1) await page.keyboard.press('Tab');
    expect(await focusedText(page)).toContain('Enterprise (annual)');
    await page.keyboard.press('Tab');
    expect(await focusedText(page)).toContain('×');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedText(page)).toContain('Enterprise (annual)');
    await screenshot(page, 'ui-01-plans');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog(page).count()).toBe(0);
    expect(await focusedText(page)).toBe('Upgrade to Enterprise');
    await close();
  });

  itWithSystem(chromiumPart, 'plans show price and period; choosing one starts that plan', async () => {
    const api = new ScriptedApi();
    const { page, close } = await open(api);
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const plans = page.locator('.plan');
    await plans.first().waitFor();
    expect(await plans.allInnerTexts()).toEqual([
      expect.stringMatching(/Enterprise \(lifetime\)\s+\$49\.00 lifetime/),
      expect.stringMatching(/Enterprise \(monthly\)\s+\$9\.00 \/ month/),
      expect.stringMatching(/Enterprise \(annual\)\s+\$90\.00 \/ year/),
    ]);
    // Screen readers hear the period in words, not a slash.
    await page.getByRole('button', { name: 'Enterprise (monthly) $9.00 per month' }).click();
    await expect.poll(() => api.callsOf('startUpgrade')).toEqual([['enterprise-monthly', 'paypal', null]]);
    await close();
  });

  itWithSystem(chromiumPart, 'progress is announced in a live region; Cancel, then Retry after a failure', async () => {
    const api = new ScriptedApi();
    const { page, close } = await open(api);
    const announcer = page.getByTestId('flow-announcer');
    expect(await announcer.getAttribute('aria-live')).toBe('polite');
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    await page.getByRole('button', { name: /Enterprise \(annual\)/ }).click();
    await expect.poll(() => announcer.innerText()).toBe('Creating your checkout…');
    api.setFlow({ step: 'awaiting_approval', planId: 'enterprise-annual', provider: PAYPAL, checkoutId: 'chk_1' });
    await expect.poll(() => announcer.innerText()).toBe('Complete the payment in the PayPal window.');
    expect(await dialog(page).innerText()).toContain('Complete the payment in the PayPal window.');
    // No way out but Cancel while a payment may be under way: Escape does nothing, no close button.
    await page.keyboard.press('Escape');
    expect(await dialog(page).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Close' }).count()).toBe(0);
    expect(await focusedText(page)).toBe('Cancel');
    await screenshot(page, 'ui-02-awaiting-approval');
    // A subscriber buying lifetime is told, before paying, that the subscription will be cancelled.
    expect(await page.getByTestId('replaces-subscription').count()).toBe(0);
    api.setFlow({ step: 'awaiting_approval', planId: 'enterprise-annual', provider: PAYPAL, checkoutId: 'chk_1', replaces: { subscriptionId: 'I-MONTHLY0001', planId: 'enterprise-monthly' } });
    await expect.poll(() => page.getByTestId('replaces-subscription').innerText()).toContain('Your subscription (I-MONTHLY0001) will be cancelled once this payment goes through');
    await screenshot(page, 'ui-02b-awaiting-approval-replaces-subscription');
    await page.keyboard.press('Enter');
    await expect.poll(() => api.callsOf('cancelUpgrade').length).toBe(1);

    api.setFlow({ step: 'failed', reason: 'server_error', message: 'The license server is not answering. Try again in a moment.', retryable: true });
    await expect.poll(() => announcer.innerText()).toBe('The license server is not answering. Try again in a moment.');
    expect(await focusedText(page)).toBe('Retry');
    await screenshot(page, 'ui-03-failed');
    await page.keyboard.press('Enter');
    await expect.poll(() => api.callsOf('startUpgrade')).toEqual([['enterprise-annual', 'paypal', null], ['enterprise-annual', 'paypal', null]]);
    await close();
  });

  itWithSystem(chromiumPart, 'a failure that cannot be retried offers Close only, which dismisses the flow', async () => {
    const api = new ScriptedApi();
    api.setFlow({ step: 'failed', reason: 'invalid_entitlement', message: 'The payment was recorded, but the license could not be verified.', retryable: false });
    const { page, close } = await open(api);
    await dialog(page).waitFor();
    expect(await page.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Close' }).last().click();
    await expect.poll(() => dialog(page).count()).toBe(0);
    expect(api.callsOf('dismissFlow')).toHaveLength(1);
    await close();
  });

  itWithSystem(chromiumPart, 'Enterprise: license details, Copy sends the transaction id, Refresh now', async () => {
    const api = new ScriptedApi(ENTERPRISE_LICENSE);
    const { page, close } = await open(api);
    expect(await badge(page).innerText()).toContain('Enterprise');
    expect(await page.getByRole('button', { name: 'Upgrade to Enterprise' }).count()).toBe(0);
    const panel = await page.getByTestId('license-panel').innerText();
    expect(panel).toContain('Active');
    expect(panel).toContain('Jan 15, 2030');
    expect(await page.getByTestId('transaction-id').innerText()).toBe('7TX12345AB678901C');
    await page.getByRole('button', { name: 'Copy transaction id' }).click();
    await expect.poll(() => api.callsOf('copyText')).toEqual([['7TX12345AB678901C']]);
    await page.getByText('Copied').waitFor();
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => api.callsOf('refresh').length).toBe(1);
    await close();
  });

  itWithSystem(chromiumPart, 'a license token from support: the form is closed until asked for, says why a token is refused, keeps it for a fix', async () => {
    const api = new ScriptedApi();
    const { page, close } = await open(api);
    await page.getByRole('button', { name: /Copy machine code/ }).click();
    await expect.poll(() => api.callsOf('copyText')).toEqual([['AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_awxyz']]);
    const field = page.getByLabel(/Paste the token support sent you/);
    expect(await field.isVisible()).toBe(false);
    await page.getByText('Have a license token from support?').click();
    const use = page.getByRole('button', { name: 'Use this license' });
    expect(await use.isDisabled()).toBe(true);

    api.importAnswer = { ok: false, message: 'The license belongs to another machine.' };
    await field.fill('eyJhbGciOiJFZERTQSJ9.e30.c2ln');
    await use.click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('The license belongs to another machine.');
    expect(await field.inputValue()).toBe('eyJhbGciOiJFZERTQSJ9.e30.c2ln');

    api.importAnswer = { ok: true };
    await use.click();
    await expect.poll(() => page.getByTestId('import-result').innerText()).toBe('License applied to this machine.');
    expect(await field.inputValue()).toBe('');
    expect(api.callsOf('importLicense')).toEqual([['eyJhbGciOiJFZERTQSJ9.e30.c2ln'], ['eyJhbGciOiJFZERTQSJ9.e30.c2ln']]);
    await close();
  });

  itWithSystem(chromiumPart, 'cancel subscription: confirm, a wait that cannot be escaped, a failure with Retry, then done pending PayPal', async () => {
    const api = new ScriptedApi(ENTERPRISE_LICENSE);
    const { page, close } = await open(api);
    expect(await page.getByTestId('renewal-date').innerText()).toBe('Jan 15, 2030');
    await page.getByRole('button', { name: 'Cancel subscription', exact: true }).click();
    expect(await dialog(page).innerText()).toContain('Enterprise continues until Jan 15, 2030');
    expect(api.callsOf('cancelSubscription')).toEqual([]);

    // Main answers nothing yet: no way out of the wait, and nothing to press.
    await page.getByRole('button', { name: 'Yes, cancel subscription' }).click();
    await expect.poll(() => api.callsOf('cancelSubscription').length).toBe(1);
    await expect.poll(() => dialog(page).getAttribute('aria-busy')).toBe('true');
    await page.keyboard.press('Escape');
    expect(await dialog(page).count()).toBe(1);
    expect(await dialog(page).getByRole('button').count()).toBe(0);

    api.setManage({ step: 'failed', reason: 'offline', message: 'The license server cannot be reached. Check your internet connection and try again; nothing was cancelled.', retryable: true });
    const announcer = page.getByTestId('subscription-announcer');
    await expect.poll(() => announcer.innerText()).toContain('nothing was cancelled');
    expect(await focusedText(page)).toBe('Retry');
    await screenshot(page, 'ui-06-cancel-failed');

    api.cancelOutcome = { step: 'done', licenseId: 'lic_test', endsAt: '2030-01-15T00:00:00.000Z', recorded: false };
    await page.keyboard.press('Enter');
    const done = 'Your subscription is cancelled. Enterprise continues until Jan 15, 2030. The license shows the cancellation after PayPal confirms it, at the next refresh.';
    await expect.poll(() => announcer.innerText()).toBe(done);
    expect(await dialog(page).innerText()).toContain(done);
    expect(await focusedText(page)).toBe('Done');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog(page).count()).toBe(0);
    // Until PayPal's notice shows in the license, the section says it is on its way and offers no second cancel.
    expect(await page.getByTestId('subscription-summary').innerText()).toMatch(/^Cancellation requested at PayPal: Enterprise continues until Jan 15, 2030/);
    expect(await page.getByRole('button', { name: 'Cancel subscription', exact: true }).count()).toBe(0);
    expect(await focusedText(page)).toBe('Manage subscription');
    await close();
  });

  itWithSystem(chromiumPart, 'past due: the banner with the date Enterprise continues until; a lifetime license has no Manage subscription', async () => {
    const pastDue = {
      ...ENTERPRISE_LICENSE,
      entitlement: {
        ...ENTERPRISE_LICENSE.entitlement!,
        status: 'past_due' as const,
        subscription: { kind: 'past_due' as const, paidThrough: '2030-01-15T00:00:00.000Z', enterpriseUntil: '2030-01-22T00:00:00.000Z' },
      },
    };
    const api = new ScriptedApi(pastDue);
    const { page, close } = await open(api);
    const banner = page.getByTestId('past-due-banner');
    expect(await banner.innerText()).toBe('Your last payment failed — Enterprise continues until Jan 22, 2030. Update your payment method at PayPal so the next attempt goes through.');
    expect(await page.getByRole('alert').filter({ has: banner }).count()).toBe(1);
    // The link goes through main, which opens PayPal's page in the system browser (allow-listed there).
    await page.getByRole('button', { name: 'Update your payment method' }).click();
    await expect.poll(() => api.callsOf('openPaymentSettings').length).toBe(1);
    expect(await page.getByTestId('paid-through').innerText()).toBe('Jan 15, 2030');
    await page.getByRole('button', { name: 'Cancel subscription', exact: true }).click();
    expect(await dialog(page).innerText()).toContain('Your paid period ended on Jan 15, 2030, so Enterprise ends as soon as the cancellation is recorded.');
    await page.getByRole('button', { name: 'Keep subscription' }).click();
    await expect.poll(() => dialog(page).count()).toBe(0);

    api.setLicense({ ...ENTERPRISE_LICENSE, entitlement: { ...ENTERPRISE_LICENSE.entitlement!, planId: 'enterprise-lifetime', paidThrough: null, subscription: null } });
    await expect.poll(() => page.getByTestId('manage-subscription').count()).toBe(0);
    expect(await banner.count()).toBe(0);
    expect(await page.getByTestId('license-panel').innerText()).toMatch(/Renewal\s+None: lifetime license/);
    await close();
  });

  itWithSystem(chromiumPart, 'warnings: the clock alert first, the file store a quiet line with Why?, offline, anchor unavailable', async () => {
    const reason = 'This computer\'s clock is more than a day behind the last license check. Check the date and time, and connect to the internet so the license can be confirmed; the app stays on Free until then.';
    const api = new ScriptedApi({ ...FREE_LICENSE, storage: 'file', online: false, needsOnlineCheck: true, reason, anchor: { error: 'This computer has no usable machine id.' } });
    const { page, close } = await open(api);
    const alert = page.getByTestId('online-check-alert');
    expect(await alert.innerText()).toBe(reason);
    await page.getByRole('button', { name: 'Check now' }).click();
    await expect.poll(() => api.callsOf('refresh').length).toBe(1);
    const note = page.getByTestId('storage-note');
    expect(await note.innerText()).toBe('Saved in a file on this computer, not in the OS keychain. Why?');
    await page.getByText('Why?').click();
    expect(await note.innerText()).toContain('No OS keychain answered when the app started');
    // A Free machine offline says only that: nothing about a saved license.
    expect(await page.getByTestId('offline-indicator').innerText()).toBe('Offline');
    const panel = await page.getByTestId('license-panel').innerText();
    expect(panel).toContain('This computer has no usable machine id.');
    expect(panel).not.toContain(reason); // said once, in the alert
    await screenshot(page, 'ui-04-warnings');
    await close();
  });

  itWithSystem(chromiumPart, 'offline on Enterprise: until when it keeps working; the last success and the last failed attempt apart', async () => {
    const api = new ScriptedApi({
      ...ENTERPRISE_LICENSE,
      online: false,
      lastRefreshAt: '2029-12-15T10:00:00.000Z',
      lastRefreshFailure: { at: '2029-12-16T08:30:00.000Z', message: 'The license server cannot be reached; the license saved on this computer is used. Check your internet connection (and proxy settings, if you use one); the app tries again shortly.' },
    });
    const { page, close } = await open(api);
    expect(await page.getByTestId('offline-indicator').innerText()).toBe('Offline — Enterprise works on this computer until Jan 22, 2030');
    expect(await page.getByTestId('last-refresh').innerText()).toBe('Dec 15, 2029, 10:00 AM');
    expect(await page.getByTestId('last-refresh-failure').innerText()).toMatch(/^Dec 16, 2029, 8:30 AM: The license server cannot be reached; .* Check your internet connection/);
    expect(await page.getByTestId('license-panel').innerText()).not.toMatch(/ECONN|ERR_|core_error/);
    await close();
  });

  itWithSystem(chromiumPart, 'the license panel says what the customer has: plan and price, dates, each id copyable, and all of it for support', async () => {
    const api = new ScriptedApi(ENTERPRISE_LICENSE);
    const { page, close } = await open(api);
    expect(await page.getByTestId('license-plan').innerText()).toBe('Enterprise (monthly) · $9.00 / month');
    expect(await page.getByTestId('purchased-on').innerText()).toBe('Nov 15, 2029');
    expect(await page.getByTestId('renewal-date').innerText()).toBe('Jan 15, 2030');
    expect(await page.getByTestId('license-id').innerText()).toBe('lic_test');
    expect(await page.getByTestId('subscription-id').innerText()).toBe('I-BW452GLLEP1G');
    await page.getByRole('button', { name: 'Copy license id' }).click();
    await page.getByRole('button', { name: 'Copy subscription id' }).click();
    await page.getByRole('button', { name: 'Copy details for support' }).click();
    await expect.poll(() => api.callsOf('copyText').length).toBe(3);
    const [licenseId, subscriptionId, details] = api.callsOf('copyText').map(([text]) => text as string);
    expect([licenseId, subscriptionId]).toEqual(['lic_test', 'I-BW452GLLEP1G']);
    expect(details).toBe([
      'Hardbound license details',
      'Tier: Enterprise',
      'Status: Active',
      'Plan: Enterprise (monthly), $9.00 / month',
      'Purchased: 2029-11-15T09:30:00.000Z',
      'Paid with: paypal',
      'Paid through: 2030-01-15T00:00:00.000Z',
      'License id: lic_test',
      'Subscription id: I-BW452GLLEP1G',
      'Transaction id: 7TX12345AB678901C',
      'License valid offline until: 2030-01-22T00:00:00.000Z',
      'Machine code: AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_awxyz',
      'Last refresh: 2029-12-15T10:00:00.000Z',
      'Stored in: the OS keychain',
    ].join('\n'));
    await screenshot(page, 'ui-07-license-details');

    // A new subscription before its first sale: the subscription id stands in, no "Transaction id: None".
    api.setLicense({ ...ENTERPRISE_LICENSE, entitlement: { ...ENTERPRISE_LICENSE.entitlement!, transactionId: null } });
    await expect.poll(() => page.getByTestId('transaction-id').count()).toBe(0);
    expect(await page.getByTestId('license-panel').innerText()).not.toContain('None');
    await close();
  });

  itWithSystem(chromiumPart, 'payment window closed: says so, Reopen payment page (focused) or Cancel; the announcer says it too', async () => {
    const api = new ScriptedApi();
    api.setFlow({ step: 'window_closed', planId: 'enterprise-annual', provider: PAYPAL, checkoutId: 'chk_1', expiresAt: '2030-01-15T11:00:00.000Z' });
    const { page, close } = await open(api);
    await page.getByRole('heading', { name: 'Payment window closed' }).waitFor();
    expect(await dialog(page).innerText()).toContain('The PayPal window was closed before the payment was finished. Nothing has been charged.');
    expect(await dialog(page).innerText()).toContain('You can reopen the same payment page until Jan 15, 2030, 11:00 AM.');
    expect(await page.getByTestId('flow-announcer').innerText()).toMatch(/^Payment window closed\./);
    await expect.poll(() => focusedText(page)).toBe('Reopen payment page');
    // Escape does not abandon a checkout that may still be paid.
    await page.keyboard.press('Escape');
    expect(await dialog(page).count()).toBe(1);
    await screenshot(page, 'ui-08-window-closed');
    await page.keyboard.press('Enter');
    await expect.poll(() => api.callsOf('reopenCheckout').length).toBe(1);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => api.callsOf('cancelUpgrade').length).toBe(1);
    await close();
  });

  itWithSystem(chromiumPart, 'the upgrade dialog says what Enterprise unlocks before the prices; a plans failure is one sentence', async () => {
    const api = new ScriptedApi();
    const { page, close } = await open(api);
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const unlocks = page.getByTestId('enterprise-unlocks');
    expect(await unlocks.innerText()).toMatch(/^What Enterprise unlocks\s+Unlimited workflows — Free stops at 3\./);
    await close();
    const failing = new ScriptedApi();
    failing.listPlans = async () => {
      throw new Error('Loading the plans failed: the license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.');
    };
    const second = await open(failing);
    await second.page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    await second.page.getByRole('button', { name: 'Try again' }).waitFor();
    const text = await dialog(second.page).innerText();
    expect(text).toContain('Loading the plans failed: the license server cannot be reached. Check your internet connection');
    expect(text).not.toMatch(/core_error|ECONNREFUSED|Error invoking/);
    expect(await second.page.getByTestId('enterprise-unlocks').count()).toBe(1);
    await screenshot(second.page, 'ui-09-plans-offline');
    await second.close();
  });

  itWithSystem(chromiumPart, 'move my license: release after a confirmation shows the code; a Free machine takes a code', async () => {
    const api = new ScriptedApi(ENTERPRISE_LICENSE);
    const { page, close } = await open(api);
    await page.getByRole('button', { name: 'Move to another computer…' }).click();
    expect(await page.getByRole('group', { name: 'Release this computer?' }).innerText()).toContain('Enterprise stops on this computer at once');
    expect(api.callsOf('releaseLicense')).toEqual([]);
    await page.getByRole('button', { name: 'Release this computer' }).click();
    await expect.poll(() => page.getByTestId('transfer-code').innerText()).toBe('7K3M-Q9XD-2PWA');
    expect(await page.getByTestId('transfer-code-panel').innerText()).toContain('It works once.');
    await page.getByRole('button', { name: 'Copy transfer code' }).click();
    await expect.poll(() => api.callsOf('copyText')).toEqual([['7K3M-Q9XD-2PWA']]);
    await screenshot(page, 'ui-10-transfer-code');

    api.setLicense(FREE_LICENSE);
    await page.getByText('I have a transfer code').click();
    api.redeemAnswer = { ok: false, message: 'This transfer code has expired. Contact support to move the license.' };
    await page.getByLabel(/The code your old computer showed/).fill('7k3m q9xd 2pwa');
    await page.getByRole('button', { name: 'Move the license here' }).click();
    await expect.poll(() => page.getByTestId('redeem-result').innerText()).toBe('This transfer code has expired. Contact support to move the license.');
    expect(api.callsOf('redeemTransferCode')).toEqual([['7k3m q9xd 2pwa']]);
    await close();
  });

  itWithSystem(chromiumPart, 'workflows: 3 on Free, then Add is disabled with an explanation; unlimited once Enterprise', async () => {
    const api = new ScriptedApi();
    const { page, close } = await open(api);
    const add = page.getByRole('button', { name: 'Add workflow' });
    for (let i = 0; i < 3; i += 1) await add.click();
    expect(await add.isDisabled()).toBe(true);
    expect(await add.getAttribute('aria-describedby')).toBe('workflow-limit-note');
    expect(await page.locator('#workflow-limit-note').innerText()).toBe('Free allows 3 workflows. Upgrade to Enterprise to add more.');
    expect(await page.getByTestId('workflow-capacity').innerText()).toBe('3 of 3 workflows used (Free)');
    await screenshot(page, 'ui-05-workflow-limit');
    api.setLicense(ENTERPRISE_LICENSE);
    await expect.poll(() => add.isDisabled()).toBe(false);
    for (let i = 0; i < 3; i += 1) await add.click();
    expect(await page.getByTestId('workflow-capacity').innerText()).toBe('6 workflows (unlimited on Enterprise)');
    await page.getByRole('button', { name: 'Remove Workflow 2' }).click();
    expect(await page.getByRole('listitem').filter({ hasText: 'Workflow 2' }).count()).toBe(0);
    await close();
  });

  itWithSystem(chromiumPart, 'two providers: Pay with, the plans each sells, the e-mail only for Paystack (checked), and what is sent', async () => {
    const api = new ScriptedApi(FREE_LICENSE, TWO_PROVIDER_CATALOG);
    const { page, close } = await open(api);
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    const plans = () => dialog(page).locator('.plan-name').allInnerTexts();
    await expect.poll(plans).toEqual(['Enterprise (lifetime)', 'Enterprise (monthly)', 'Enterprise (annual)']);
    expect(await dialog(page).getByRole('textbox').count()).toBe(0);
    await dialog(page).getByRole('radio', { name: 'Paystack' }).check();
    // The monthly plan is sold through PayPal alone.
    await expect.poll(plans).toEqual(['Enterprise (lifetime)', 'Enterprise (annual)']);
    const field = dialog(page).getByLabel('Your e-mail address for Paystack');
    expect(await field.getAttribute('type')).toBe('email');
    await field.fill('  grace@example  ');
    await dialog(page).getByRole('button', { name: /Enterprise \(annual\)/ }).click();
    expect(await dialog(page).getByTestId('email-problem').innerText()).toBe('Enter a whole e-mail address, like name@example.com.');
    expect(api.callsOf('startUpgrade')).toEqual([]);
    await field.fill('  grace@example.test ');
    await dialog(page).getByRole('button', { name: /Enterprise \(annual\)/ }).click();
    await expect.poll(() => api.callsOf('startUpgrade')).toEqual([['enterprise-annual', 'paystack', 'grace@example.test']]);
    await expect.poll(() => page.getByTestId('flow-announcer').innerText()).toBe('Creating your checkout…');
    api.setFlow({ step: 'awaiting_approval', planId: 'enterprise-annual', provider: PAYSTACK, checkoutId: 'chk_1' });
    await expect.poll(() => page.getByTestId('flow-announcer').innerText()).toBe('Complete the payment in the Paystack window.');
    // Back to PayPal: no e-mail is asked, and none is sent.
    api.setFlow({ step: 'cancelled', message: 'The checkout was cancelled. Nothing was charged.' });
    await page.getByRole('button', { name: 'Close' }).last().click();
    await page.getByRole('button', { name: 'Upgrade to Enterprise' }).click();
    await dialog(page).getByRole('radio', { name: 'PayPal' }).check();
    expect(await dialog(page).getByRole('textbox').count()).toBe(0);
    await dialog(page).getByRole('button', { name: /Enterprise \(monthly\)/ }).click();
    await expect.poll(() => api.callsOf('startUpgrade').at(-1)).toEqual(['enterprise-monthly', 'paypal', null]);
    await close();
  });

  itWithSystem(chromiumPart, 'a Paystack subscription past due: the banner names Paystack\'s e-mailed link, and offers no page to open', async () => {
    const entitlement = ENTERPRISE_LICENSE.entitlement!;
    const api = new ScriptedApi({
      ...ENTERPRISE_LICENSE,
      entitlement: {
        ...entitlement,
        status: 'past_due',
        subscription: { kind: 'past_due', paidThrough: '2030-01-15T00:00:00.000Z', enterpriseUntil: '2030-01-22T00:00:00.000Z' },
        details: { ...entitlement.details!, subscriptionId: 'SUB_vsyqdmlzble3uii', provider: 'paystack' },
      },
    }, TWO_PROVIDER_CATALOG, ['paypal']);
    const { page, close } = await open(api);
    expect(await page.getByTestId('past-due-banner').innerText()).toBe('Your last payment failed — Enterprise continues until Jan 22, 2030. Update your card with the link in the e-mail Paystack sent about this subscription, so the next attempt goes through.');
    expect(await page.getByRole('button', { name: 'Update your payment method' }).count()).toBe(0);
    expect(await page.getByTestId('license-provider').innerText()).toBe('Paystack');
    expect(await page.getByTestId('subscription-summary').innerText()).toBe('Billed through Paystack.');
    await page.getByRole('button', { name: 'Cancel subscription', exact: true }).click();
    expect(await dialog(page).innerText()).toContain('Paystack will not try the payment again.');
    await screenshot(page, 'ui-12-paystack-past-due');
    await close();
  });
});
