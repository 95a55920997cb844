// Composition root of the companion server: store, keys, PayPal, services, HTTP — and graceful shutdown.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../common/clock';
import { CheckoutService } from './checkouts/service';
import { CheckoutWaiters } from './checkouts/waiters';
import type { ServerConfig } from './config/env';
import { ensureDevKeys } from './entitlements';
import { createHttpApp } from './http/app';
import { checkoutPageRoutes } from './http/routes/checkout-pages';
import { checkoutRoutes } from './http/routes/checkouts';
import { entitlementRoutes } from './http/routes/entitlements';
import { licenseRoutes } from './http/routes/licenses';
import { operationsRoutes } from './http/routes/operations';
import { supportRoutes } from './http/routes/support';
import { webhookRoutes } from './http/routes/webhooks';
import { CancelSubscriptionService } from './licenses/cancel-subscription';
import { RefreshService } from './licenses/refresh';
import { LicenseTransferService } from './licenses/transfer';
import type { GrantPolicy } from './licenses/view';
import { createLogger } from './observability/logger';
import { Metrics } from './observability/metrics';
import { PayPalCheckoutProvider } from './providers/paypal/checkout-provider';
import { PayPalClient } from './providers/paypal/client';
import { PayPalSignatureVerifier } from './providers/paypal/signature';
import { PayPalApiSignatureVerifier } from './providers/paypal/signature/api-verifier';
import { SignatureWorkerPool } from './providers/paypal/signature/signature-worker-pool';
import { openStore, type Store } from './store/database';
import { SupportService } from './support/service';
import { PayPalWebhook, type WebhookVerifier } from './webhooks/paypal-webhook';

/** How the server reaches PayPal (or the local sandbox standing in for it). */
export interface PayPalConnection {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** The listener's webhook id at PayPal, or 'register' to register this server's own URL on start. */
  webhookId: string | 'register';
  sandboxOrigin: string | null;
  trustedCaPem: string | null;
  /** offline: check signatures here; api: ask PayPal's verify-webhook-signature API. */
  verify?: 'offline' | 'api';
}

export interface ServerRuntime {
  paypal: PayPalConnection;
  clock?: Clock;
  logger?: Logger;
  /** Support endpoints' rate limit (per client address). */
  supportRateLimit?: { max: number; windowMs: number };
  /** Release and redeem endpoints' rate limit (per client address). */
  transferRateLimit?: { max: number; windowMs: number };
  paypalTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  publicUrl: string;
  webhookId: string;
  store: Store;
  metrics: Metrics;
  support: SupportService;
  close(): Promise<void>;
}

export async function startServer(config: ServerConfig, runtime: ServerRuntime): Promise<RunningServer> {
  const clock = runtime.clock ?? systemClock;
  const log = runtime.logger ?? createLogger(config.logLevel);
  await mkdir(config.dataDir, { recursive: true });

  const metrics = new Metrics();
  metrics.describe('hardbound_store_group_commits_total', 'SQLite group commits (one fsync each).');
  metrics.describe('hardbound_store_group_commit_pieces_total', 'Writes made durable by group commits; divided by the commits, the mean batch size.');
  const store = await openStore({
    url: config.databaseUrl,
    onBackgroundError: (e) => log.error({ err: e.message }, 'database connection error'),
    onGroupCommit: (pieces) => {
      metrics.inc('hardbound_store_group_commits_total');
      metrics.inc('hardbound_store_group_commit_pieces_total', {}, pieces);
    },
  });
  await store.migrate();

  const keys = await ensureDevKeys(path.join(config.dataDir, 'keys'), { clock, ...(config.signingKid ? { activeKid: config.signingKid } : {}) });
  if (!keys.ok) {
    await store.close();
    throw new Error(`signing keys: ${keys.detail}`);
  }
  if (keys.generated) log.warn({ kid: keys.generated.kid }, 'generated a development signing key; run `hardbound-server keys generate` for production and pin its public key in the app');

  const waiters = new CheckoutWaiters();
  metrics.describe('hardbound_webhooks_total', 'Webhook deliveries by outcome (applied, duplicate, ignored, unmatched, not_confirmed or an error code).');
  metrics.describe('hardbound_long_polls_waiting', 'Long-polls currently parked.');
  metrics.gauge('hardbound_long_polls_waiting', () => waiters.count);

  const client = new PayPalClient({
    baseUrl: runtime.paypal.apiBase,
    clientId: runtime.paypal.clientId,
    clientSecret: runtime.paypal.clientSecret,
    clock,
    timeoutMs: runtime.paypalTimeoutMs ?? 15_000,
  });
  const provider = new PayPalCheckoutProvider(client, config.providerPlanIds);
  const grant: GrantPolicy = {
    authority: { keyRing: keys.ring, issuer: config.issuer },
    pastDueGraceMs: config.pastDueGraceMs,
    refreshWindowMs: config.entitlementTtlMs,
    plans: config.plans,
  };

  let publicUrl = config.publicUrl ?? '';
  const checkoutService = new CheckoutService({
    store, clock, provider, waiters, plans: config.plans, publicUrl: () => publicUrl, brandName: config.brandName,
    checkoutTtlMs: config.checkoutTtlMs, grant, metrics, log, recheckMs: store.dialect === 'postgres' ? 1_000 : 5_000,
  });
  const refresh = new RefreshService({ store, clock, grant });
  const cancellation = new CancelSubscriptionService({ store, clock, grant, provider, waiters, waitMs: 10_000 });
  const support = new SupportService({ store, clock, grant, checkouts: checkoutService });
  const transfers = new LicenseTransferService({ store, clock, grant, policy: config.transfers });

  // Offline verification's RSA step runs on a worker thread, started now so the first delivery does not wait for it.
  const signatureWorker = runtime.paypal.verify === 'api' ? undefined : new SignatureWorkerPool();
  signatureWorker?.start();
  let webhookId = runtime.paypal.webhookId === 'register' ? '' : runtime.paypal.webhookId;
  // The webhook id is known only once the listener is registered, after listen(); until then nothing verifies.
  const verifierRef: { current?: WebhookVerifier } = {};
  const webhook = new PayPalWebhook({
    verifier: {
      verify: (delivery) =>
        verifierRef.current ? verifierRef.current.verify(delivery) : Promise.resolve({ ok: false, code: 'missing_header', detail: 'server starting' }),
    },
    truth: client, provider, checkouts: checkoutService, store, clock, metrics, log,
  });

  let accepting = true;
  const app = await createHttpApp(log);
  operationsRoutes(app, { plans: config.plans, metrics, store, ready: () => accepting });
  checkoutRoutes(app, checkoutService);
  checkoutPageRoutes(app, checkoutService);
  entitlementRoutes(app, refresh, cancellation, keys.ring);
  webhookRoutes(app, webhook, metrics);
  await supportRoutes(app, support, runtime.supportRateLimit ?? { max: 120, windowMs: 60_000 });
  await licenseRoutes(app, transfers, runtime.transferRateLimit ?? { max: 20, windowMs: 60_000 });
  // Parked long-polls are answered as soon as shutdown starts, instead of holding it for up to 30 s.
  app.addHook('preClose', async () => {
    accepting = false;
    waiters.close();
  });
  // A request still running when close() starts must not leave its keep-alive connection open afterwards:
  // close() waits for every connection, and an idle one would hold it for the whole keep-alive timeout.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (!accepting) reply.header('connection', 'close');
    done(null, payload);
  });

  const url = await app.listen({ host: config.host, port: config.port });
  publicUrl ||= url;
  if (runtime.paypal.webhookId === 'register') {
    webhookId = await client.registerWebhook(`${publicUrl}/v1/webhooks/paypal`, ['*']);
    log.info({ webhookId }, 'registered this server as a PayPal webhook listener');
  }
  verifierRef.current = signatureWorker === undefined
    ? new PayPalApiSignatureVerifier(client, webhookId)
    : new PayPalSignatureVerifier({
        webhookId,
        clock,
        worker: signatureWorker,
        ...(runtime.paypal.sandboxOrigin ? { sandboxOrigin: runtime.paypal.sandboxOrigin } : {}),
        ...(runtime.paypal.trustedCaPem ? { trustedCaPem: runtime.paypal.trustedCaPem } : {}),
      });

  return {
    url, publicUrl, webhookId, store, metrics, support,
    close: async () => {
      await app.close();
      await signatureWorker?.close();
      await store.close();
    },
  };
}
