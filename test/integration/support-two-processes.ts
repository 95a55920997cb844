// Two (or more) `hardbound-server serve` child processes on one throwaway PostgreSQL schema, as a vendor runs
// them behind a load balancer: each with a data folder of its own, all reading one signing-key folder, all
// talking to one sandbox (in the test's process) configured as a remote PayPal. The test calls each process
// directly: no proxy.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { latenciesSince, paymentMoments } from '../../bench/payment-moments';
import { API_PATHS, type CheckoutView, type CreateCheckoutResponse } from '../../common/api';
import { DEFAULT_PLANS } from '../../server/config/plans';
import { generateSigningKey } from '../../server/entitlements';
import { sandboxPlanId, sandboxSeedPlans } from '../../server/providers/paypal/sandbox-plans';
import { openStore, type Store } from '../../server/store/database';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index';
import { createTestSchema, type TestSchema } from '../server/support-pg';
import { newAnchor } from './harness';
import { freeLoopbackPort, ServerLauncher, type ServerProcess } from './support-server-process';
import { SandboxApi } from './support-storm';

export const SERVER_START_MS = 30_000;

export interface ProcessSlot {
  name: string;
  port: number;
  env: Record<string, string>;
  server: ServerProcess;
}

export class TwoProcesses {
  readonly launcher = new ServerLauncher();
  readonly slots = new Map<string, ProcessSlot>();
  private firstWebhookId: string | undefined;

  private constructor(
    readonly sandbox: Sandbox,
    readonly api: SandboxApi,
    readonly schema: TestSchema,
    /** The test's own connection to the shared schema (to read what was committed). */
    readonly store: Store,
    private readonly dirs: string[],
    private readonly keysDir: string,
  ) {}

  static async create(sandboxOptions: SandboxOptions = {}): Promise<TwoProcesses> {
    const sandbox = await startSandbox({ port: 0, plans: sandboxSeedPlans(DEFAULT_PLANS), ...sandboxOptions });
    const schema = await createTestSchema();
    const store = await openStore({ url: schema.url });
    await store.migrate();
    const keysDir = mkdtempSync(path.join(tmpdir(), 'hardbound-keys-'));
    // One development key for every process, made before any starts (as `keys generate` is run once).
    await generateSigningKey(keysDir, undefined, { development: true });
    return new TwoProcesses(sandbox, await SandboxApi.connect(sandbox), schema, store, [keysDir], keysDir);
  }

  /**
   * Starts a process named `name`. `webhooks`: whether PayPal (the sandbox) delivers to it — a listener of its
   * own, whose id it verifies with; one that gets none is configured with the first listener's id (as every
   * process behind one load-balanced URL would be) and serves everything else.
   */
  async start(name: string, options: { webhooks: boolean; env?: Record<string, string> }): Promise<ProcessSlot> {
    const known = this.slots.get(name);
    const port = known?.port ?? (await freeLoopbackPort());
    let env = known?.env;
    if (!env) {
      const dataDir = mkdtempSync(path.join(tmpdir(), `hardbound-${name}-`));
      this.dirs.push(dataDir);
      // Behind a load balancer every process has the one listener's id; here the listener's URL is one process's.
      const webhookId = options.webhooks
        ? await this.api.registerWebhook(`http://127.0.0.1:${port}${API_PATHS.paypalWebhook}`)
        : this.firstWebhookId;
      if (webhookId === undefined) throw new Error('start a process that receives webhooks first');
      this.firstWebhookId ??= webhookId;
      const sb = this.sandbox;
      env = {
        DATABASE_URL: this.schema.url,
        HARDBOUND_PORT: String(port),
        HARDBOUND_DATA_DIR: dataDir,
        HARDBOUND_KEYS_DIR: this.keysDir,
        HARDBOUND_LOG_LEVEL: 'warn',
        HARDBOUND_MAX_CONNECTIONS: '100000',
        PAYPAL_CLIENT_ID: sb.credentials.clientId,
        PAYPAL_CLIENT_SECRET: sb.credentials.clientSecret,
        PAYPAL_WEBHOOK_ID: webhookId,
        PAYPAL_API_BASE: sb.baseUrl,
        PAYPAL_SANDBOX_ORIGIN: sb.baseUrl,
        PAYPAL_SANDBOX_CA_PEM: sb.caCertificatePem,
        PAYPAL_PLAN_IDS: ['enterprise-monthly', 'enterprise-annual'].map((p) => `${p}=${sandboxPlanId(p)}`).join(','),
        ...options.env,
      };
    }
    const server = await this.launcher.start(env, SERVER_START_MS);
    const slot = { name, port, env, server };
    this.slots.set(name, slot);
    return slot;
  }

  url(name: string): string {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no process ${name}`);
    return `http://127.0.0.1:${slot.port}`;
  }

  async close(): Promise<void> {
    await this.launcher.close();
    await this.store.close();
    await this.schema.drop();
    await this.sandbox.close();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}

export async function createCheckout(serverUrl: string, plan = 'enterprise-lifetime'): Promise<CreateCheckoutResponse & { orderId: string }> {
  const res = await fetch(`${serverUrl}${API_PATHS.checkouts}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ anchor: newAnchor(), plan }),
  });
  if (res.status !== 201) throw new Error(`create checkout: ${res.status} ${await res.text()}`);
  const created = (await res.json()) as CreateCheckoutResponse;
  return { ...created, orderId: new URL(created.approveUrl).searchParams.get('token') ?? '' };
}

/** Runs fn over items, at most `limit` at once. */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One long-poll; resolves with the view, or with the error that ended the request. */
export async function longPoll(serverUrl: string, checkout: { checkoutId: string; pollToken: string }, waitSeconds: number): Promise<CheckoutView | Error> {
  try {
    const res = await fetch(`${serverUrl}${API_PATHS.checkout(checkout.checkoutId)}?wait=${waitSeconds}`, { headers: { authorization: `Bearer ${checkout.pollToken}` } });
    if (res.status !== 200) return new Error(`HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as CheckoutView;
  } catch (error) {
    return error as Error;
  }
}

/** A counter or gauge of a process's /metrics (the sum over label sets matching `labels`). */
export async function metric(serverUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${serverUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Commit → answer, in milliseconds, sorted; from PostgreSQL's commit timestamp where it tells it. */
export interface AnswerLatencies {
  /** The headline: from the commit when PostgreSQL tells it, else from the moment the payment was recorded. */
  times: number[];
  basis: 'commit' | 'recorded';
  /** From the moment the payment was recorded; the same as `times` when that is the basis. */
  fromRecorded: number[];
  /** How the headline was measured, for the reader. */
  describeBasis: string;
}

export async function answerLatencies(store: Store, answered: readonly { checkoutId: string; completedAt?: number }[]): Promise<AnswerLatencies> {
  const moments = await paymentMoments(async <T>(text: string) => (await sql.raw<T>(text).execute(store.db)).rows, store.dialect);
  const fromRecorded = latenciesSince(moments.recordedAt, answered);
  if (moments.committedAt === null) {
    return { times: fromRecorded, basis: 'recorded', fromRecorded, describeBasis: `from the moment the payment was recorded, ${moments.noCommitTime}: errs long` };
  }
  return { times: latenciesSince(moments.committedAt, answered), basis: 'commit', fromRecorded, describeBasis: 'from PostgreSQL\'s commit timestamp, taken just before the commit is flushed: errs long, never short' };
}

/** "p50 … ms, p99 … ms, max … ms (basis[; from the moment recorded: …])". */
export function describeLatencies(latencies: AnswerLatencies): string {
  const figures = (sorted: readonly number[]) => `p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`;
  const beside = latencies.basis === 'commit' ? `; from the moment recorded, inside the transaction: ${figures(latencies.fromRecorded)}` : '';
  return `${figures(latencies.times)} (${latencies.describeBasis}${beside})`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
