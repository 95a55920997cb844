// A real sandbox and a real server over loopback, SQLite in a temp folder (or PostgreSQL when asked),
// with a capturing logger so tests can check what was logged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { AdjustableClock } from '../../common/clock';
import type { CheckoutView, CreateCheckoutResponse, RefreshResponse } from '../../common/api';
import { configFromEnv, type ServerConfig } from '../../server/config/env';
import { createLogger } from '../../server/observability/logger';
import { startServer, type RunningServer, type ServerRuntime } from '../../server/server';
import { resolvePayPal } from '../../launch/paypal-connection';
import { sellThroughStandIns } from '../../launch/paystack-standin';
import { PayPalClient } from '../../server/providers/paypal/client';
import type { Sandbox, SandboxOptions } from '../../sandbox/index';

export interface Harness {
  server: RunningServer;
  sandbox: Sandbox;
  config: ServerConfig;
  clock: AdjustableClock;
  logs: string[];
  dataDir: string;
  api<T = unknown>(method: string, path: string, options?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<{ status: number; body: T; headers: Record<string, string> }>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  sandbox?: SandboxOptions;
  supportRateLimit?: ServerRuntime['supportRateLimit'];
  transferRateLimit?: ServerRuntime['transferRateLimit'];
  /** Sends the server's PayPal API calls to this origin (a test proxy in front of the sandbox) instead. */
  paypalApiBase?: (sandboxBaseUrl: string) => string;
  /** PAYPAL_VERIFY_MODE: offline (default) or PayPal's verify-webhook-signature API. */
  verify?: 'offline' | 'api';
  /** A built support console to serve at /support/. */
  consoleDir?: string;
  /** Sell through the sandbox's Paystack stand-in too, as a development run does (launch/paystack-standin.ts). */
  paystack?: boolean;
}

/** Tests buy many times from one address and one anchor; the limits' own tests set them. */
export const UNLIMITED_CHECKOUTS = {
  HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '1000000/1m',
  HARDBOUND_CHECKOUT_RATE_PER_ANCHOR: '1000000/1m',
  HARDBOUND_OPEN_CHECKOUTS_PER_ANCHOR: '1000000',
} as const;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-test-'));
  const result = configFromEnv({ HARDBOUND_MODE: 'development', ...UNLIMITED_CHECKOUTS, HARDBOUND_DATA_DIR: dataDir, HARDBOUND_PORT: '0', HARDBOUND_SANDBOX_PORT: '0', HARDBOUND_LOG_LEVEL: 'info', HARDBOUND_EXPIRE_INTERVAL_SECONDS: '0', ...options.env });
  if ('problems' in result) throw new Error(result.problems.join('; '));
  const config = result.config;
  const clock = new AdjustableClock();
  const logs: string[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } });
  // The server's own logger set-up, so tests judge exactly what production would log.
  const logger = createLogger('info', sink);
  const paypal = await resolvePayPal(config, { clock, retryDelaysMs: [50, 100, 200, 400], deliveryTimeoutMs: 5_000, ...options.sandbox });
  const connection = {
    ...paypal.connection,
    ...(options.paypalApiBase ? { apiBase: options.paypalApiBase(paypal.connection.apiBase) } : {}),
    ...(options.verify ? { verify: options.verify } : {}),
  };
  const selling = options.paystack ? sellThroughStandIns(config, paypal.sandbox) : null;
  const started = await startServer(selling?.config ?? config, {
    paypal: connection, clock, logger, paypalTimeoutMs: 5_000,
    ...(options.supportRateLimit ? { supportRateLimit: options.supportRateLimit } : {}),
    ...(options.transferRateLimit ? { transferRateLimit: options.transferRateLimit } : {}),
    ...(options.consoleDir ? { consoleDir: options.consoleDir } : {}),
  });
  selling?.afterListen(started.publicUrl);
  // A test may close the server itself (shutdown tests); closing the harness afterwards must not close it twice.
  let closing: Promise<void> | undefined;
  const server: RunningServer = { ...started, close: () => (closing ??= started.close()) };
  const sandbox = paypal.sandbox!;
  return {
    server, sandbox, config: selling?.config ?? config, clock, logs, dataDir,
    async api(method, p, o = {}) {
      const headers: Record<string, string> = { ...o.headers };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.body !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${server.url}${p}`, {
        method, headers, body: o.body === undefined ? undefined : typeof o.body === 'string' ? o.body : JSON.stringify(o.body),
      });
      const text = await res.text();
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* HTML or text */ }
      return { status: res.status, body: body as never, headers: Object.fromEntries(res.headers) };
    },
    async close() {
      await server.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** PayPal's API as the server reads it, on the harness's sandbox: to see what PayPal shows after an action. */
export function paypalApi(h: Harness): PayPalClient {
  return new PayPalClient({ baseUrl: h.sandbox.baseUrl, ...h.sandbox.credentials, clock: h.clock, timeoutMs: 5_000 });
}

/** A random anchor as the app would send: base64url of 32 bytes. */
export function newAnchor(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

export async function createCheckout(h: Harness, anchor: string, plan = 'enterprise-lifetime'): Promise<CreateCheckoutResponse> {
  const res = await h.api<CreateCheckoutResponse>('POST', '/v1/checkouts', { body: { anchor, plan } });
  if (res.status !== 201) throw new Error(`create checkout: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Clicks "Pay" on the sandbox's hosted page over HTTP; returns the redirect target (our return URL). */
export async function payOnHostedPage(approveUrl: string, action: 'pay' | 'cancel' = 'pay'): Promise<URL> {
  const page = await fetch(approveUrl);
  const html = await page.text();
  const formAction = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
  if (!formAction) throw new Error('no form on the approval page');
  const res = await fetch(new URL(formAction, approveUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `action=${action}`,
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`approval page answered ${res.status}`);
  return new URL(location);
}

export async function poll(h: Harness, c: CreateCheckoutResponse, wait = 0): Promise<CheckoutView> {
  const res = await h.api<CheckoutView>('GET', `/v1/checkouts/${c.checkoutId}?wait=${wait}`, { token: c.pollToken });
  if (res.status !== 200) throw new Error(`poll: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function refresh(h: Harness, anchor: string, token: string): Promise<{ status: number; body: RefreshResponse }> {
  return h.api<RefreshResponse>('POST', '/v1/entitlements/refresh', { body: { anchor, token } });
}
