// Server configuration from the environment, validated once at start: every missing or bad setting is
// named in one message instead of failing later one at a time. Production (the default of
// `hardbound-server serve`) also refuses what is only fit for a demo: the embedded sandbox, http public URLs,
// demo names and credentials. What needs a file or PayPal to check is in launch/production-check.ts.
import { isIP } from 'node:net';
import path from 'node:path';
import { DEMO_BRAND_NAME, SANDBOX_DEMO_CLIENT_ID, SANDBOX_DEMO_CLIENT_SECRET } from '../../common/demo-values';
import type { Plan } from '../../common/plans';
import { sandboxPlanId } from '../providers/paypal/sandbox-plans';
import { EnvReader, type Rate } from './env-readers';
import { DEFAULT_PLANS, loadPlansFile } from './plans';

export type ServerMode = 'development' | 'production';
export const SERVER_MODES: readonly ServerMode[] = ['development', 'production'];

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

/** Paystack, when PAYSTACK_SECRET_KEY is set (README, "Paystack"). */
export interface PaystackSettings {
  secretKey: string;
  /** https://api.paystack.co, or a stand-in (PAYSTACK_API_BASE). */
  apiBase: string;
  /** Our recurring plan id → Paystack plan code (PLN_…), from PAYSTACK_PLAN_CODES. */
  planCodes: Map<string, string>;
  /** Addresses webhooks are taken from (PAYSTACK_WEBHOOK_IPS); empty: any. */
  webhookSources: string[];
}

export const PAYSTACK_API_BASE = 'https://api.paystack.co';
/** The providers a plans file may name. */
export const PROVIDER_NAMES = ['paypal', 'paystack'] as const;

/** What a slow or greedy client may hold of the server (see README, "Limits"). */
export interface HttpLimits {
  /** From a connection's first byte (or the end of the previous request) to the end of the request's headers. */
  headersTimeoutMs: number;
  /** To receive the whole request, headers and body; a long-poll's wait is not part of it. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Open connections; one more is answered 503 and closed. */
  maxConnections: number;
}

export interface CheckoutLimits {
  perClient: Rate;
  perAnchor: Rate;
  /** Pending or approved checkouts one anchor may hold at once. */
  openPerAnchor: number;
}

export interface ServerConfig {
  mode: ServerMode;
  host: string;
  port: number;
  publicUrl: string | null;
  dataDir: string;
  databaseUrl: string;
  /** PostgreSQL only: connections this process's pool may hold (change notifications take one more of their own). */
  databasePoolSize: number;
  paypal: PayPalSettings;
  /** null: Paystack is not configured, and sells nothing. */
  paystack: PaystackSettings | null;
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
  http: HttpLimits;
  checkoutLimits: CheckoutLimits;
  /** Addresses or CIDR ranges of reverse proxies whose X-Forwarded-For is believed. */
  trustedProxies: string[];
  metrics: { token: string | null; address: { host: string; port: number } | null };
  /** A webhook's transmission time may be this far from our clock, either way. */
  webhookFreshnessMs: number;
  /** How often reconciliation re-reads PayPal (once per period per database); 0 = never. */
  reconcileIntervalMs: number;
  /** At most this many checkouts and this many subscriptions per reconciliation run. */
  reconcileBatch: number;
  /** How often checkouts past their expiry are marked expired (once per period per database); 0 = never. */
  expireIntervalMs: number;
  /** The signing keys' folder: `<data dir>/keys`, or HARDBOUND_KEYS_DIR (one folder or mounted secret every process reads). */
  keysDir: string;
  support: SupportSettings;
}

export interface SupportSettings {
  /** Requests per support token (after authentication). */
  ratePerToken: Rate;
  /** Failed authentications per client address before they are answered 429. */
  authFailuresPerClient: Rate;
  /** A console session ends after this long without a request, and after sessionMaxMs whatever happens. */
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** The built console (null: out/console in the repository). */
  consoleDir: string | null;
}

export const DEFAULT_SUPPORT_SETTINGS: SupportSettings = {
  ratePerToken: { max: 120, windowMs: 60_000 },
  authFailuresPerClient: { max: 10, windowMs: 15 * 60_000 },
  sessionIdleMs: 30 * 60_000,
  sessionMaxMs: 12 * 3_600_000,
  consoleDir: null,
};

const DAY = 86_400_000;
/**
 * A background job's run holds a pooled connection for its advisory lock while its queries take others
 * (store/job-lock.ts): with reconciliation and expiry running at once, two are held and a third is needed for any
 * query to proceed. Below that the jobs, the heartbeat and requests wait out the pool's 5 s acquisition timeout.
 */
const MIN_DATABASE_POOL_SIZE = 3;
/** PayPal's webhook ids are upper-case letters and digits (e.g. 8PT597110X687430LKGECATA). */
export const WEBHOOK_ID_PATTERN = /^[A-Z0-9]{10,40}$/;
const MIN_METRICS_TOKEN_LENGTH = 32;

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  // Longer than the 60 s idle timeout of common load balancers, so the proxy, not the server, closes first.
  keepAliveTimeoutMs: 65_000,
  maxConnections: 4_096,
};

export const DEFAULT_CHECKOUT_LIMITS: CheckoutLimits = {
  perClient: { max: 30, windowMs: 10 * 60_000 },
  perAnchor: { max: 10, windowMs: 60 * 60_000 },
  openPerAnchor: 3,
};

export interface ConfigOptions {
  /** Overrides HARDBOUND_MODE (npm start and npm run server are always development). */
  mode?: ServerMode;
}

export function configFromEnv(
  env: NodeJS.ProcessEnv,
  cwd = process.cwd(),
  options: ConfigOptions = {},
): { config: ServerConfig } | { problems: string[] } {
  const read = new EnvReader(env);
  const problems = read.problems;
  const mode = options.mode ?? modeFromEnv(env, problems);
  const production = mode === 'production';

  const dataDir = dataDirFromEnv(env, cwd);
  const databaseUrl = env.DATABASE_URL || `sqlite:${path.join(dataDir, 'hardbound.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    problems.push(`DATABASE_URL must start with sqlite: or postgres:// (got "${databaseUrl.split(':')[0]}:…")`);
  }

  const paypal = paypalSettings(read, production);
  const publicUrl = read.url('HARDBOUND_PUBLIC_URL');
  const brandName = env.HARDBOUND_BRAND_NAME || DEMO_BRAND_NAME;
  if (production) {
    if (publicUrl === null && !env.HARDBOUND_PUBLIC_URL) {
      problems.push('HARDBOUND_PUBLIC_URL is required in production: the https URL at which buyers\' browsers and PayPal reach this server');
    } else if (publicUrl !== null && !publicUrl.startsWith('https://')) {
      problems.push(`HARDBOUND_PUBLIC_URL="${publicUrl}" must be https in production (terminate TLS at a reverse proxy; see README, "Deployment")`);
    }
    if (brandName === DEMO_BRAND_NAME) {
      problems.push(`HARDBOUND_BRAND_NAME must be your own name as buyers see it on PayPal's pages, not the demo "${DEMO_BRAND_NAME}"`);
    }
  }

  let plans = DEFAULT_PLANS;
  if (env.HARDBOUND_PLANS_FILE) {
    const loaded = loadPlansFile(path.resolve(cwd, env.HARDBOUND_PLANS_FILE));
    if ('problems' in loaded) problems.push(...loaded.problems);
    else plans = loaded.plans;
  }
  const providerPlanIds = planIds(read, paypal, plans);
  const paystack = paystackSettings(read, production, plans);
  for (const plan of plans) {
    for (const name of plan.providers ?? []) {
      if (!(PROVIDER_NAMES as readonly string[]).includes(name)) problems.push(`plan "${plan.id}": provider "${name}" is not one this server knows (${PROVIDER_NAMES.join(', ')})`);
      else if (name === 'paystack' && paystack === null && production) problems.push(`plan "${plan.id}" is sold through Paystack, but PAYSTACK_SECRET_KEY is not set`);
    }
  }

  const metricsToken = read.raw('HARDBOUND_METRICS_TOKEN') ?? null;
  if (metricsToken !== null && (metricsToken.length < MIN_METRICS_TOKEN_LENGTH || /\s/.test(metricsToken))) {
    problems.push(`HARDBOUND_METRICS_TOKEN must be at least ${MIN_METRICS_TOKEN_LENGTH} characters without spaces (e.g. \`openssl rand -hex 32\`)`);
  }

  const config: ServerConfig = {
    mode,
    host: env.HARDBOUND_HOST || '127.0.0.1',
    port: read.int('HARDBOUND_PORT', 8787, 0, 65_535),
    publicUrl,
    dataDir,
    databaseUrl,
    databasePoolSize: read.int('HARDBOUND_DB_POOL_SIZE', 10, MIN_DATABASE_POOL_SIZE, 100),
    paypal,
    paystack,
    plans,
    providerPlanIds,
    issuer: env.HARDBOUND_ISSUER || 'hardbound',
    signingKid: env.HARDBOUND_SIGNING_KID || null,
    entitlementTtlMs: read.int('HARDBOUND_ENTITLEMENT_TTL_DAYS', 14, 1, 365) * DAY,
    pastDueGraceMs: read.int('HARDBOUND_PAST_DUE_GRACE_DAYS', 7, 0, 60) * DAY,
    checkoutTtlMs: read.int('HARDBOUND_CHECKOUT_TTL_MINUTES', 60, 5, 24 * 60) * 60_000,
    transfers: {
      movesPerYear: read.int('HARDBOUND_SELF_MOVES_PER_YEAR', 3, 0, 100),
      codeTtlMs: read.int('HARDBOUND_TRANSFER_CODE_TTL_HOURS', 72, 1, 30 * 24) * 3_600_000,
    },
    brandName,
    logLevel: env.HARDBOUND_LOG_LEVEL || 'info',
    http: {
      headersTimeoutMs: read.int('HARDBOUND_HEADERS_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.headersTimeoutMs, 100, 600_000),
      requestTimeoutMs: read.int('HARDBOUND_REQUEST_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.requestTimeoutMs, 100, 600_000),
      keepAliveTimeoutMs: read.int('HARDBOUND_KEEP_ALIVE_TIMEOUT_MS', DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs, 100, 600_000),
      maxConnections: read.int('HARDBOUND_MAX_CONNECTIONS', DEFAULT_HTTP_LIMITS.maxConnections, 1, 1_000_000),
    },
    checkoutLimits: {
      perClient: read.rate('HARDBOUND_CHECKOUT_RATE_PER_CLIENT', DEFAULT_CHECKOUT_LIMITS.perClient),
      perAnchor: read.rate('HARDBOUND_CHECKOUT_RATE_PER_ANCHOR', DEFAULT_CHECKOUT_LIMITS.perAnchor),
      openPerAnchor: read.int('HARDBOUND_OPEN_CHECKOUTS_PER_ANCHOR', DEFAULT_CHECKOUT_LIMITS.openPerAnchor, 1, 1_000_000),
    },
    trustedProxies: read.list('HARDBOUND_TRUSTED_PROXIES'),
    metrics: { token: metricsToken, address: read.address('HARDBOUND_METRICS_ADDRESS') },
    webhookFreshnessMs: read.int('HARDBOUND_WEBHOOK_FRESHNESS_MINUTES', 15, 1, 24 * 60) * 60_000,
    reconcileIntervalMs: read.int('HARDBOUND_RECONCILE_INTERVAL_SECONDS', 900, 0, 86_400) * 1000,
    reconcileBatch: read.int('HARDBOUND_RECONCILE_BATCH', 50, 1, 10_000),
    expireIntervalMs: read.int('HARDBOUND_EXPIRE_INTERVAL_SECONDS', 60, 0, 86_400) * 1000,
    keysDir: keysDirFromEnv(env, cwd),
    support: {
      ratePerToken: read.rate('HARDBOUND_SUPPORT_RATE_PER_TOKEN', DEFAULT_SUPPORT_SETTINGS.ratePerToken),
      authFailuresPerClient: read.rate('HARDBOUND_SUPPORT_AUTH_FAILURES_PER_CLIENT', DEFAULT_SUPPORT_SETTINGS.authFailuresPerClient),
      sessionIdleMs: read.int('HARDBOUND_SUPPORT_SESSION_IDLE_MINUTES', 30, 1, 24 * 60) * 60_000,
      sessionMaxMs: read.int('HARDBOUND_SUPPORT_SESSION_MAX_HOURS', 12, 1, 7 * 24) * 3_600_000,
      consoleDir: env.HARDBOUND_SUPPORT_CONSOLE_DIR ? path.resolve(cwd, env.HARDBOUND_SUPPORT_CONSOLE_DIR) : null,
    },
  };
  if (config.http.headersTimeoutMs > config.http.requestTimeoutMs) {
    problems.push('HARDBOUND_HEADERS_TIMEOUT_MS must not be longer than HARDBOUND_REQUEST_TIMEOUT_MS');
  }
  return problems.length ? { problems } : { config };
}

/** The signing keys' folder: HARDBOUND_KEYS_DIR, else keys/ in the data folder. */
export function keysDirFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return env.HARDBOUND_KEYS_DIR ? path.resolve(cwd, env.HARDBOUND_KEYS_DIR) : path.join(dataDirFromEnv(env, cwd), 'keys');
}

/** Where the SQLite database and the signing keys (keys/) live. */
export function dataDirFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  return path.resolve(cwd, env.HARDBOUND_DATA_DIR || 'data');
}

function modeFromEnv(env: NodeJS.ProcessEnv, problems: string[]): ServerMode {
  const raw = env.HARDBOUND_MODE;
  if (raw === undefined || raw === '') return 'production';
  if ((SERVER_MODES as readonly string[]).includes(raw)) return raw as ServerMode;
  problems.push(`HARDBOUND_MODE="${raw}" must be development or production`);
  return 'production';
}

function paypalSettings(read: EnvReader, production: boolean): PayPalSettings {
  const problems = read.problems;
  const paypalKeys = ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID'] as const;
  const given = paypalKeys.filter((k) => read.raw(k) !== undefined);
  if (given.length === 0) {
    if (production) {
      problems.push('production needs PayPal: set PAYPAL_CLIENT_ID, PAYPAL_CLIENT_SECRET and PAYPAL_WEBHOOK_ID (`hardbound-server paypal setup` creates the webhook and prints what to set); the embedded sandbox runs only with HARDBOUND_MODE=development');
    }
    return { mode: 'embedded-sandbox', sandboxPort: read.int('HARDBOUND_SANDBOX_PORT', 8788, 0, 65_535) };
  }
  for (const k of paypalKeys) if (read.raw(k) === undefined) problems.push(`${k} is required when ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set`);
  const webhookId = read.raw('PAYPAL_WEBHOOK_ID') ?? '';
  if (webhookId !== '' && !WEBHOOK_ID_PATTERN.test(webhookId)) {
    problems.push(`PAYPAL_WEBHOOK_ID="${webhookId.slice(0, 40)}" is not a PayPal webhook id (upper-case letters and digits); \`hardbound-server paypal setup\` creates the webhook and prints its id`);
  }
  const verify = read.raw('PAYPAL_VERIFY_MODE') ?? 'offline';
  if (verify !== 'offline' && verify !== 'api') problems.push(`PAYPAL_VERIFY_MODE="${verify}" must be offline or api`);
  const clientId = read.raw('PAYPAL_CLIENT_ID') ?? '';
  const clientSecret = read.raw('PAYPAL_CLIENT_SECRET') ?? '';
  const apiBase = read.url('PAYPAL_API_BASE') ?? 'https://api-m.sandbox.paypal.com';
  const sandboxOrigin = read.url('PAYPAL_SANDBOX_ORIGIN');
  if (production) {
    if (clientId === SANDBOX_DEMO_CLIENT_ID) problems.push('PAYPAL_CLIENT_ID is the local sandbox\'s demo credential; use your PayPal app\'s client id');
    if (clientSecret === SANDBOX_DEMO_CLIENT_SECRET) problems.push('PAYPAL_CLIENT_SECRET is the local sandbox\'s demo credential; use your PayPal app\'s secret');
    // Only a stand-in the operator named on purpose may be reached without TLS.
    if (!apiBase.startsWith('https://') && new URL(apiBase).origin !== (sandboxOrigin && new URL(sandboxOrigin).origin)) {
      problems.push(`PAYPAL_API_BASE="${apiBase}" must be https in production (https://api-m.paypal.com, or https://api-m.sandbox.paypal.com to test)`);
    }
  }
  return {
    mode: 'remote',
    apiBase,
    clientId,
    clientSecret,
    webhookId,
    verify: verify === 'api' ? 'api' : 'offline',
    sandboxOrigin,
    trustedCaPem: read.raw('PAYPAL_SANDBOX_CA_PEM') ?? null,
  };
}

function planIds(read: EnvReader, paypal: PayPalSettings, plans: readonly Plan[]): Map<string, string> {
  const providerPlanIds = new Map<string, string>();
  for (const pair of read.list('PAYPAL_PLAN_IDS')) {
    const [ours, theirs] = pair.split('=');
    if (!ours || !theirs || !/^P-[A-Z0-9]{10,40}$/.test(theirs)) read.problems.push(`PAYPAL_PLAN_IDS: "${pair}" must look like our-plan-id=P-XXXXXXXX`);
    else providerPlanIds.set(ours, theirs);
  }
  for (const plan of plans) {
    if (plan.billing.kind !== 'recurring' || (plan.providers && !plan.providers.includes('paypal'))) continue;
    // The embedded sandbox is seeded with these derived ids (launch/paypal-connection.ts), whatever is configured.
    if (paypal.mode === 'embedded-sandbox') providerPlanIds.set(plan.id, sandboxPlanId(plan.id));
    else if (!providerPlanIds.has(plan.id)) {
      read.problems.push(`PAYPAL_PLAN_IDS has no PayPal plan for recurring plan "${plan.id}" (\`hardbound-server paypal setup\` creates the plans and prints the line)`);
    }
  }
  return providerPlanIds;
}

function paystackSettings(read: EnvReader, production: boolean, plans: readonly Plan[]): PaystackSettings | null {
  const problems = read.problems;
  const secretKey = read.raw('PAYSTACK_SECRET_KEY');
  if (secretKey === undefined) {
    for (const name of ['PAYSTACK_API_BASE', 'PAYSTACK_PLAN_CODES', 'PAYSTACK_WEBHOOK_IPS']) {
      if (read.raw(name) !== undefined) problems.push(`${name} is set but PAYSTACK_SECRET_KEY is not: Paystack needs its secret key`);
    }
    return null;
  }
  if (!/^sk_(test|live)_[A-Za-z0-9]{10,}$/.test(secretKey)) problems.push('PAYSTACK_SECRET_KEY must be a Paystack secret key (sk_live_… or sk_test_…, from the dashboard\'s API Keys & Webhooks)');
  else if (production && secretKey.startsWith('sk_test_')) problems.push('PAYSTACK_SECRET_KEY is a test key; production takes the live key (sk_live_…)');
  const apiBase = read.url('PAYSTACK_API_BASE') ?? PAYSTACK_API_BASE;
  if (production && !apiBase.startsWith('https://')) problems.push(`PAYSTACK_API_BASE="${apiBase}" must be https in production (${PAYSTACK_API_BASE})`);
  const planCodes = new Map<string, string>();
  for (const pair of read.list('PAYSTACK_PLAN_CODES')) {
    const [ours, theirs] = pair.split('=');
    if (!ours || !theirs || !/^PLN_[A-Za-z0-9]{4,64}$/.test(theirs)) problems.push(`PAYSTACK_PLAN_CODES: "${pair}" must look like our-plan-id=PLN_xxxxxxxx`);
    else planCodes.set(ours, theirs);
  }
  for (const plan of plans) {
    const sold = plan.providers === undefined || plan.providers.includes('paystack');
    if (plan.billing.kind === 'recurring' && plan.providers?.includes('paystack') && !planCodes.has(plan.id)) {
      problems.push(`PAYSTACK_PLAN_CODES has no Paystack plan for recurring plan "${plan.id}", which the plans file sells through Paystack (create the plan in Paystack's dashboard or with POST /plan, then add ${plan.id}=PLN_…)`);
    }
    if (!sold && planCodes.has(plan.id)) problems.push(`PAYSTACK_PLAN_CODES names plan "${plan.id}", which the plans file does not sell through Paystack`);
  }
  const webhookSources = read.list('PAYSTACK_WEBHOOK_IPS');
  for (const address of webhookSources) {
    if (isIP(address) === 0) problems.push(`PAYSTACK_WEBHOOK_IPS: "${address}" is not an IP address`);
  }
  return { secretKey, apiBase, planCodes, webhookSources };
}

/** What `hardbound-server paypal setup` needs: credentials, where this server is reached, what it sells. */
export interface PayPalSetupSettings {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  publicUrl: string;
  plans: Plan[];
  brandName: string;
}

export function paypalSetupSettingsFromEnv(env: NodeJS.ProcessEnv, cwd = process.cwd()): { settings: PayPalSetupSettings } | { problems: string[] } {
  const read = new EnvReader(env);
  const problems = read.problems;
  for (const name of ['PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'HARDBOUND_PUBLIC_URL']) {
    if (read.raw(name) === undefined) problems.push(`${name} is required`);
  }
  const apiBase = read.url('PAYPAL_API_BASE') ?? 'https://api-m.sandbox.paypal.com';
  const publicUrl = read.url('HARDBOUND_PUBLIC_URL');
  let plans = DEFAULT_PLANS;
  if (env.HARDBOUND_PLANS_FILE) {
    const loaded = loadPlansFile(path.resolve(cwd, env.HARDBOUND_PLANS_FILE));
    if ('problems' in loaded) problems.push(...loaded.problems);
    else plans = loaded.plans;
  }
  if (problems.length > 0 || publicUrl === null) return { problems };
  return {
    settings: {
      apiBase,
      clientId: read.raw('PAYPAL_CLIENT_ID') ?? '',
      clientSecret: read.raw('PAYPAL_CLIENT_SECRET') ?? '',
      publicUrl,
      plans,
      brandName: env.HARDBOUND_BRAND_NAME || DEMO_BRAND_NAME,
    },
  };
}
