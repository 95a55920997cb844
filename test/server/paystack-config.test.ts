// Paystack's settings from the environment: off without a secret key, each bad value named in a sentence, and
// production's refusals (a test key, http, a plan sold through Paystack without its Paystack plan).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/config/env';

const DEV = { HARDBOUND_MODE: 'development' } as const;
const KEY = 'sk_test_0123456789abcdef';

function problems(env: Record<string, string>): string[] {
  const result = configFromEnv(env, tmpdir());
  return 'problems' in result ? result.problems : [];
}

describe('Paystack configuration', () => {
  it('is off without PAYSTACK_SECRET_KEY, and says so when other PAYSTACK_ settings are given', () => {
    const result = configFromEnv(DEV, tmpdir());
    expect('config' in result && result.config.paystack).toBe(null);
    expect(problems({ ...DEV, PAYSTACK_PLAN_CODES: 'enterprise-monthly=PLN_abcdef' })).toEqual([expect.stringMatching(/^PAYSTACK_PLAN_CODES is set but PAYSTACK_SECRET_KEY is not/)]);
  });

  it('reads the key, the API base, plan codes and webhook addresses', () => {
    const result = configFromEnv({ ...DEV, PAYSTACK_SECRET_KEY: KEY, PAYSTACK_API_BASE: 'http://127.0.0.1:9', PAYSTACK_PLAN_CODES: 'enterprise-monthly=PLN_abcdef', PAYSTACK_WEBHOOK_IPS: '52.31.139.75, 52.49.173.169' }, tmpdir());
    expect('config' in result && result.config.paystack).toEqual({
      secretKey: KEY, apiBase: 'http://127.0.0.1:9', planCodes: new Map([['enterprise-monthly', 'PLN_abcdef']]), webhookSources: ['52.31.139.75', '52.49.173.169'],
    });
  });

  it('names a malformed key, plan code pair and address', () => {
    expect(problems({ ...DEV, PAYSTACK_SECRET_KEY: 'pk_test_public', PAYSTACK_PLAN_CODES: 'enterprise-monthly=P-123', PAYSTACK_WEBHOOK_IPS: 'paystack.com' })).toEqual([
      expect.stringMatching(/^PAYSTACK_SECRET_KEY must be a Paystack secret key/),
      expect.stringMatching(/^PAYSTACK_PLAN_CODES: "enterprise-monthly=P-123" must look like/),
      'PAYSTACK_WEBHOOK_IPS: "paystack.com" is not an IP address',
    ]);
  });

  it('production refuses a test key and an http API; a plans file selling a recurring plan through Paystack needs its code', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-plans-'));
    const plans = path.join(dir, 'plans.json');
    writeFileSync(plans, JSON.stringify([{ id: 'pro-monthly', name: 'Pro', tier: 'enterprise', price: '9.00', currency: 'USD', billing: { kind: 'recurring', interval: 'month', intervalCount: 1 }, providers: ['paystack'] }]));
    const found = problems({
      HARDBOUND_MODE: 'production', PAYSTACK_SECRET_KEY: KEY, PAYSTACK_API_BASE: 'http://api.example', HARDBOUND_PLANS_FILE: plans,
      PAYPAL_CLIENT_ID: 'client', PAYPAL_CLIENT_SECRET: 'secret', PAYPAL_WEBHOOK_ID: 'WEBHOOK0123456789',
    });
    expect(found).toEqual(expect.arrayContaining([
      'PAYSTACK_SECRET_KEY is a test key; production takes the live key (sk_live_…)',
      expect.stringMatching(/^PAYSTACK_API_BASE="http:\/\/api.example" must be https in production/),
      expect.stringMatching(/^PAYSTACK_PLAN_CODES has no Paystack plan for recurring plan "pro-monthly"/),
    ]));
    // A plan sold only through Paystack needs no PayPal plan.
    expect(found.some((p) => p.startsWith('PAYPAL_PLAN_IDS'))).toBe(false);
  });

  it('a plans file naming a provider this server does not know is refused', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-plans-'));
    const plans = path.join(dir, 'plans.json');
    writeFileSync(plans, JSON.stringify([{ id: 'pro', name: 'Pro', tier: 'enterprise', price: '9.00', currency: 'USD', billing: { kind: 'one_time' }, providers: ['stripe'] }]));
    expect(problems({ ...DEV, HARDBOUND_PLANS_FILE: plans })).toEqual([expect.stringMatching(/provider "stripe" is not one this server knows/)]);
  });
});
