// Shared by the benches: child processes (sandbox, one or several servers, bare node:http), a closed-loop load
// runner on the keep-alive client, the machine's own limits, the servers' store (the SQLite file, or a throwaway
// PostgreSQL schema), and printing.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, verify, type KeyObject } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { generateSigningKey } from '../server/entitlements';
import { encodeRequest, KeepAliveConnection, type HttpAnswer } from './http-client';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHILD_STOP_MS = 15_000;

// ---------------------------------------------------------------------------------------------- processes

export interface Child {
  readonly pid: number;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A bench that dies half-way must not leave its children listening.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function track(child: ChildProcess): Child {
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? -1,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_STOP_MS);
        await exited;
        clearTimeout(timer);
      }
      running.delete(child);
    },
  };
}

function tsxArgs(script: string, args: string[]): string[] {
  return ['--import', 'tsx', path.join(ROOT, script), ...args];
}

/** Starts a bench child that prints one JSON line when ready; its later output is discarded. */
export async function startJsonChild<T>(script: string, timeoutMs = 30_000): Promise<{ child: Child; info: T }> {
  const proc = spawn(process.execPath, tsxArgs(script, []), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const child = track(proc);
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${script} printed nothing within ${timeoutMs} ms`)), timeoutMs);
    proc.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      proc.stdout?.removeAllListeners('data');
      proc.stdout?.resume();
      resolve(text.slice(0, end));
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
  }).catch(async (error: unknown) => {
    await child.stop();
    throw error;
  });
  return { child, info: JSON.parse(line) as T };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it was ready`);
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

// ---------------------------------------------------------------------------------------------- the stack

export interface SandboxInfo {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  caPem: string;
  planIds: string;
}

export type StoreKind = 'sqlite' | 'postgres';

export interface ServerInfo { url: string; port: number; pid: number }

export interface Stack {
  sandbox: SandboxInfo & { token: string };
  /** The first server process: the one PayPal's webhooks reach. */
  server: ServerInfo;
  /** Every server process, the first one first. */
  servers: ServerInfo[];
  store: StoreKind;
  webhookId: string;
  /** A read of committed rows through a connection of the bench's own (SQLite: read-only; PostgreSQL: the schema). */
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** Where PostgreSQL benches make their throwaway schema (the tests' database by default). */
export const BENCH_POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? process.env.HARDBOUND_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** `--name value` from the command line (npm run bench:… -- --name value). */
export function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

export function storeArgument(): StoreKind {
  const store = argument('store') ?? 'sqlite';
  if (store !== 'sqlite' && store !== 'postgres') throw new Error(`--store must be sqlite or postgres, got ${store}`);
  return store;
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Sandbox in one child process, the server(s) in others — configured as against a remote PayPal, with the
 * webhook listener id the sandbox gave `listenerUrl` (the first server's port) — on SQLite (WAL,
 * synchronous=FULL) in a temp folder, or on a throwaway PostgreSQL schema that every server process shares
 * (with one signing-key folder, as a deployment of several processes has).
 */
export async function startStack(listenerUrl: (serverPort: number) => string, options: { store?: StoreKind; processes?: number } = {}): Promise<Stack> {
  const store = options.store ?? 'sqlite';
  const processes = options.processes ?? 1;
  if (store === 'sqlite' && processes > 1) throw new Error('several server processes need --store postgres');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-bench-'));
  const schema = store === 'postgres' ? `hb_bench_${randomBytes(6).toString('hex')}` : null;
  const children: Child[] = [];
  let pool: pg.Pool | undefined;
  const cleanUp = async () => {
    for (const child of children.reverse()) await child.stop();
    await pool?.end();
    if (schema) await adminQuery(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    let databaseUrl: string | undefined;
    if (schema) {
      await adminQuery(`create schema ${schema}`);
      const scoped = new URL(BENCH_POSTGRES_URL);
      scoped.searchParams.set('options', `-c search_path=${schema}`);
      databaseUrl = scoped.toString();
      pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    }
    const keysDir = path.join(dataDir, 'keys');
    await generateSigningKey(keysDir, undefined, { development: true });
    const sandboxChild = await startJsonChild<SandboxInfo>('bench/sandbox-process.ts');
    children.push(sandboxChild.child);
    const sandbox = sandboxChild.info;
    const token = await sandboxToken(sandbox);
    const ports: number[] = [];
    for (let i = 0; i < processes; i++) ports.push(await freePort());
    const listener = await jsonCall<{ id: string }>(sandbox.baseUrl, token, 'POST', '/v1/notifications/webhooks', {
      url: listenerUrl(ports[0] as number),
      event_types: [{ name: '*' }],
    });

    const servers: ServerInfo[] = [];
    for (const [i, port] of ports.entries()) {
      const server = await startServerChild({ dataDir, keysDir, index: i, port, databaseUrl, sandbox, webhookId: listener.id });
      children.push(server.child);
      servers.push(server.info);
    }
    const query = async <T>(text: string, params: unknown[] = []): Promise<T[]> => {
      if (pool) return (await pool.query(text, params)).rows as T[];
      return readCommitted(path.join(dataDir, 'hardbound.db'), (db) => db.prepare(text).all(...params) as T[]);
    };
    return { sandbox: { ...sandbox, token }, server: servers[0] as ServerInfo, servers, store, webhookId: listener.id, query, stop: cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

async function startServerChild(options: {
  dataDir: string; keysDir: string; index: number; port: number; databaseUrl: string | undefined; sandbox: SandboxInfo; webhookId: string;
}): Promise<{ child: Child; info: ServerInfo }> {
  const { dataDir, keysDir, index, port, databaseUrl, sandbox } = options;
  {
    // Each server logs as in production (level info unless HARDBOUND_LOG_LEVEL says otherwise), to a file.
    const logFile = path.join(dataDir, `server-${index}.log`);
    const log = openSync(logFile, 'a');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HARDBOUND_MODE: 'development',
      // The benches buy thousands of times from one address: the limits are measured elsewhere.
      HARDBOUND_CHECKOUT_RATE_PER_CLIENT: '1000000/1m',
      HARDBOUND_CHECKOUT_RATE_PER_ANCHOR: '1000000/1m',
      HARDBOUND_OPEN_CHECKOUTS_PER_ANCHOR: '1000000',
      HARDBOUND_MAX_CONNECTIONS: '100000',
      HARDBOUND_PORT: String(port),
      HARDBOUND_DATA_DIR: dataDir,
      HARDBOUND_KEYS_DIR: keysDir,
      PAYPAL_CLIENT_ID: sandbox.clientId,
      PAYPAL_CLIENT_SECRET: sandbox.clientSecret,
      PAYPAL_WEBHOOK_ID: options.webhookId,
      PAYPAL_API_BASE: sandbox.baseUrl,
      PAYPAL_SANDBOX_ORIGIN: sandbox.baseUrl,
      PAYPAL_SANDBOX_CA_PEM: sandbox.caPem,
      PAYPAL_PLAN_IDS: sandbox.planIds,
    };
    if (databaseUrl) env.DATABASE_URL = databaseUrl;
    else delete env.DATABASE_URL; // the SQLite default, in the data folder
    const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const proc = spawn(process.execPath, [...nodeArgs, ...tsxArgs('launch/hardbound-server.ts', ['serve'])], { cwd: ROOT, env, stdio: ['ignore', log, log] });
    closeSync(log);
    const child = track(proc);
    const url = `http://127.0.0.1:${port}`;
    await waitUntilReady(`${url}/readyz`, proc, 60_000).catch(async (error: Error) => {
      await child.stop();
      throw new Error(`${error.message}; the server's output:\n${readFileSync(logFile, 'utf8').slice(-4_000)}`);
    });
    return { child, info: { url, port, pid: child.pid } };
  }
}

async function sandboxToken(sandbox: SandboxInfo): Promise<string> {
  const res = await fetch(`${sandbox.baseUrl}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${sandbox.clientId}:${sandbox.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (res.status !== 200) throw new Error(`sandbox token: HTTP ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** A JSON call for set-up (not measured): to the sandbox's REST or control API, or to the server. */
export async function jsonCall<T>(base: string, token: string | null, method: string, pathname: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${pathname}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Runs fn over items with at most `limit` at once (set-up work). */
export async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------- load

export interface LoadResult {
  sent: number;
  answered: number;
  /** Requests whose connection failed before an answer came. */
  failed: number;
  elapsedMs: number;
  statuses: Map<number, number>;
}

export { encodeRequest, KeepAliveConnection };

/**
 * Closed loop: `connections` keep-alive connections, each sending the next not-yet-sent request as soon as
 * its previous one is answered, until every request is sent once or the time limit passes.
 */
export async function closedLoop(
  port: number,
  requests: readonly Buffer[],
  options: { connections: number; timeLimitMs: number; onAnswer?: (index: number, answer: HttpAnswer) => void },
): Promise<LoadResult> {
  const connections = await Promise.all(Array.from({ length: options.connections }, () => KeepAliveConnection.open(port)));
  const result: LoadResult = { sent: 0, answered: 0, failed: 0, elapsedMs: 0, statuses: new Map() };
  const started = performance.now();
  const deadline = started + options.timeLimitMs;
  let next = 0;
  const worker = async (slot: number) => {
    let connection = connections[slot] as KeepAliveConnection;
    while (next < requests.length && performance.now() < deadline) {
      const index = next++;
      result.sent++;
      try {
        const answer = await connection.send(requests[index] as Buffer);
        result.answered++;
        result.statuses.set(answer.status, (result.statuses.get(answer.status) ?? 0) + 1);
        options.onAnswer?.(index, answer);
      } catch {
        result.failed++;
        connection.close();
        connection = await KeepAliveConnection.open(port);
        connections[slot] = connection;
      }
    }
  };
  await Promise.all(connections.map((_, slot) => worker(slot)));
  result.elapsedMs = performance.now() - started;
  for (const connection of connections) connection.close();
  return result;
}

// ---------------------------------------------------------------------------------------------- limits

/** RSA-SHA256 verifications per second on this thread (one core), checked to succeed. */
export function rsaVerifyPerSecond(publicKey: KeyObject, message: Buffer, signature: Buffer, durationMs = 1_000): number {
  let count = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 100; i++) {
      if (!verify('sha256', message, publicKey, signature)) throw new Error('the reference signature does not verify');
    }
    count += 100;
    elapsed = performance.now() - started;
  }
  return (count / elapsed) * 1000;
}

/** The soft limit on open files for this process's children (each long-poll costs a descriptor per side). */
export function openFileLimit(): number {
  try {
    return Number(execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim()) || 1024;
  } catch {
    return 1024;
  }
}

/**
 * CPU time (user + system) a process has used so far, from /proc (Linux; undefined elsewhere). On a shared
 * machine the throughput also depends on what else runs; CPU spent per request does much less.
 */
export function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime: fields 14 and 15 of the whole line
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * How long a process's main thread has waited, runnable, for a CPU (Linux /proc/<pid>/schedstat; undefined
 * elsewhere): on a machine shared with other work this is time the server wanted to run and could not.
 */
export function runQueueWaitMs(pid: number): number | undefined {
  return schedstatMs(pid, 1);
}

/** Time a process's main thread (the event loop) has spent on a CPU; Linux only, like runQueueWaitMs. */
export function mainThreadCpuMs(pid: number): number | undefined {
  return schedstatMs(pid, 0);
}

function schedstatMs(pid: number, field: 0 | 1): number | undefined {
  try {
    const ns = Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[field]);
    return Number.isFinite(ns) ? ns / 1e6 : undefined;
  } catch {
    return undefined;
  }
}

const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

// ---------------------------------------------------------------------------------------------- the store

/** Reads the server's SQLite file through a read-only connection of its own: sees only committed rows. */
export function readCommitted<T>(databasePath: string, read: (db: Database.Database) => T): T {
  const db = new Database(databasePath, { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------------- printing

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Cores and load: the benches share the machine with whatever else runs, and say so. */
export function machineLine(): string {
  const load = loadavg().map((l) => l.toFixed(1)).join(' ');
  return `machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), load average ${load} at start, node ${process.version}`;
}

export const perSecond = (n: number): string => `${Math.round(n).toLocaleString('en-US')}/s`;
export const millis = (ms: number): string => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

export function printTable(title: string, rows: readonly (readonly [string, string, string?])[]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  console.log(`\n${title}`);
  for (const [label, value, note] of rows) console.log(`  ${label.padEnd(width)}  ${value.padStart(valueWidth)}${note ? `  ${note}` : ''}`);
}

/** Deterministic shuffle (the same mix order every run). */
export function shuffled<T>(items: readonly T[], seed = 42): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
