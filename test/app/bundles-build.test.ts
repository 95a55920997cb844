// The three Electron bundles build with the project's electron-vite config, and each comes out in the shape
// Electron needs: ESM main, a self-contained CommonJS preload for the sandboxed renderer, and a renderer page
// under a strict CSP with no inline script. Then `npm start` as a person runs it, which builds the same bundles
// (one file, so the two builds never write out/ at the same time).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

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

describe('npm start', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a short summary with the preview\'s URL, serves the preview, logs in readable lines and stops on Ctrl+C', { timeout: 180_000 }, async () => {
    const env = {
      ...process.env,
      HARDBOUND_PORT: '0',
      HARDBOUND_SANDBOX_PORT: '0',
      HARDBOUND_PREVIEW_PORT: '0',
      HARDBOUND_DATA_DIR: dataDir,
      HARDBOUND_PREVIEW: '1',
      LOG_FORMAT: '',
    };
    // package.json's "start" script is `tsx launch/app.ts`; tsx's loader under this Node is the same thing.
    const child = spawn(process.execPath, ['--import', 'tsx', 'launch/app.ts'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => out, { timeout: 150_000, interval: 200 }).toContain('Ctrl+C stops everything.');
      const preview = /App \(browser preview\)\s+(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out)?.[1];
      expect(preview, out).toBeDefined();
      const page = await fetch(preview as string);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');

      expect(out).toMatch(/PayPal sandbox\s+http:\/\/127\.0\.0\.1:\d+\s+control API under http:\/\/127\.0\.0\.1:\d+\/__sandbox\//);
      expect(out).toMatch(/First: in the app, click "Upgrade to Enterprise"/);
      expect(out).toContain('Electron was not launched: HARDBOUND_PREVIEW=1 asks for the browser preview.');
      expect(out).toMatch(/License token: (kept in the OS keychain|.* kept in a file only you can read)/);
      expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
      expect(out, 'no JSON log lines in the human output').not.toMatch(/^\{"level"/m);
      expect(out, "vite's per-file report stays out of the summary").not.toMatch(/modules transformed/);
      expect(out).not.toMatch(/delete node_modules|DBus|dbus-daemon/);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });
});
