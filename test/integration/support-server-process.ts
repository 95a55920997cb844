// The companion server as a real child process (`hardbound-server serve`), so a test can kill -9 it and start
// it again on the same port and data folder. One node process, no tsx wrapper: SIGKILL must hit the server
// itself, not a parent that would leave it running.
import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ENTRY = 'launch/hardbound-server.ts';
/** Output kept for failure messages: the tail only, so a chatty server cannot grow the test's memory. */
const OUTPUT_TAIL_CHARS = 16_384;

export interface ServerProcess {
  child: ChildProcess;
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
  return { ...clean, ...env };
}

/** Starts `serve` and resolves once it prints its URL; rejects (and kills it) if it exits or takes too long. */
export async function startServerProcess(env: Record<string, string>, timeoutMs: number): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve'], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const deadline = Date.now() + timeoutMs;
  let url: string | undefined;
  while (!(url = /Hardbound server listening at (http:\/\/[\d.:]+)/.exec(output)?.[1])) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new Error(`hardbound-server did not start:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, url, exited, output: () => output };
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
