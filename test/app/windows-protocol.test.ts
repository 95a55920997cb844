// app:// serving the built renderer: path resolution (traversal refused), headers, methods.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appProtocolHandler, PRIVILEGED_SCHEMES, resolveAppPath } from '../../main/electron/protocol';
import { MAIN_CSP } from '../../main/electron/security-policy';

const ROOT = '/srv/app/out/renderer';

describe('resolveAppPath', () => {
  it.each([
    ['app://hardbound/', `${ROOT}/index.html`],
    ['app://hardbound/index.html', `${ROOT}/index.html`],
    ['app://hardbound/assets/index-abc.js', `${ROOT}/assets/index-abc.js`],
    ['app://hardbound/assets/a%20b.css', `${ROOT}/assets/a b.css`],
    ['app://hardbound/assets/../index.html', `${ROOT}/index.html`],
    ['app://hardbound/index.html?x=1#top', `${ROOT}/index.html`],
    // The URL parser removes dot segments (encoded ones too) and clamps them at the root.
    ['app://hardbound/%2e%2e/%2e%2e/secret.js', `${ROOT}/secret.js`],
  ])('%s → %s', (url, file) => {
    expect(resolveAppPath(ROOT, url)).toEqual({ ok: true, file });
  });

  it.each([
    ['app://hardbound/%2e%2e%2fsecret.js', 403],
    ['app://hardbound/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fmain%2findex.js', 403],
    ['app://hardbound/%2e%2e%2f%2e%2e%2fetc%2fpasswd.html', 403],
    ['app://hardbound/..%5c..%5csecret.js', 400],
    ['app://hardbound/index.html%00.png', 400],
    ['app://hardbound/%E0%A4%A', 400],
    ['app://other/index.html', 404],
    ['https://hardbound/index.html', 404],
    ['app://hardbound/assets/', 404],
    ['app://hardbound/secret.key', 404],
    ['::not a url', 400],
  ])('refuses %s with %i', (url, status) => {
    expect(resolveAppPath(ROOT, url)).toEqual({ ok: false, status });
  });
});

describe('app protocol handler', () => {
  let root: string;
  let outside: string;
  let handler: (request: Request) => Promise<Response>;

  beforeAll(async () => {
    outside = await mkdtemp(path.join(tmpdir(), 'hardbound-protocol-'));
    root = path.join(outside, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Hardbound</title>');
    await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(path.join(outside, 'secret.js'), 'leaked');
    handler = appProtocolHandler(root);
  });
  afterAll(async () => {
    await rm(outside, { recursive: true, force: true });
  });

  it('serves files with their type, the CSP and nosniff', async () => {
    const page = await handler(new Request('app://hardbound/'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(MAIN_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Hardbound</title>');
    const script = await handler(new Request('app://hardbound/assets/index-abc.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it('never serves a file outside the renderer build', async () => {
    const response = await handler(new Request('app://hardbound/%2e%2e%2fsecret.js'));
    expect(response.status).toBe(403);
    expect(await response.text()).toBe('');
    expect(response.headers.get('content-security-policy')).toBe(MAIN_CSP);
  });

  it('answers 404 for a missing file and 405 for writes', async () => {
    expect((await handler(new Request('app://hardbound/assets/missing.js'))).status).toBe(404);
    expect((await handler(new Request('app://hardbound/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('answers HEAD without a body', async () => {
    const response = await handler(new Request('app://hardbound/index.html', { method: 'HEAD' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('registers app: as standard and secure only', () => {
    expect(PRIVILEGED_SCHEMES).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
  });
});
