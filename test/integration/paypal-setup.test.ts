// `hardbound-server paypal setup` and production's start checks, run as real processes against the sandbox
// standing in for an external PayPal (its own credentials, reached over PAYPAL_API_BASE): set-up creates once
// and then changes nothing, its printed lines start a production server that sells, and a PayPal account
// that drifted from the configuration is named at start.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse, JwksResponse } from '../../common/api';
import { systemClock } from '../../common/clock';
import { configFromEnv } from '../../server/config/env';
import { DEFAULT_PLANS } from '../../server/config/plans';
import { PayPalAccount } from '../../server/providers/paypal/account';
import { DEFAULT_PRODUCT_ID } from '../../server/providers/paypal/setup';
import { ACTED_ON_EVENT_TYPES } from '../../server/providers/paypal/translate';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { payPalAccountProblems } from '../../launch/production-check';
import { loadAppConfig } from '../../main/electron/app-config';
import { newAnchor, payOnHostedPage } from './harness';
import { freeLoopbackPort, runCli, ServerLauncher, stopServerProcess } from './support-server-process';

const CLI_MS = 60_000;
const credentials = { clientId: 'vendor-live-app-7Qx2', clientSecret: 'vendor-secret-Zr81kq0Lx3' };

let sandbox: Sandbox;
let account: PayPalAccount;
let dataDir: string;
let env: Record<string, string>;
const servers = new ServerLauncher();

beforeAll(async () => {
  // Deliveries go to the https public URL, where nothing listens: give up on them quickly.
  sandbox = await startSandbox({ port: 0, ...credentials, retryDelaysMs: [50], deliveryTimeoutMs: 2_000 });
  account = new PayPalAccount({ baseUrl: sandbox.baseUrl, ...credentials, clock: systemClock, timeoutMs: 5_000 });
  dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-setup-'));
  env = {
    HARDBOUND_MODE: 'production',
    HARDBOUND_DATA_DIR: dataDir,
    HARDBOUND_PORT: '0',
    HARDBOUND_LOG_LEVEL: 'warn',
    HARDBOUND_PUBLIC_URL: `https://127.0.0.1:${await freeLoopbackPort()}/licensing`,
    HARDBOUND_BRAND_NAME: 'Vendor Ltd',
    PAYPAL_CLIENT_ID: credentials.clientId,
    PAYPAL_CLIENT_SECRET: credentials.clientSecret,
    PAYPAL_API_BASE: sandbox.baseUrl,
  };
});

afterAll(async () => {
  await servers.close();
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Everything set-up may touch at "PayPal", in full, to compare before and after. */
async function accountState(): Promise<unknown> {
  const product = await account.getProduct(DEFAULT_PRODUCT_ID);
  const plans = product ? await Promise.all((await account.listPlans(product.id)).map((p) => account.getPlan(p.id))) : [];
  return { product, plans, webhooks: await account.listWebhooks() };
}

const envLines = (stdout: string) => stdout.split('\n').filter((line) => /^PAYPAL_[A-Z_]+=/.test(line));
const asEnv = (lines: string[]) => Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));

describe.sequential('hardbound-server paypal setup, against the sandbox as an external PayPal', { timeout: 4 * CLI_MS }, () => {
  let printed: string[];

  it('--dry-run lists what it would create and changes nothing', async () => {
    const before = await accountState();
    const ran = await runCli(['paypal', 'setup', '--dry-run'], env, CLI_MS);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/dry run: nothing is changed/);
    expect(ran.stdout).toMatch(new RegExp(`would create +product: ${DEFAULT_PRODUCT_ID}`));
    expect(ran.stdout).toMatch(/would create +plan enterprise-monthly \(9\.00 USD every 1 month\)/);
    expect(ran.stdout).toMatch(/would create +plan enterprise-annual \(90\.00 USD every 1 year\)/);
    expect(ran.stdout).toMatch(/would create +webhook https:\/\/127\.0\.0\.1:\d+\/licensing\/v1\/webhooks\/paypal/);
    expect(envLines(ran.stdout)).toEqual([
      'PAYPAL_WEBHOOK_ID=<created on a real run>',
      'PAYPAL_PLAN_IDS=enterprise-monthly=<created on a real run>,enterprise-annual=<created on a real run>',
    ]);
    expect(await accountState()).toEqual(before);
  });

  it('creates the product, one plan per recurring plan and the webhook with exactly the event types acted on, and prints the lines to set', async () => {
    const ran = await runCli(['paypal', 'setup'], env, CLI_MS);
    expect(ran.code, ran.stderr).toBe(0);
    printed = envLines(ran.stdout);
    const lines = asEnv(printed);
    expect(lines.PAYPAL_WEBHOOK_ID).toMatch(/^[A-Z0-9]{10,40}$/);
    expect(lines.PAYPAL_PLAN_IDS).toMatch(/^enterprise-monthly=P-[A-Z0-9]+,enterprise-annual=P-[A-Z0-9]+$/);
    expect(ran.stdout.match(/^ {2}created /gm)).toHaveLength(4);

    const webhook = await account.getWebhook(lines.PAYPAL_WEBHOOK_ID!);
    expect(webhook.url).toBe(`${env.HARDBOUND_PUBLIC_URL}/v1/webhooks/paypal`);
    expect([...webhook.eventTypes].sort()).toEqual([...ACTED_ON_EVENT_TYPES].sort());
    for (const pair of lines.PAYPAL_PLAN_IDS!.split(',')) {
      const [ours, theirs] = pair.split('=');
      const plan = DEFAULT_PLANS.find((p) => p.id === ours)!;
      expect(await account.getPlan(theirs!)).toMatchObject({
        productId: DEFAULT_PRODUCT_ID, status: 'ACTIVE',
        cycle: { unit: plan.billing.kind === 'recurring' && plan.billing.interval === 'month' ? 'MONTH' : 'YEAR', count: 1, price: { value: plan.price, currency: plan.currency } },
      });
    }
  });

  it('run again, finds everything, changes nothing at PayPal and prints the same lines', async () => {
    const before = await accountState();
    const ran = await runCli(['paypal', 'setup'], env, CLI_MS);
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.stdout).toMatch(/Nothing to change: PayPal is set up for this server/);
    expect(ran.stdout.match(/^ {2}found /gm)).toHaveLength(4);
    expect(envLines(ran.stdout)).toEqual(printed);
    expect(await accountState()).toEqual(before);
  });

  it('the printed lines start a production server (with a key from keys generate) that sells a subscription', async () => {
    expect((await runCli(['keys', 'generate'], env, CLI_MS)).code).toBe(0);
    const serverEnv = { ...env, ...asEnv(printed), PAYPAL_SANDBOX_ORIGIN: sandbox.baseUrl, PAYPAL_SANDBOX_CA_PEM: sandbox.caCertificatePem };
    const server = await servers.start(serverEnv, CLI_MS);
    try {
      expect(server.output()).toMatch(/mode: production/);
      // Production serves /metrics to no one without HARDBOUND_METRICS_TOKEN or HARDBOUND_METRICS_ADDRESS.
      const metrics = await fetch(`${server.url}/metrics`);
      expect(metrics.status).toBe(403);
      expect(await metrics.json()).toEqual({ error: { code: 'forbidden', message: expect.stringMatching(/HARDBOUND_METRICS_TOKEN/) } });
      const created = await fetch(`${server.url}/v1/checkouts`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ anchor: newAnchor(), plan: 'enterprise-monthly' }),
      });
      expect(created.status).toBe(201);
      const checkout = (await created.json()) as CreateCheckoutResponse;
      const back = await payOnHostedPage(checkout.approveUrl);
      expect(`${back.origin}${back.pathname}`).toBe(`${env.HARDBOUND_PUBLIC_URL}/checkout/return`);
      const returned = await fetch(`${server.url}/v1/checkouts/${checkout.checkoutId}/return`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${checkout.pollToken}` },
        body: JSON.stringify({ token: back.searchParams.get('subscription_id') }),
      });
      const view = (await returned.json()) as CheckoutView;
      expect(view).toMatchObject({ status: 'completed', license: { planId: 'enterprise-monthly', status: 'active', tier: 'enterprise' } });

      // The packaged app's config, from this server's JWKS and plans: its keys pinned, a salt of the vendor's own.
      const file = path.join(dataDir, 'build', 'hardbound.config.json');
      const made = await runCli(['app-config', '--server-url', server.url, '--out', file, '--issuer', 'vendor-licensing'], env, CLI_MS);
      expect(made.code, made.stderr).toBe(0);
      expect(made.stdout).toMatch(/App salt generated: keep this file/);
      const written = JSON.parse(readFileSync(file, 'utf8')) as { appSalt: string; pinnedJwks: JwksResponse };
      const jwks = (await (await fetch(`${server.url}/.well-known/hardbound/jwks.json`)).json()) as JwksResponse;
      // The checkout window's allow-list is the server's providers' checkout hosts (GET /v1/plans); PayPal's
      // payment-method page comes with PayPal.
      expect(written).toEqual({
        serverUrl: server.url, issuer: 'vendor-licensing', appSalt: expect.stringMatching(/^[\w-]{43}$/), pinnedJwks: jwks,
        checkoutOrigins: expect.arrayContaining(['https://www.paypal.com', 'https://www.sandbox.paypal.com']),
        externalLinks: ['https://www.paypal.com/'],
        paymentSettingsUrls: { paypal: 'https://www.paypal.com/myaccount/autopay/' },
      });
      // A packaged app takes it but for the one thing a loopback server cannot give: https.
      expect(loadAppConfig({ env: {}, fileText: readFileSync(file, 'utf8'), packaged: true })).toEqual({
        ok: false, problems: [`serverUrl "${server.url}" must be https in a packaged build`],
      });
      // Run again, the salt is kept; a different one is refused rather than stranding every license.
      expect((await runCli(['app-config', '--server-url', server.url, '--out', file], env, CLI_MS)).stdout).toMatch(/App salt kept/);
      expect((JSON.parse(readFileSync(file, 'utf8')) as { appSalt: string }).appSalt).toBe(written.appSalt);
      const changed = await runCli(['app-config', '--server-url', server.url, '--out', file, '--app-salt', 'another-salt'], env, CLI_MS);
      expect(changed.code).toBe(1);
      expect(changed.stderr).toMatch(/already has another appSalt/);
    } finally {
      await stopServerProcess(server, 15_000);
    }
  });

  it('names at start, in one message, a webhook that lost an event type and a plan whose price differs from the plans file', async () => {
    const lines = asEnv(printed);
    await account.setWebhookEventTypes(lines.PAYPAL_WEBHOOK_ID!, ACTED_ON_EVENT_TYPES.filter((t) => t !== 'PAYMENT.CAPTURE.REFUNDED'));
    const plansFile = path.join(dataDir, 'plans.json');
    writeFileSync(plansFile, JSON.stringify(DEFAULT_PLANS.map((p) => (p.id === 'enterprise-annual' ? { ...p, price: '99.00' } : p))));
    const serverEnv = { ...env, ...lines, HARDBOUND_PLANS_FILE: plansFile, PAYPAL_SANDBOX_ORIGIN: sandbox.baseUrl, PAYPAL_SANDBOX_CA_PEM: sandbox.caCertificatePem };
    const ran = await runCli(['serve'], serverEnv, CLI_MS);
    expect(ran.code).toBe(2);
    expect(ran.stdout).toBe('');
    expect(ran.stderr.match(/refusing to start in production mode: the configuration has 2 problem\(s\)/g)).toHaveLength(1);
    expect(ran.stderr).toContain(`PAYPAL_WEBHOOK_ID=${lines.PAYPAL_WEBHOOK_ID} does not subscribe PAYMENT.CAPTURE.REFUNDED, which this server acts on`);
    expect(ran.stderr).toMatch(/PAYPAL_PLAN_IDS: enterprise-annual=P-[A-Z0-9]+: it costs 90\.00 USD, the plans file says 99\.00 USD/);
  });
});

describe('production\'s start check of the PayPal account', () => {
  const problemsWith = async (change: Record<string, string>) => {
    const lines = { PAYPAL_WEBHOOK_ID: (await account.listWebhooks())[0]?.id ?? 'NOWEBHOOK000', PAYPAL_PLAN_IDS: 'enterprise-monthly=P-NOSUCHPLAN0000001,enterprise-annual=P-NOSUCHPLAN0000002' };
    const loaded = configFromEnv({ ...env, ...lines, PAYPAL_SANDBOX_ORIGIN: sandbox.baseUrl, ...change });
    if (!('config' in loaded)) throw new Error(loaded.problems.join('; '));
    return payPalAccountProblems(loaded.config);
  };

  it('names credentials PayPal refuses, and asks nothing further with them', async () => {
    expect(await problemsWith({ PAYPAL_CLIENT_SECRET: 'not-the-secret' })).toEqual([
      expect.stringMatching(/^PayPal refused PAYPAL_CLIENT_ID and PAYPAL_CLIENT_SECRET \(HTTP 401 invalid_client\) at http:\/\/127\.0\.0\.1:\d+: check both/),
    ]);
  });

  it('names a webhook id PayPal does not know and plan ids it does not have', async () => {
    const found = await problemsWith({ PAYPAL_WEBHOOK_ID: 'NOSUCHWEBHOOK0001' });
    expect(found).toEqual([
      'PAYPAL_WEBHOOK_ID=NOSUCHWEBHOOK0001: PayPal has no such webhook for this app (`hardbound-server paypal setup` puts it right and prints the id)',
      'PAYPAL_PLAN_IDS: enterprise-monthly=P-NOSUCHPLAN0000001: PayPal has no such plan for this app (`hardbound-server paypal setup` puts it right)',
      'PAYPAL_PLAN_IDS: enterprise-annual=P-NOSUCHPLAN0000002: PayPal has no such plan for this app (`hardbound-server paypal setup` puts it right)',
    ]);
  });

  it('names a webhook that delivers to another URL', async () => {
    const found = await problemsWith({ HARDBOUND_PUBLIC_URL: 'https://elsewhere.example' });
    expect(found[0]).toMatch(/^PAYPAL_WEBHOOK_ID=[A-Z0-9]+ delivers to https:\/\/127\.0\.0\.1:\d+\/licensing\/v1\/webhooks\/paypal, not to this server's https:\/\/elsewhere\.example\/v1\/webhooks\/paypal/);
  });

  it('names a PayPal that cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freeLoopbackPort()}`;
    expect(await problemsWith({ PAYPAL_API_BASE: closed, PAYPAL_SANDBOX_ORIGIN: closed })).toEqual([
      expect.stringMatching(new RegExp(`^PayPal at ${closed} could not be reached`)),
    ]);
  });
});
