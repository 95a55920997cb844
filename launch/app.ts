// `npm start`: builds the three Electron bundles, starts the local PayPal sandbox and the companion server
// (SQLite in ./data), then opens the desktop app — downloading Electron's binary first if npm install left it
// out — or, where Electron cannot run, says why in one sentence and serves the browser preview (the same
// renderer and license core) instead. It ends with a short summary: what runs where, what to click first.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from '../server/config/env';
import { startServer } from '../server/server';
import { developmentAppEnv } from './app-env';
import { buildElectronBundles, buildSupportConsole } from './build-app';
import { downloadElectronBinary, findElectronBinary, startupFailure, type ElectronBinary } from './electron-binary';
import { resolvePayPal } from './paypal-connection';
import { sellThroughStandIns } from './paystack-standin';
import { startBrowserPreview } from './preview/start-preview';
import { logFormatFromEnv, serverLogger } from './server-log';
import { startSummary } from './start-summary';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
/** An Electron that has not failed within this long is taken to be running; an exit after it is the user quitting. */
const STARTUP_MS = 8_000;
const DEFAULT_PREVIEW_PORT = 8790;

type Launch = { started: true; exited: Promise<void> } | { started: false; reason: string };

function launchElectron(binary: string, appEnv: Record<string, string>): Promise<Launch> {
  return new Promise((resolve) => {
    const child = spawn(binary, [projectRoot], { cwd: projectRoot, env: { ...process.env, ...appEnv }, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => resolve({ started: true, exited }), STARTUP_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ started: false, reason: `Electron could not be started: ${error.message}` });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      // A clean exit at once is a second instance handing over to the first: that is a start, not a failure.
      resolve(code === 0 ? { started: true, exited } : { started: false, reason: startupFailure(code, signal, stderr) });
    });
  });
}

function previewPort(): number {
  const raw = process.env.HARDBOUND_PREVIEW_PORT;
  const port = raw ? Number(raw) : DEFAULT_PREVIEW_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`HARDBOUND_PREVIEW_PORT="${raw}" must be a port number`);
  return port;
}

/** The Electron binary, downloaded now if the package has none yet (see electron-binary.ts for why). */
async function electronBinary(): Promise<ElectronBinary> {
  const probe = { resolve: () => require('electron') as string, exists: existsSync, platform: process.platform, env: process.env };
  const found = findElectronBinary(probe);
  if (found.ok || !found.downloadable) return found;
  const download = await downloadElectronBinary({
    installScript: require.resolve('electron/install.js'),
    env: process.env,
    onStart: () => console.log('Downloading the Electron binary (the first time only, about 100 MB)…'),
  });
  return download.ok ? findElectronBinary(probe) : { ok: false, downloadable: true, reason: download.reason };
}

async function main(): Promise<void> {
  // npm start is a development run whatever HARDBOUND_MODE says: the embedded sandbox and development keys.
  const loaded = configFromEnv(process.env, process.cwd(), { mode: 'development' });
  const logFormat = logFormatFromEnv(process.env);
  const problems = [...('problems' in loaded ? loaded.problems : []), ...(logFormat.ok ? [] : [logFormat.problem])];
  if ('problems' in loaded || !logFormat.ok) {
    console.error(`The configuration has ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(2);
  }
  const config = loaded.config;
  console.log('Building the app (main, preload and renderer bundles) and the support console…');
  buildElectronBundles(projectRoot, { quiet: true });
  buildSupportConsole(projectRoot, { quiet: true });

  const paypal = await resolvePayPal(config);
  const selling = sellThroughStandIns(config, paypal.sandbox);
  const server = await startServer(selling.config, { paypal: paypal.connection, logger: serverLogger({ level: config.logLevel, format: logFormat.format }) });
  selling.afterListen(server.publicUrl);
  const stops: Array<() => Promise<void>> = [() => server.close(), async () => paypal.sandbox?.close()];
  let stopping: Promise<void> | null = null;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const stop of [...stops].reverse()) await stop().catch((error: unknown) => console.error(`while stopping: ${String(error)}`));
    })();
    return stopping;
  };
  const summary = {
    serverUrl: server.url,
    sandboxUrl: paypal.sandbox?.baseUrl ?? paypal.sharedSandboxUrl,
    paystackStandInUrl: paypal.sandbox && selling.config.paystack?.apiBase === paypal.sandbox.paystack.baseUrl ? paypal.sandbox.paystack.baseUrl : null,
    dataDir: config.dataDir,
    logFormat: logFormat.format,
    cwd: process.cwd(),
  };

  const appEnv = await developmentAppEnv(server.url, config.issuer);
  const electron = await electronBinary();
  const launch: Launch = electron.ok ? await launchElectron(electron.path, appEnv) : { started: false, reason: electron.reason };
  if (launch.started) {
    console.log(startSummary({ ...summary, previewUrl: null, electronSkipped: null, keychainFallback: null }));
    process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
    await launch.exited;
    await stopAll();
    return;
  }

  const appDataDir = path.join(config.dataDir, 'app');
  const preview = await startBrowserPreview({ appEnv, rendererDir: path.join(projectRoot, 'out', 'renderer'), dataDir: appDataDir, port: previewPort() });
  stops.push(() => preview.close());
  console.log(
    startSummary({
      ...summary,
      previewUrl: preview.url,
      electronSkipped: launch.reason,
      keychainFallback: preview.storageFallback === null ? null : { reason: preview.storageFallback, dir: appDataDir },
    }),
  );
  const stop = () => void stopAll().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
