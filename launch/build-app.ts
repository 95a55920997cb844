// The three Electron bundles (main, preload, renderer) into out/, with the project's electron-vite config.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export function buildElectronBundles(projectRoot: string): void {
  // The package's own entry script through this Node: works whatever the file mode of node_modules/.bin.
  const cli = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build'], { cwd: projectRoot, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`electron-vite build failed (${result.status === null ? `signal ${result.signal}` : `exit ${result.status}`})`);
}
