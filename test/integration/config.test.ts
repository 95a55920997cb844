// Configuration from the environment: the defaults, every problem named in one answer, and settings that the
// running server visibly honours (plans file, public URL, the embedded sandbox's plan ids).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlansResponse } from '../../common/api';
import type { Plan } from '../../common/plans';
import { configFromEnv, type ServerConfig } from '../../server/config/env';
import { DEFAULT_PLANS } from '../../server/config/plans';
import { sandboxPlanId } from '../../server/providers/paypal/sandbox-plans';
import { createCheckout, newAnchor, payOnHostedPage, startHarness, type Harness } from './harness';
import { buy } from './support-staff';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'hardbound-config-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** Development unless the test says otherwise: most settings behave the same in both modes. */
function ok(env: NodeJS.ProcessEnv): ServerConfig {
  const result = configFromEnv({ HARDBOUND_MODE: 'development', ...env }, scratch);
  if ('problems' in result) throw new Error(`unexpected problems: ${result.problems.join('; ')}`);
  return result.config;
}

function problems(env: NodeJS.ProcessEnv): string[] {
  const result = configFromEnv({ HARDBOUND_MODE: 'development', ...env }, scratch);
  if (!('problems' in result)) throw new Error('expected problems, the configuration was accepted');
  return result.problems;
}

const REMOTE = {
  PAYPAL_CLIENT_ID: 'client-id',
  PAYPAL_CLIENT_SECRET: 'client-secret-value',
  PAYPAL_WEBHOOK_ID: '8PT597110X687430LKGECATA',
  PAYPAL_PLAN_IDS: 'enterprise-monthly=P-MONTHLY00000001,enterprise-annual=P-ANNUAL000000001',
};

describe('configFromEnv', () => {
  it('with nothing set in development: loopback on 8787, ./data, SQLite there, the embedded sandbox on 8788 with derived plan ids', () => {
    const config = ok({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      publicUrl: null,
      dataDir: path.join(scratch, 'data'),
      databaseUrl: `sqlite:${path.join(scratch, 'data', 'hardbound.db')}`,
      paypal: { mode: 'embedded-sandbox', sandboxPort: 8788 },
      entitlementTtlMs: 14 * 86_400_000,
      plans: DEFAULT_PLANS,
    });
    const recurring = DEFAULT_PLANS.filter((p) => p.billing.kind === 'recurring');
    expect([...config.providerPlanIds]).toEqual(recurring.map((p) => [p.id, sandboxPlanId(p.id)]));
  });

  it('the embedded sandbox always uses its own plan ids, whatever PAYPAL_PLAN_IDS says', () => {
    const config = ok({ PAYPAL_PLAN_IDS: 'enterprise-monthly=P-SOMETHINGELSE01' });
    expect(config.providerPlanIds.get('enterprise-monthly')).toBe(sandboxPlanId('enterprise-monthly'));
  });

  it('PayPal credentials switch to the remote API with the configured plan ids', () => {
    const config = ok({ ...REMOTE, DATABASE_URL: 'postgres://hb:pw@db.internal:5432/hardbound' });
    expect(config.paypal).toMatchObject({ mode: 'remote', apiBase: 'https://api-m.sandbox.paypal.com', clientId: 'client-id', webhookId: '8PT597110X687430LKGECATA', verify: 'offline' });
    expect(config.providerPlanIds.get('enterprise-annual')).toBe('P-ANNUAL000000001');
    expect(config.databaseUrl).toBe('postgres://hb:pw@db.internal:5432/hardbound');
  });

  it('names every missing or bad setting in one answer', () => {
    const found = problems({
      HARDBOUND_PORT: 'abc',
      HARDBOUND_SANDBOX_PORT: '70000',
      DATABASE_URL: 'mysql://x',
      PAYPAL_CLIENT_ID: 'only-the-id',
      PAYPAL_VERIFY_MODE: 'trust-me',
      PAYPAL_API_BASE: 'ftp://paypal',
      HARDBOUND_PUBLIC_URL: 'not a url',
      HARDBOUND_ENTITLEMENT_TTL_DAYS: '0',
      HARDBOUND_CHECKOUT_TTL_MINUTES: '1.5',
      HARDBOUND_PLANS_FILE: 'missing-plans.json',
      PAYPAL_PLAN_IDS: 'enterprise-monthly',
    });
    const named = [
      'HARDBOUND_PORT', 'DATABASE_URL', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID', 'PAYPAL_VERIFY_MODE', 'PAYPAL_API_BASE',
      'HARDBOUND_PUBLIC_URL', 'HARDBOUND_ENTITLEMENT_TTL_DAYS', 'HARDBOUND_CHECKOUT_TTL_MINUTES', 'HARDBOUND_PLANS_FILE', 'PAYPAL_PLAN_IDS',
    ];
    for (const name of named) expect(found.some((p) => p.includes(name)), `${name} in ${JSON.stringify(found)}`).toBe(true);
    // With PayPal credentials the sandbox port is not read, so it is not a problem.
    expect(found.some((p) => p.includes('HARDBOUND_SANDBOX_PORT'))).toBe(false);
  });

  it('a rejected DATABASE_URL is named by its scheme only: its password never reaches the message', () => {
    const found = problems({ DATABASE_URL: 'mysql://root:hunter2@db/hb' });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/DATABASE_URL/);
    expect(found[0]).not.toMatch(/hunter2/);
  });

  it('a plans file with bad plans names each plan and field', () => {
    const file = path.join(scratch, 'bad-plans.json');
    writeFileSync(file, JSON.stringify([{ id: 'Pro', name: '', tier: 'gold', price: '9', currency: 'usd', billing: { kind: 'weekly' } }]));
    const found = problems({ HARDBOUND_PLANS_FILE: file });
    for (const field of ['id', 'name', 'tier', 'price', 'currency', 'billing']) expect(found.some((p) => p.includes(`: ${field}`)), field).toBe(true);
  });
});

describe('configFromEnv in production (the default of hardbound-server serve)', () => {
  /** A production environment that passes every check of the environment itself. */
  const PRODUCTION = {
    ...REMOTE,
    PAYPAL_API_BASE: 'https://api-m.paypal.com',
    HARDBOUND_PUBLIC_URL: 'https://licenses.vendor.example',
    HARDBOUND_BRAND_NAME: 'Vendor Ltd',
  };
  const production = (env: NodeJS.ProcessEnv) => configFromEnv(env, scratch);
  const refused = (env: NodeJS.ProcessEnv): string[] => {
    const result = production(env);
    if (!('problems' in result)) throw new Error('expected production to refuse this configuration');
    return result.problems;
  };

  it('is the mode when HARDBOUND_MODE is not set, and accepts a complete configuration', () => {
    const result = production(PRODUCTION);
    if (!('config' in result)) throw new Error(result.problems.join('; '));
    expect(result.config).toMatchObject({ mode: 'production', publicUrl: 'https://licenses.vendor.example', brandName: 'Vendor Ltd', paypal: { mode: 'remote', apiBase: 'https://api-m.paypal.com' } });
  });

  it('refuses to run without PayPal: the embedded sandbox is for development only', () => {
    const found = refused({ HARDBOUND_PUBLIC_URL: 'https://licenses.vendor.example', HARDBOUND_BRAND_NAME: 'Vendor Ltd' });
    expect(found).toEqual([expect.stringMatching(/^production needs PayPal: set PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID .*paypal setup.*HARDBOUND_MODE=development/)]);
  });

  it.each([
    ['no public URL', { HARDBOUND_PUBLIC_URL: '' }, /^HARDBOUND_PUBLIC_URL is required in production/],
    ['an http public URL', { HARDBOUND_PUBLIC_URL: 'http://licenses.vendor.example' }, /^HARDBOUND_PUBLIC_URL="http:\/\/licenses.vendor.example" must be https in production/],
    ['the demo brand name', { HARDBOUND_BRAND_NAME: '' }, /^HARDBOUND_BRAND_NAME must be your own name .* not the demo "Hardbound Demo Vendor"/],
    ['the sandbox\'s demo client id', { PAYPAL_CLIENT_ID: 'hardbound-sandbox-client' }, /^PAYPAL_CLIENT_ID is the local sandbox's demo credential/],
    ['the sandbox\'s demo secret', { PAYPAL_CLIENT_SECRET: 'hardbound-sandbox-secret' }, /^PAYPAL_CLIENT_SECRET is the local sandbox's demo credential/],
    ['a PayPal API over http', { PAYPAL_API_BASE: 'http://paypal.example' }, /^PAYPAL_API_BASE="http:\/\/paypal.example" must be https in production/],
    ['the old PAYPAL_WEBHOOK_ID=register', { PAYPAL_WEBHOOK_ID: 'register' }, /^PAYPAL_WEBHOOK_ID="register" is not a PayPal webhook id .*paypal setup/],
    ['a mistyped mode', { HARDBOUND_MODE: 'prod' }, /^HARDBOUND_MODE="prod" must be development or production/],
  ])('refuses %s, in one sentence naming it', (_why, change, sentence) => {
    const found = refused({ ...PRODUCTION, ...change });
    expect(found).toEqual([expect.stringMatching(sentence)]);
  });

  it('names every unsafe setting at once', () => {
    const found = refused({ PAYPAL_CLIENT_ID: 'hardbound-sandbox-client', PAYPAL_CLIENT_SECRET: 'hardbound-sandbox-secret', PAYPAL_WEBHOOK_ID: 'register', HARDBOUND_PUBLIC_URL: 'http://x.example', PAYPAL_PLAN_IDS: REMOTE.PAYPAL_PLAN_IDS });
    for (const name of ['PAYPAL_WEBHOOK_ID', 'PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'HARDBOUND_PUBLIC_URL', 'HARDBOUND_BRAND_NAME']) {
      expect(found.some((p) => p.startsWith(name)), `${name} in ${JSON.stringify(found)}`).toBe(true);
    }
  });

  it('accepts http for the PayPal API only when it is the stand-in named by PAYPAL_SANDBOX_ORIGIN', () => {
    const standIn = { ...PRODUCTION, PAYPAL_API_BASE: 'http://127.0.0.1:38788', PAYPAL_SANDBOX_ORIGIN: 'http://127.0.0.1:38788' };
    expect(production(standIn)).toHaveProperty('config');
    expect(refused({ ...standIn, PAYPAL_SANDBOX_ORIGIN: 'http://127.0.0.1:38789' })).toEqual([expect.stringMatching(/^PAYPAL_API_BASE=/)]);
  });

  it('development takes what production refuses', () => {
    expect(ok({ ...PRODUCTION, HARDBOUND_PUBLIC_URL: 'http://127.0.0.1:8787', HARDBOUND_BRAND_NAME: '', PAYPAL_API_BASE: 'http://127.0.0.1:8788' }).mode).toBe('development');
  });
});

describe('limits from the environment', () => {
  it('has defaults, documented in the README', () => {
    expect(ok({})).toMatchObject({
      http: { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 65_000, maxConnections: 4096 },
      checkoutLimits: { perClient: { max: 30, windowMs: 600_000 }, perAnchor: { max: 10, windowMs: 3_600_000 }, openPerAnchor: 3 },
      trustedProxies: [],
      metrics: { token: null, address: null },
    });
  });

  it('reads each one', () => {
    const config = ok({
      HARDBOUND_HEADERS_TIMEOUT_MS: '2000', HARDBOUND_REQUEST_TIMEOUT_MS: '5000', HARDBOUND_KEEP_ALIVE_TIMEOUT_MS: '7000', HARDBOUND_MAX_CONNECTIONS: '50',
      HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '5/30s', HARDBOUND_CHECKOUT_RATE_PER_ANCHOR: '2/1h', HARDBOUND_OPEN_CHECKOUTS_PER_ANCHOR: '1',
      HARDBOUND_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1', HARDBOUND_METRICS_TOKEN: 'm'.repeat(32), HARDBOUND_METRICS_ADDRESS: '127.0.0.1:9464',
    });
    expect(config).toMatchObject({
      http: { headersTimeoutMs: 2000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 7000, maxConnections: 50 },
      checkoutLimits: { perClient: { max: 5, windowMs: 30_000 }, perAnchor: { max: 2, windowMs: 3_600_000 }, openPerAnchor: 1 },
      trustedProxies: ['10.0.0.0/8', '127.0.0.1'],
      metrics: { token: 'm'.repeat(32), address: { host: '127.0.0.1', port: 9464 } },
    });
  });

  it('names each bad one', () => {
    const found = problems({
      HARDBOUND_HEADERS_TIMEOUT_MS: '5', HARDBOUND_MAX_CONNECTIONS: '0', HARDBOUND_CHECKOUT_RATE_PER_CLIENT: 'lots',
      HARDBOUND_CHECKOUT_RATE_PER_ANCHOR: '0/1m', HARDBOUND_METRICS_TOKEN: 'short', HARDBOUND_METRICS_ADDRESS: 'everywhere',
    });
    for (const name of ['HARDBOUND_HEADERS_TIMEOUT_MS', 'HARDBOUND_MAX_CONNECTIONS', 'HARDBOUND_CHECKOUT_RATE_PER_CLIENT', 'HARDBOUND_CHECKOUT_RATE_PER_ANCHOR', 'HARDBOUND_METRICS_TOKEN', 'HARDBOUND_METRICS_ADDRESS']) {
      expect(found.some((p) => p.startsWith(name)), `${name} in ${JSON.stringify(found)}`).toBe(true);
    }
  });
});

describe('a server started from such a configuration', () => {
  const PLANS: Plan[] = [
    { id: 'pro-lifetime', name: 'Pro (lifetime)', tier: 'enterprise', price: '19.00', currency: 'EUR', billing: { kind: 'one_time' } },
    { id: 'pro-quarterly', name: 'Pro (quarterly)', tier: 'enterprise', price: '12.50', currency: 'EUR', billing: { kind: 'recurring', interval: 'month', intervalCount: 3 } },
  ];
  let h: Harness;
  beforeAll(async () => {
    const file = path.join(scratch, 'plans.json');
    writeFileSync(file, JSON.stringify(PLANS));
    // Nothing listens on port 9: the sandbox's webhook deliveries to this public URL fail and are retried,
    // so checkouts complete by the return road and by polling only.
    h = await startHarness({ env: { HARDBOUND_PLANS_FILE: file, HARDBOUND_PUBLIC_URL: 'http://127.0.0.1:9/shop/' } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves the plans file as GET /v1/plans', async () => {
    const res = await h.api<PlansResponse>('GET', '/v1/plans');
    // Each plan names the providers that sell it here: the embedded sandbox's PayPal only.
    expect(res.body.plans).toEqual(PLANS.map((plan) => ({ ...plan, providers: ['paypal'] })));
    expect(res.body.providers?.map((p) => p.id)).toEqual(['paypal']);
  });

  it('sends buyers back to HARDBOUND_PUBLIC_URL, path prefix kept', async () => {
    const c = await createCheckout(h, newAnchor(), 'pro-lifetime');
    const back = await payOnHostedPage(c.approveUrl);
    expect(`${back.origin}${back.pathname}`).toBe('http://127.0.0.1:9/shop/checkout/return');
    expect(h.server.publicUrl).toBe('http://127.0.0.1:9/shop');
  });

  it('sells the file\'s plans, recurring ones through the embedded sandbox\'s derived plan', async () => {
    const c = await createCheckout(h, newAnchor(), 'pro-quarterly');
    const back = await payOnHostedPage(c.approveUrl);
    const res = await h.api('POST', `/v1/checkouts/${c.checkoutId}/return`, { token: c.pollToken, body: { token: back.searchParams.get('subscription_id') } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'completed', license: { planId: 'pro-quarterly', tier: 'enterprise', status: 'active' } });
  });
});

describe('a recurring default plan on the embedded sandbox', () => {
  it('can be bought (its PayPal plan id is derived, not configured)', async () => {
    const h = await startHarness();
    try {
      const p = await buy(h, 'enterprise-annual');
      expect(p.view.license).toMatchObject({ planId: 'enterprise-annual', status: 'active', subscriptionId: p.providerId });
    } finally {
      await h.close();
    }
  });
});
