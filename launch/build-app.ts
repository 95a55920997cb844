// The three Electron bundles (main, preload, renderer) into out/, with the project's electron-vite config; the support console into out/console.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** `quiet`: vite's per-file report is kept back and shown only if the build fails (npm start's own summary stays short). */
export function buildElectronBundles(projectRoot: string, options: { quiet?: boolean } = {}): void {
  // The package's own entry script through this Node: works whatever the file mode of node_modules/.bin.
  const cli = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: projectRoot, stdio: options.quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (result.status === 0) return;
  if (options.quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  throw new Error(`electron-vite build failed (${result.status === null ? `signal ${result.signal}` : `exit ${result.status}`})`);
}

/** The support console (console.vite.config.ts) into out/console, which the server serves at /support/. */
export function buildSupportConsole(projectRoot: string, options: { quiet?: boolean } = {}): void {
  const cli = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [cli, 'build', '--config', 'console.vite.config.ts'], { cwd: projectRoot, stdio: options.quiet ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (result.status === 0) return;
  if (options.quiet) process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
  throw new Error(`the support console's vite build failed (${result.status === null ? `signal ${result.signal}` : `exit ${result.status}`})`);
}
