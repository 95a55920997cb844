// `npm start`: builds the three Electron bundles, starts the local PayPal sandbox and the companion server
// (SQLite in ./data), then opens the desktop app — or, where Electron cannot run, says exactly why and
// serves the browser preview (the same renderer and license core) instead.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromEnv } from '../server/config/env';
import { startServer } from '../server/server';
import { developmentAppEnv } from './app-env';
import { buildElectronBundles } from './build-app';
import { findElectronBinary, startupFailure } from './electron-binary';
import { resolvePayPal } from './paypal-connection';
import { startBrowserPreview } from './preview/start-preview';

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

async function main(): Promise<void> {
  // npm start is a development run whatever HARDBOUND_MODE says: the embedded sandbox and development keys.
  const loaded = configFromEnv(process.env, process.cwd(), { mode: 'development' });
  if ('problems' in loaded) {
    console.error(`The server configuration has ${loaded.problems.length} problem(s):\n${loaded.problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(2);
  }
  const config = loaded.config;
  console.log('Building the app (electron-vite build: main, preload, renderer)…');
  buildElectronBundles(projectRoot);

  const paypal = await resolvePayPal(config);
  const server = await startServer(config, { paypal: paypal.connection });
  const stops: Array<() => Promise<void>> = [() => server.close(), async () => paypal.sandbox?.close()];
  let stopping: Promise<void> | null = null;
  const stopAll = () => {
    stopping ??= (async () => {
      for (const stop of [...stops].reverse()) await stop().catch((error: unknown) => console.error(`while stopping: ${String(error)}`));
    })();
    return stopping;
  };
  console.log(`Hardbound server at ${server.url}${paypal.sandbox ? `, PayPal sandbox at ${paypal.sandbox.baseUrl}` : ''}; data in ${config.dataDir}`);
  console.log('Development mode: development signing keys, PayPal set-up not checked; deploy with `hardbound-server serve` (see README, "Deployment").');

  const appEnv = await developmentAppEnv(server.url, config.issuer, paypal.sandbox?.baseUrl ?? null);
  const electron = findElectronBinary({ resolve: () => require('electron') as string, exists: existsSync, platform: process.platform, env: process.env });
  const launch: Launch = electron.ok ? await launchElectron(electron.path, appEnv) : { started: false, reason: electron.reason };
  if (launch.started) {
    console.log('Electron is running; quit the app to stop the server and sandbox.');
    process.once('SIGINT', () => void stopAll().then(() => process.exit(0)));
    await launch.exited;
    await stopAll();
    return;
  }

  console.log(`\nElectron cannot be used here: ${launch.reason}\nServing the browser preview instead (same renderer, same license core).`);
  const preview = await startBrowserPreview({
    appEnv,
    rendererDir: path.join(projectRoot, 'out', 'renderer'),
    dataDir: path.join(config.dataDir, 'app'),
    port: previewPort(),
  });
  stops.push(() => preview.close());
  if (preview.storageFallback) console.log(`License storage: no OS keychain (${preview.storageFallback}); the token is kept in ${path.join(config.dataDir, 'app')}`);
  console.log(`\nBrowser preview: ${preview.url}\n(The PayPal checkout opens in a new tab. Ctrl+C stops everything.)`);
  const stop = () => void stopAll().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`npm start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
