// Composition root of the companion server: store, keys, PayPal, services, HTTP — and graceful shutdown.
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { paypalWebhookUrl } from '../common/api';
import { systemClock, type Clock } from '../common/clock';
import { CheckoutService } from './checkouts/service';
import { CheckoutWaiters } from './checkouts/waiters';
import type { ServerConfig } from './config/env';
import { ensureDevKeys, loadKeyRing, type KeyRingResult } from './entitlements';
import { createHttpApp, type ServedRoute } from './http/app';
import { checkoutRateLimit } from './http/checkout-limits';
import { metricsGuard, startMetricsListener } from './http/metrics-access';
import { checkoutPageRoutes } from './http/routes/checkout-pages';
import { checkoutRoutes } from './http/routes/checkouts';
import { entitlementRoutes } from './http/routes/entitlements';
import { licenseRoutes } from './http/routes/licenses';
import { operationsRoutes } from './http/routes/operations';
import { supportRoutes } from './http/routes/support';
import { DEFAULT_CONSOLE_DIR, supportConsoleRoutes } from './http/routes/support-console';
import { SupportSessions } from './support/sessions';
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
import { ourRecords } from './webhooks/our-records';
import { PeriodicJob } from './jobs/periodic-job';
import { ReplacedSubscriptions } from './licenses/replaced-subscriptions';
import { Reconciler } from './reconciliation/reconciler';
import { TriggerResolver } from './providers/paypal/resolve-trigger';
import { keySetOf, SharedKeys } from './jobs/shared-keys';

/** How the server reaches PayPal (or the local sandbox standing in for it). */
export interface PayPalConnection {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  /** The webhook listener's id at PayPal; or, for the embedded sandbox of development mode, how to register
   *  this server's webhook URL, known only once it listens, and learn the id. */
  webhook: { id: string } | { register: (webhookUrl: string) => Promise<string> };
  sandboxOrigin: string | null;
  trustedCaPem: string | null;
  /** offline: check signatures here; api: ask PayPal's verify-webhook-signature API. */
  verify?: 'offline' | 'api';
}

export interface ServerRuntime {
  paypal: PayPalConnection;
  clock?: Clock;
  logger?: Logger;
  /** Support endpoints' rate limit per token (overrides HARDBOUND_SUPPORT_RATE_PER_TOKEN). */
  supportRateLimit?: { max: number; windowMs: number };
  /** The built support console to serve at /support/ (overrides HARDBOUND_SUPPORT_CONSOLE_DIR). */
  consoleDir?: string;
  /** Release and redeem endpoints' rate limit (per client address). */
  transferRateLimit?: { max: number; windowMs: number };
  paypalTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  /** The separate metrics listener's URL (HARDBOUND_METRICS_ADDRESS), or null. */
  metricsUrl: string | null;
  /** Every route served, as registered (GET /openapi.json describes each). */
  routes: readonly ServedRoute[];
  publicUrl: string;
  webhookId: string;
  store: Store;
  metrics: Metrics;
  support: SupportService;
  /** Runs reconciliation now if this period's run has not happened yet (tests, operators). */
  runReconciliation(): Promise<'ran' | 'failed' | 'skipped'>;
  /** Runs the checkout-expiry job now if this period's run has not happened yet. */
  runCheckoutExpiry(): Promise<'ran' | 'failed' | 'skipped'>;
  close(): Promise<void>;
}

const EXPIRY_BATCH = 500;
const EXPIRY_BATCHES_PER_RUN = 20;

/** How long a parked long-poll sleeps before re-reading on its own: on SQLite every change is made here and
 *  wakes it; on PostgreSQL other processes' changes arrive through the change feed, and the re-read is only the
 *  fallback for a lost notification — every second while the feed is down. */
function recheckMs(store: Store, feed: { connected: boolean } | null): number {
  if (store.dialect === 'sqlite') return 5_000;
  return feed?.connected ? 15_000 : 1_000;
}

/** Development generates a key on first start; production signs only with a key made by `keys generate`. */
async function signingKeys(config: ServerConfig, clock: Clock, log: Logger): Promise<KeyRingResult> {
  const dir = config.keysDir;
  const options = config.signingKid ? { activeKid: config.signingKid } : {};
  if (config.mode === 'production') {
    const loaded = await loadKeyRing(dir, options);
    if (loaded.ok && loaded.ring.developmentKids.length > 0) {
      return { ok: false, code: 'key_file_invalid', detail: `development key(s) ${loaded.ring.developmentKids.join(', ')} in ${dir}: production signs and publishes only keys made by \`hardbound-server keys generate\`` };
    }
    return loaded;
  }
  const keys = await ensureDevKeys(dir, { clock, ...options });
  if (keys.ok && keys.generated) log.warn({ kid: keys.generated.kid }, 'development mode: generated a development signing key; production needs `hardbound-server keys generate` and the public key pinned in the app');
  return keys;
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

  const keys = await signingKeys(config, clock, log);
  if (!keys.ok) {
    await store.close();
    throw new Error(`signing keys: ${keys.detail}`);
  }
  // Several processes share PostgreSQL: each must verify what the others sign (jobs/shared-keys.ts).
  const sharedKeys = store.dialect === 'postgres' ? new SharedKeys({ store, clock, log, keys: keySetOf(keys.ring) }) : undefined;
  try {
    await sharedKeys?.join();
  } catch (error) {
    await store.close();
    throw error;
  }

  const waiters = new CheckoutWaiters();
  metrics.describe('hardbound_change_feed_connected', 'PostgreSQL: 1 while this process LISTENs for other processes\' checkout changes, 0 while it reconnects (long-polls then re-read every second).');
  metrics.describe('hardbound_change_feed_reconnects_total', 'PostgreSQL: change-notification connections re-made after a loss (each followed by a re-read of every parked long-poll).');
  metrics.describe('hardbound_change_notifications_total', 'PostgreSQL: checkout changes heard from the change feed (this process\'s own included).');
  let feed: Awaited<ReturnType<Store['listenForCheckouts']>> = null;
  try {
    feed = await store.listenForCheckouts({
      changed: (ids) => {
        metrics.inc('hardbound_change_notifications_total', {}, ids.length);
        for (const id of ids) waiters.notify(id);
      },
      resync: () => {
        log.info({ parked: waiters.count }, 'change notifications are back; every parked long-poll re-reads its checkout');
        waiters.wakeAll();
      },
      problem: (message) => log.warn(message),
    });
  } catch (error) {
    await sharedKeys?.leave();
    await store.close();
    throw new Error(`PostgreSQL change notifications (LISTEN): ${(error as Error).message}`);
  }
  if (feed) {
    const live = feed;
    metrics.gauge('hardbound_change_feed_connected', () => (live.connected ? 1 : 0));
    metrics.gauge('hardbound_change_feed_reconnects_total', () => live.reconnects);
  }
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
    checkoutTtlMs: config.checkoutTtlMs, openPerAnchor: config.checkoutLimits.openPerAnchor, grant, metrics, log, recheckMs: () => recheckMs(store, feed),
  });
  const replaced = new ReplacedSubscriptions({ store, clock, policy: grant, provider, metrics, log });
  checkoutService.onLifetimePayment((anchor) => replaced.settle(anchor, 'server'));
  const refresh = new RefreshService({ store, clock, grant });
  const cancellation = new CancelSubscriptionService({ store, clock, grant, provider, waiters, waitMs: 10_000 });
  const support = new SupportService({ store, clock, grant, checkouts: checkoutService, paypal: client, waiters, waitMs: 8_000 });
  const supportSessions = new SupportSessions({ store, clock, policy: { idleMs: config.support.sessionIdleMs, maxMs: config.support.sessionMaxMs } });
  const transfers = new LicenseTransferService({ store, clock, grant, policy: config.transfers });

  // Offline verification's RSA step runs on a worker thread, started now so the first delivery does not wait for it.
  const signatureWorker = runtime.paypal.verify === 'api' ? undefined : new SignatureWorkerPool();
  signatureWorker?.start();
  const webhookSource = runtime.paypal.webhook;
  let webhookId = 'id' in webhookSource ? webhookSource.id : '';
  // The webhook id is known only once the listener is registered, after listen(); until then nothing verifies.
  const verifierRef: { current?: WebhookVerifier } = {};
  const webhook = new PayPalWebhook({
    verifier: {
      verify: (delivery) =>
        verifierRef.current ? verifierRef.current.verify(delivery) : Promise.resolve({ ok: false, code: 'missing_header', detail: 'server starting' }),
    },
    resolver: new TriggerResolver({ api: client, records: ourRecords(store), providerPlanId: (id) => provider.providerPlanId(id), now: () => clock.now() }),
    checkouts: checkoutService, store, clock, metrics, log, freshnessMs: config.webhookFreshnessMs,
  });
  const reconciliation = config.reconcileIntervalMs === 0 ? undefined : new PeriodicJob({
    name: 'reconcile', store, clock, metrics, log, intervalMs: config.reconcileIntervalMs,
    run: async () => {
      const report = await new Reconciler({
        store, clock, api: client, checkouts: checkoutService, replaced, providerPlanId: (id) => provider.providerPlanId(id),
        metrics, log, batch: config.reconcileBatch, intervalMs: config.reconcileIntervalMs,
      }).runOnce();
      if (report.checkoutsSettled + report.licensesChanged + report.failures > 0) log.info(report, 'reconciliation applied what PayPal shows');
    },
  });

  const expiry = config.expireIntervalMs === 0 ? undefined : new PeriodicJob({
    name: 'expire-checkouts', store, clock, metrics, log, intervalMs: config.expireIntervalMs,
    run: async () => {
      let expired = 0;
      for (let batch = 0; batch < EXPIRY_BATCHES_PER_RUN; batch++) {
        const n = await checkoutService.expireDue(EXPIRY_BATCH);
        expired += n;
        if (n < EXPIRY_BATCH) break;
      }
      metrics.inc('hardbound_checkouts_expired_total', {}, expired);
    },
  });
  metrics.describe('hardbound_checkouts_expired_total', 'Checkouts the expiry job marked expired (their window closed unpaid).');

  let accepting = true;
  metrics.describe('hardbound_http_refused_total', 'Connections and requests refused by a limit before any route ran, by code.');
  metrics.describe('hardbound_checkouts_refused_total', 'Checkout creations refused by a limit, by reason.');
  metrics.describe('hardbound_cert_fetches_total', 'Webhook signing certificate fetches started (each an outbound request).');
  const { app, routes } = await createHttpApp(log, {
    limits: config.http,
    trustedProxies: config.trustedProxies,
    onRefused: (code) => metrics.inc('hardbound_http_refused_total', { code }),
  });
  operationsRoutes(app, {
    plans: config.plans, metrics, store, metricsGuard: metricsGuard(config),
    notReady: () => (accepting ? sharedKeys?.problem() ?? null : 'shutting down'),
  });
  const limitCheckouts = await checkoutRateLimit(app, config.checkoutLimits, (which) =>
    metrics.inc('hardbound_checkouts_refused_total', { reason: `rate_per_${which}` }));
  checkoutRoutes(app, checkoutService, limitCheckouts);
  checkoutPageRoutes(app, checkoutService);
  entitlementRoutes(app, refresh, cancellation, keys.ring);
  webhookRoutes(app, webhook, metrics);
  metrics.describe('hardbound_support_refused_total', 'Support requests refused before any route ran: rate_limited (per token), auth_failure_limited (per address), csrf_rejected.');
  await supportRoutes(app, support, supportSessions, {
    perToken: runtime.supportRateLimit ?? config.support.ratePerToken,
    authFailuresPerClient: config.support.authFailuresPerClient,
    secureCookie: (config.publicUrl ?? '').startsWith('https://'),
    publicOrigin: config.publicUrl ? new URL(config.publicUrl).origin : null,
    publicPathPrefix: config.publicUrl ? new URL(config.publicUrl).pathname.replace(/\/+$/, '') : '',
    store, clock,
    onRefused: (code) => metrics.inc('hardbound_support_refused_total', { code }),
  });
  await supportConsoleRoutes(app, runtime.consoleDir ?? config.support.consoleDir ?? DEFAULT_CONSOLE_DIR);
  await licenseRoutes(app, transfers, runtime.transferRateLimit ?? { max: 20, windowMs: 60_000 });
  // Parked long-polls are answered as soon as shutdown starts, instead of holding it for up to 30 s.
  app.addHook('preClose', async () => {
    accepting = false;
    waiters.close();
    await Promise.all([reconciliation?.stop(), expiry?.stop()]);
  });
  // A request still running when close() starts must not leave its keep-alive connection open afterwards:
  // close() waits for every connection, and an idle one would hold it for the whole keep-alive timeout.
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (!accepting) reply.header('connection', 'close');
    done(null, payload);
  });

  const url = await app.listen({ host: config.host, port: config.port });
  const metricsListener = config.metrics.address
    ? await startMetricsListener(metrics, config.metrics.address).catch(async (error: unknown) => {
        await app.close();
        await signatureWorker?.close();
        await store.close();
        throw new Error(`HARDBOUND_METRICS_ADDRESS: cannot listen (${error instanceof Error ? error.message : String(error)})`);
      })
    : null;
  publicUrl ||= url;
  if ('register' in webhookSource) {
    webhookId = await webhookSource.register(paypalWebhookUrl(publicUrl));
    log.info({ webhookId }, 'registered this server as a webhook listener at the embedded sandbox');
  }
  verifierRef.current = signatureWorker === undefined
    ? new PayPalApiSignatureVerifier(client, webhookId)
    : new PayPalSignatureVerifier({
        webhookId,
        clock,
        worker: signatureWorker,
        ...(runtime.paypal.sandboxOrigin ? { sandboxOrigin: runtime.paypal.sandboxOrigin } : {}),
        ...(runtime.paypal.trustedCaPem ? { trustedCaPem: runtime.paypal.trustedCaPem } : {}),
        onCertFetch: () => metrics.inc('hardbound_cert_fetches_total'),
      });
  reconciliation?.start();
  expiry?.start();

  return {
    url, metricsUrl: metricsListener?.url ?? null, routes, publicUrl, webhookId, store, metrics, support,
    runReconciliation: () => reconciliation?.runIfDue() ?? Promise.resolve('skipped' as const),
    runCheckoutExpiry: () => expiry?.runIfDue() ?? Promise.resolve('skipped' as const),
    close: async () => {
      await metricsListener?.close();
      // Answers parked long-polls, waits for requests in flight (their transactions) and for a job run in
      // progress (its lock is released when it ends), then leaves.
      await app.close();
      await signatureWorker?.close();
      await feed?.close();
      await sharedKeys?.leave();
      await store.close();
    },
  };
}
