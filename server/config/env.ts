// Server configuration from the environment, validated once at start: every missing or bad setting is
// named in one message instead of failing later one at a time.
import path from 'node:path';
import type { Plan } from '../../common/plans';
import { sandboxPlanId } from '../providers/paypal/sandbox-plans';
import { DEFAULT_PLANS, loadPlansFile } from './plans';

export type PayPalSettings =
  | { mode: 'embedded-sandbox'; sandboxPort: number }
  | {
      mode: 'remote';
      apiBase: string;
      clientId: string;
      clientSecret: string;
      webhookId: string;
      /** offline: verify the signature here; api: ask PayPal's verify-webhook-signature API. */
      verify: 'offline' | 'api';
      /** A sandbox origin whose certificates are accepted (an external `npm run sandbox`). */
      sandboxOrigin: string | null;
      trustedCaPem: string | null;
    };

export interface ServerConfig {
  host: string;
  port: number;
  publicUrl: string | null;
  dataDir: string;
  databaseUrl: string;
  paypal: PayPalSettings;
  plans: Plan[];
  /** Our recurring plan id → the provider's plan id (PayPal P-…); for the embedded sandbox, its derived ids. */
  providerPlanIds: Map<string, string>;
  issuer: string;
  signingKid: string | null;
  entitlementTtlMs: number;
  pastDueGraceMs: number;
  checkoutTtlMs: number;
  /** Self-service moves of a license to another computer: releases per license per 365 days (0: off), code lifetime. */
  transfers: { movesPerYear: number; codeTtlMs: number };
  brandName: string;
  logLevel: string;
}

const DAY = 86_400_000;

export function configFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): { config: ServerConfig } | { problems: string[] } {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}="${raw}" must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return n;
  };
  const url = (name: string): string | null => {
    const raw = env[name];
    if (raw === undefined || raw === '') return null;
    try {
      const u = new URL(raw);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name}="${raw}" must be an http(s) URL`);
      return null;
    }
  };

  const dataDir = path.resolve(cwd, env.HARDBOUND_DATA_DIR || 'data');
  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, 'hardbound.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with sqlite: or postgres:// (got "${databaseUrl.split(':')[0]}:…")`);
  }

  const paypalKeys = ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'] as const;
  const given = paypalKeys.filter((k) => env[k]);
  let paypal: PayPalSettings;
  if (given.length === 0) {
    paypal = { mode: 'embedded-sandbox', sandboxPort: int('HARDBOUND_SANDBOX_PORT', 8788, 0, 65_535) };
  } else {
    for (const k of paypalKeys) if (!env[k]) problems.push(`${k} is required when ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set`);
    const verify = env.PAYPAL_VERIFY_MODE || 'offline';
    if (verify !== 'offline' && verify !== 'api') problems.push(`PAYPAL_VERIFY_MODE="${verify}" must be offline or api`);
    paypal = {
      mode: 'remote',
      apiBase: url('PAYPAL_API_BASE') ?? 'https://api-m.sandbox.paypal.com',
      clientId: env.PAYPAL_CLIENT_ID ?? '',
      clientSecret: env.PAYPAL_CLIENT_SECRET ?? '',
      webhookId: env.PAYPAL_WEBHOOK_ID ?? '',
      verify: verify === 'api' ? 'api' : 'offline',
      sandboxOrigin: url('PAYPAL_SANDBOX_ORIGIN'),
      trustedCaPem: env.PAYPAL_SANDBOX_CA_PEM || null,
    };
  }

  let plans = DEFAULT_PLANS;
  if (env.HARDBOUND_PLANS_FILE) {
    const loaded = loadPlansFile(path.resolve(cwd, env.HARDBOUND_PLANS_FILE));
    if ('problems' in loaded) problems.push(...loaded.problems);
    else plans = loaded.plans;
  }

  const providerPlanIds = new Map<string, string>();
  for (const pair of (env.PAYPAL_PLAN_IDS ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [ours, theirs] = pair.split('=');
    if (!ours || !theirs || !/^P-[A-Z0-9]{10,40}$/.test(theirs)) problems.push(`PAYPAL_PLAN_IDS: "${pair}" must look like our-plan-id=P-XXXXXXXX`);
    else providerPlanIds.set(ours, theirs);
  }
  for (const plan of plans) {
    if (plan.billing.kind !== 'recurring') continue;
    // The embedded sandbox is seeded with these derived ids (launch/paypal-connection.ts), whatever is configured.
    if (paypal.mode === 'embedded-sandbox') providerPlanIds.set(plan.id, sandboxPlanId(plan.id));
    else if (!providerPlanIds.has(plan.id)) problems.push(`PAYPAL_PLAN_IDS has no PayPal plan for recurring plan "${plan.id}"`);
  }

  const config: ServerConfig = {
    host: env.HARDBOUND_HOST || '127.0.0.1',
    port: int('HARDBOUND_PORT', 8787, 0, 65_535),
    publicUrl: url('HARDBOUND_PUBLIC_URL'),
    dataDir,
    databaseUrl,
    paypal,
    plans,
    providerPlanIds,
    issuer: env.HARDBOUND_ISSUER || 'hardbound',
    signingKid: env.HARDBOUND_SIGNING_KID || null,
    entitlementTtlMs: int('HARDBOUND_ENTITLEMENT_TTL_DAYS', 14, 1, 365) * DAY,
    pastDueGraceMs: int('HARDBOUND_PAST_DUE_GRACE_DAYS', 7, 0, 60) * DAY,
    checkoutTtlMs: int('HARDBOUND_CHECKOUT_TTL_MINUTES', 60, 5, 24 * 60) * 60_000,
    transfers: {
      movesPerYear: int('HARDBOUND_SELF_MOVES_PER_YEAR', 3, 0, 100),
      codeTtlMs: int('HARDBOUND_TRANSFER_CODE_TTL_HOURS', 72, 1, 30 * 24) * 3_600_000,
    },
    brandName: env.HARDBOUND_BRAND_NAME || 'Hardbound Demo Vendor',
    logLevel: env.HARDBOUND_LOG_LEVEL || 'info',
  };
  return problems.length ? { problems } : { config };
}
