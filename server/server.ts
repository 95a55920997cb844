// Composition root of the companion server: store, keys, providers, services, HTTP — and graceful shutdown.
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import { MAX_WAIT_SECONDS, type PlansResponse, type ProviderInfo } from '../common/api';
import { systemClock, type Clock } from '../common/clock';
import type { Plan } from '../common/plans';
import { providersFor } from './checkouts/offers';
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
import { PROVIDER_MODULES } from './providers/available';
import type { ProviderHandle, ProviderRuntime } from './providers/context';
import type { PaymentProvider } from './providers/port';
import { ProviderRegistry } from './providers/registry';
import { openStore, type Store } from './store/database';
import { SupportService } from './support/service';
import { ourRecords } from './webhooks/our-records';
import { WebhookPipeline } from './webhooks/pipeline';
import { PeriodicJob } from './jobs/periodic-job';
import { ReplacedSubscriptions } from './licenses/replaced-subscriptions';
import { Reconciler } from './reconciliation/reconciler';
import { keySetOf, SharedKeys } from './jobs/shared-keys';

export type { PayPalConnection } from './providers/paypal/connection';

export interface ServerRuntime extends ProviderRuntime {
  clock?: Clock;
  logger?: Logger;
  /** Support endpoints' rate limit per token (overrides HARDBOUND_SUPPORT_RATE_PER_TOKEN). */
  supportRateLimit?: { max: number; windowMs: number };
  /** The built support console to serve at /support/ (overrides HARDBOUND_SUPPORT_CONSOLE_DIR). */
  consoleDir?: string;
  /** Release and redeem endpoints' rate limit (per client address). */
  transferRateLimit?: { max: number; windowMs: number };
}

export interface RunningServer {
  url: string;
  /** The separate metrics listener's URL (HARDBOUND_METRICS_ADDRESS), or null. */
  metricsUrl: string | null;
  /** Every route served, as registered (GET /openapi.json describes each). */
  routes: readonly ServedRoute[];
  publicUrl: string;
  /** PayPal's id of this server's webhook listener. */
  readonly webhookId: string;
  /** The providers this server sells through. */
  providers: string[];
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
 *  wakes it; on PostgreSQL other processes' changes arrive through the change feed, which loses nothing on a
 *  connection that stays up (a lost one re-reads every parked poll when it is back), so the re-read is only the
 *  fallback: none within a wait while the feed is up — the app's own re-poll reads at least as often — and every
 *  second while it is down. Thousands of waiting apps then cost one read each per wait. */
function recheckMs(store: Store, feed: { connected: boolean } | null): number {
  if (store.dialect === 'sqlite') return 5_000;
  return feed?.connected ? MAX_WAIT_SECONDS * 1000 : 1_000;
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
    poolSize: config.databasePoolSize,
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

  const handles: ProviderHandle[] = [];
  for (const module of PROVIDER_MODULES) {
    const handle = module.create({ config, runtime, clock, log, metrics, records: (provider) => ourRecords(store, provider) });
    if (handle) handles.push(handle);
  }
  const providers = new ProviderRegistry(handles.map((h) => h.provider));
  const closeProviders = async () => {
    for (const handle of handles) await handle.close?.();
  };
  const grant: GrantPolicy = {
    authority: { keyRing: keys.ring, issuer: config.issuer },
    pastDueGraceMs: config.pastDueGraceMs,
    refreshWindowMs: config.entitlementTtlMs,
    plans: config.plans,
  };

  let publicUrl = config.publicUrl ?? '';
  const checkoutService = new CheckoutService({
    store, clock, providers, waiters, plans: config.plans, publicUrl: () => publicUrl, brandName: config.brandName,
    checkoutTtlMs: config.checkoutTtlMs, openPerAnchor: config.checkoutLimits.openPerAnchor, grant, metrics, log, recheckMs: () => recheckMs(store, feed),
  });
  const replaced = new ReplacedSubscriptions({ store, clock, policy: grant, providers, metrics, log });
  checkoutService.onLifetimePayment((anchor) => replaced.settle(anchor, 'server'));
  const refresh = new RefreshService({ store, clock, grant });
  const cancellation = new CancelSubscriptionService({ store, clock, grant, providers, waiters, waitMs: 10_000 });
  const support = new SupportService({ store, clock, grant, checkouts: checkoutService, providers, waiters, waitMs: 8_000 });
  const supportSessions = new SupportSessions({ store, clock, policy: { idleMs: config.support.sessionIdleMs, maxMs: config.support.sessionMaxMs } });
  const transfers = new LicenseTransferService({ store, clock, grant, policy: config.transfers });

  const pipelines = new Map(providers.all.map((provider) => [provider.name, new WebhookPipeline(provider, { checkouts: checkoutService, store, clock, metrics, log })]));
  const reconciliation = config.reconcileIntervalMs === 0 ? undefined : new PeriodicJob({
    name: 'reconcile', store, clock, metrics, log, intervalMs: config.reconcileIntervalMs,
    run: async () => {
      const report = await new Reconciler({
        store, clock, providers, checkouts: checkoutService, replaced,
        metrics, log, batch: config.reconcileBatch, intervalMs: config.reconcileIntervalMs,
      }).runOnce();
      if (report.checkoutsSettled + report.licensesChanged + report.failures > 0) log.info(report, 'reconciliation applied what the providers show');
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
  const { app, routes } = await createHttpApp(log, {
    limits: config.http,
    trustedProxies: config.trustedProxies,
    onRefused: (code) => metrics.inc('hardbound_http_refused_total', { code }),
  });
  operationsRoutes(app, {
    plans: () => plansOnOffer(config.plans, providers), metrics, store, metricsGuard: metricsGuard(config),
    notReady: () => (accepting ? sharedKeys?.problem() ?? null : 'shutting down'),
  });
  const limitCheckouts = await checkoutRateLimit(app, config.checkoutLimits, (which) =>
    metrics.inc('hardbound_checkouts_refused_total', { reason: `rate_per_${which}` }));
  checkoutRoutes(app, checkoutService, limitCheckouts);
  checkoutPageRoutes(app, checkoutService);
  entitlementRoutes(app, refresh, cancellation, keys.ring);
  webhookRoutes(app, pipelines, metrics);
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
        await closeProviders();
        await store.close();
        throw new Error(`HARDBOUND_METRICS_ADDRESS: cannot listen (${error instanceof Error ? error.message : String(error)})`);
      })
    : null;
  publicUrl ||= url;
  for (const handle of handles) await handle.afterListen?.(publicUrl);
  reconciliation?.start();
  expiry?.start();

  return {
    url, metricsUrl: metricsListener?.url ?? null, routes, publicUrl, store, metrics, support, providers: providers.names,
    get webhookId() {
      return handles.find((h) => h.provider.name === 'paypal')?.webhookId?.() ?? '';
    },
    runReconciliation: () => reconciliation?.runIfDue() ?? Promise.resolve('skipped' as const),
    runCheckoutExpiry: () => expiry?.runIfDue() ?? Promise.resolve('skipped' as const),
    close: async () => {
      await metricsListener?.close();
      // Answers parked long-polls, waits for requests in flight (their transactions) and for a job run in
      // progress (its lock is released when it ends), then leaves.
      await app.close();
      await closeProviders();
      await feed?.close();
      await sharedKeys?.leave();
      await store.close();
    },
  };
}

/** GET /v1/plans: the plans some provider here sells, each naming its providers, and those providers once. */
function plansOnOffer(plans: readonly Plan[], registry: ProviderRegistry): PlansResponse {
  const used = new Map<string, PaymentProvider>();
  const offered = plans.flatMap((plan) => {
    const providers = providersFor(plan, registry);
    for (const p of providers) used.set(p.name, p);
    return providers.length === 0 ? [] : [{ ...plan, providers: providers.map((p) => p.name) }];
  });
  const info = [...used.values()].map((p): ProviderInfo => ({ id: p.name, name: p.displayName, requiresEmail: p.requiresEmail, checkoutHosts: [...p.checkoutHosts] }));
  return { plans: offered, providers: info };
}
