// The companion server as a real child process (`hardbound-server serve`), so a test can kill -9 it and start
// it again on the same port and data folder. One node process, no tsx wrapper: SIGKILL must hit the server
// itself, not a parent that would leave it running.
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { UNLIMITED_CHECKOUTS } from './harness';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = 'launch/hardbound-server.ts';
/** Output kept for failure messages: the tail only, so a chatty server cannot grow the test's memory. */
const OUTPUT_TAIL_CHARS = 16_384;

export interface ServerProcess {
  child: ChildProcess;
  /** Empty until the server has printed it. */
  url: string;
  /** Resolves when the process has exited, however it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** A port that was free a moment ago on 127.0.0.1 (bound on :0, read, closed). */
export async function freeLoopbackPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The parent's environment without any Hardbound or PayPal setting, plus `env`. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(HARDBOUND_|PAYPAL_|DATABASE_URL$)/.test(k)));
  return { ...clean, HARDBOUND_MODE: 'development', ...UNLIMITED_CHECKOUTS, ...env };
}

/**
 * Starts `serve` processes and kills whatever is left of them at close(), even one still starting when the
 * test gave up: close() also refuses any later start, so no server outlives the test.
 */
export class ServerLauncher {
  private readonly live = new Set<ServerProcess>();
  private closed = false;

  /** Resolves once the server prints its URL; rejects (and kills it) if it exits first or takes too long. */
  async start(env: Record<string, string>, timeoutMs: number): Promise<ServerProcess> {
    if (this.closed) throw new Error('the test is over; no server is started any more');
    const server = spawnServer(env);
    this.live.add(server);
    void server.exited.then(() => this.live.delete(server));
    const deadline = Date.now() + timeoutMs;
    while (!server.url) {
      const ended = server.child.exitCode !== null || server.child.signalCode !== null;
      if (ended || this.closed || Date.now() > deadline) {
        await killServerProcess(server);
        throw new Error(`hardbound-server did not start:\n${server.output()}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return server;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.live].map(killServerProcess));
  }
}

function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve'], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const server: ServerProcess = {
    child,
    url: '',
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
    output: () => output,
  };
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    server.url ||= /Hardbound server listening at (http:\/\/[\d.:]+) /.exec(output)?.[1] ?? '';
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return server;
}

/** SIGTERM (graceful: answers in flight, closes the store), SIGKILL if it has not ended within `timeoutMs`. */
export async function stopServerProcess(server: ServerProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return server.exited;
  server.child.kill('SIGTERM');
  const timer = setTimeout(() => server.child.kill('SIGKILL'), timeoutMs);
  try {
    return await server.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** kill -9: no shutdown hook runs, nothing in flight is answered. */
export async function killServerProcess(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  server.child.kill('SIGKILL');
  await server.exited;
}

/** One `hardbound-server` command run to its end (killed after `timeoutMs`), with its output. */
export async function runCli(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c));
  child.stderr!.on('data', (c: Buffer) => (stderr += c));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}
