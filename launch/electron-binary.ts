// Whether `npm start` can open the real Electron app here, and if not, why — in one sentence. The electron
// package ships no binary: its install script downloads one from GitHub. package.json's allowScripts denies
// that script, so that `npm install` never fails (or hangs) on a machine that cannot reach GitHub; `npm start`
// downloads the binary itself instead, the first time it is needed, and carries on with the browser preview
// when that is not possible.
import { spawn } from 'node:child_process';
import { connect } from 'node:net';

export type ElectronBinary =
  | { ok: true; path: string }
  /** `downloadable`: the package has no binary yet, which a download (downloadElectronBinary) can fix. */
  | { ok: false; downloadable: boolean; reason: string };

export interface ElectronProbe {
  /** require('electron') in Node: the binary's path, or a throw while the package has none. */
  resolve(): string;
  exists(path: string): boolean;
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
}

export function findElectronBinary(probe: ElectronProbe): ElectronBinary {
  if (probe.env.HARDBOUND_PREVIEW === '1') return { ok: false, downloadable: false, reason: 'HARDBOUND_PREVIEW=1 asks for the browser preview' };
  // Checked first: without a display there is no point in fetching a binary that could not open a window.
  if (probe.platform === 'linux' && !probe.env.DISPLAY && !probe.env.WAYLAND_DISPLAY) {
    return { ok: false, downloadable: false, reason: 'there is no display to open a window on (DISPLAY and WAYLAND_DISPLAY are unset); run it in a desktop session or under xvfb-run' };
  }
  let binary: string;
  try {
    binary = probe.resolve();
  } catch {
    // The package's own message ("delete node_modules/electron and try installing again") is wrong advice here:
    // nothing is broken, the binary was simply never downloaded.
    return { ok: false, downloadable: true, reason: 'the Electron binary has not been downloaded yet' };
  }
  if (!probe.exists(binary)) return { ok: false, downloadable: true, reason: `the Electron binary is missing at ${binary}` };
  return { ok: true, path: binary };
}

/** The last lines Electron wrote before it gave up, for the message that says why it could not start. */
export function startupFailure(code: number | null, signal: string | null, stderr: string): string {
  const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
  const tail = stderr.trim().split('\n').slice(-5).join('\n  ');
  return `Electron ${how} while starting${tail ? `:\n  ${tail}` : ' and printed nothing'}`;
}

export type DownloadOutcome = { ok: true } | { ok: false; reason: string };

export interface DownloadOptions {
  /** node_modules/electron/install.js: the package's own downloader (checksums, cache, mirrors, path.txt). */
  installScript: string;
  env: Record<string, string | undefined>;
  /** Whether the download host answers at all, so a firewall that drops packets costs seconds, not minutes. */
  reachable?: (host: string) => Promise<string | null>;
  /** Called once the download really starts (it takes a while: worth telling the person waiting). */
  onStart?: () => void;
  timeoutMs?: number;
}

const DOWNLOAD_HOST = 'github.com';
const DOWNLOAD_TIMEOUT_MS = 15 * 60_000;
/** Settings under which electron's downloader goes elsewhere than github.com (a mirror or a proxy). */
const ELSEWHERE = ['ELECTRON_MIRROR', 'electron_config_mirror', 'npm_config_electron_mirror', 'ELECTRON_GET_USE_PROXY', 'HTTPS_PROXY', 'https_proxy', 'GLOBAL_AGENT_HTTPS_PROXY'];

/** Runs the electron package's own install script — the step package.json's allowScripts keeps out of `npm install`. */
export async function downloadElectronBinary(options: DownloadOptions): Promise<DownloadOutcome> {
  if (options.env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary is not downloaded' };
  if (!ELSEWHERE.some((name) => options.env[name])) {
    const problem = await (options.reachable ?? canConnect)(DOWNLOAD_HOST);
    if (problem !== null) return { ok: false, reason: unreachable(problem) };
  }
  options.onStart?.();
  const run = await runScript(options.installScript, options.env, options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  if (run.ok) return run;
  return { ok: false, reason: /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH/.test(run.reason) ? unreachable(run.reason) : `the Electron binary could not be downloaded (${run.reason})` };
}

function unreachable(detail: string): string {
  return `this machine cannot reach GitHub, where the Electron binary is downloaded from (${detail})`;
}

function runScript(script: string, env: Record<string, string | undefined>, timeoutMs: number): Promise<DownloadOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    const timer = setTimeout(() => child.kill(), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: error.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else resolve({ ok: false, reason: signal ? `not finished within ${Math.round(timeoutMs / 1000)} s` : firstErrorLine(stderr) ?? `exit ${code}` });
    });
  });
}

/** "RequestError: getaddrinfo ENOTFOUND github.com\n    at …" → "getaddrinfo ENOTFOUND github.com". */
export function firstErrorLine(stderr: string): string | null {
  const line = stderr.split('\n').find((l) => /^\s*\w*Error\b/.test(l)) ?? stderr.split('\n').find((l) => l.trim() !== '');
  return line ? line.trim().replace(/^\w*Error:\s*/, '') : null;
}

function canConnect(host: string, timeoutMs = 5_000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 443, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(`no answer from ${host} within ${timeoutMs / 1000} s`);
    });
    socket.once('error', (error) => resolve(error.message));
  });
}
