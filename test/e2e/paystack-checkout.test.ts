// The Paystack stand-in's hosted checkout in real Chromium, driven the way the PayPal page is: open the
// authorization_url, press Pay, land on the merchant's callback_url?trxref=…&reference=…, verify says success.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { itWithSystem } from '../support/system';
import { chromiumPart, launchChromium, screenshot } from './support-browser';

let sandbox: Sandbox;
let merchant: Server;
let merchantUrl: string;
let browser: Browser | undefined;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, merchantName: 'Hardbound Test Vendor' });
  // The merchant's callback page: says which reference it was handed.
  merchant = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>Back at the merchant</title><p id="ref">${url.searchParams.get('reference') ?? ''}</p>`,
    );
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}`;
  if (chromiumPart.available) browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await sandbox.close();
  await new Promise<void>((resolve) => merchant.close(() => resolve()));
});

async function initialize(body: Record<string, unknown>): Promise<{ authorization_url: string; reference: string }> {
  const res = await fetch(`${sandbox.paystack.baseUrl}/transaction/initialize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sandbox.paystack.secretKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as { data: { authorization_url: string; reference: string } }).data;
}

async function verify(reference: string): Promise<{ status: string }> {
  const res = await fetch(`${sandbox.paystack.baseUrl}/transaction/verify/${reference}`, {
    headers: { authorization: `Bearer ${sandbox.paystack.secretKey}` },
  });
  return ((await res.json()) as { data: { status: string } }).data;
}

describe('Paystack hosted checkout in Chromium', () => {
  itWithSystem(chromiumPart, 'Pay → the callback URL with trxref and reference → verify: success', async () => {
    const init = await initialize({ email: 'browser@example.test', amount: 1_500_000, callback_url: `${merchantUrl}/paystack/callback` });
    const page = await (browser as Browser).newPage();
    await page.goto(init.authorization_url);
    await expectText(page.getByTestId('amount').textContent(), '₦15,000.00 NGN');
    await expectText(page.getByTestId('merchant').textContent(), 'Hardbound Test Vendor');
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.waitForURL((url) => url.pathname === '/paystack/callback');
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({ trxref: init.reference, reference: init.reference });
    await expectText(page.locator('#ref').textContent(), init.reference);
    await screenshot(page, 'paystack-checkout-paid');
    expect((await verify(init.reference)).status).toBe('success');
    await page.close();
  });

  itWithSystem(chromiumPart, 'a declined card shows the decline on the page; Cancel follows metadata.cancel_action', async () => {
    const init = await initialize({
      email: 'browser@example.test',
      amount: 10_000,
      callback_url: `${merchantUrl}/paystack/callback`,
      metadata: { cancel_action: `${merchantUrl}/paystack/cancelled` },
    });
    sandbox.paystack.control.setNextChargeOutcome('failed');
    const page = await (browser as Browser).newPage();
    await page.goto(init.authorization_url);
    await page.getByRole('button', { name: 'Pay' }).click();
    await page.getByRole('heading', { name: 'Payment declined' }).waitFor();
    expect((await verify(init.reference)).status).toBe('failed');
    await page.goto(init.authorization_url);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL((url) => url.pathname === '/paystack/cancelled');
    expect((await verify(init.reference)).status).toBe('failed');
    await page.close();
  });
});

async function expectText(actual: Promise<string | null>, expected: string): Promise<void> {
  expect((await actual)?.trim()).toBe(expected);
}
