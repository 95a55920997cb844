// The three Electron bundles build with the project's electron-vite config (issue 4, "Running it"), and each
// comes out in the shape Electron needs: ESM main, a self-contained CommonJS preload for the sandboxed
// renderer, and a renderer page under a strict CSP with no inline script.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);

describe('electron-vite build', () => {
  it('builds main, preload and renderer into out/', { timeout: 180_000 }, () => {
    const cli = path.join(path.dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js');
    const run = spawnSync(process.execPath, [cli, 'build'], { cwd: root, encoding: 'utf8' });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);

    const main = path.join(root, 'out/main/index.js');
    const preload = path.join(root, 'out/preload/index.cjs');
    const page = path.join(root, 'out/renderer/index.html');
    for (const file of [main, preload, page]) expect(existsSync(file), file).toBe(true);

    const preloadCode = readFileSync(preload, 'utf8');
    expect(preloadCode).toMatch(/exposeInMainWorld\(\s*["']hardbound["']/);
    expect(preloadCode).not.toMatch(/^\s*import\s/m);
    expect(preloadCode).not.toMatch(/require\(["'](?!electron["'])[^"']+["']\)/);

    const html = readFileSync(page, 'utf8');
    expect(html).toMatch(/Content-Security-Policy/);
    expect(html).toMatch(/default-src 'self'/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(readFileSync(main, 'utf8')).toMatch(/from ["']electron["']|require\(["']electron["']\)/);
  });
});
