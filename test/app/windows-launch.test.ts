// `npm start`'s decision between the Electron app and the browser preview, and the reasons it prints.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downloadElectronBinary, findElectronBinary, firstErrorLine, startupFailure } from '../../launch/electron-binary';

const BINARY = '/app/node_modules/electron/dist/electron';
const probe = (over: Partial<Parameters<typeof findElectronBinary>[0]> = {}) =>
  findElectronBinary({ resolve: () => BINARY, exists: () => true, platform: 'linux', env: { DISPLAY: ':0' }, ...over });

describe('findElectronBinary', () => {
  it('uses the binary the electron package names', () => {
    expect(probe()).toEqual({ ok: true, path: BINARY });
    expect(probe({ platform: 'darwin', env: {} })).toEqual({ ok: true, path: BINARY });
    expect(probe({ env: { WAYLAND_DISPLAY: 'wayland-0' } })).toEqual({ ok: true, path: BINARY });
  });

  it('calls a package without its binary downloadable, without repeating its "delete node_modules" advice', () => {
    const result = probe({ resolve: () => { throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again'); } });
    expect(result).toEqual({ ok: false, downloadable: true, reason: 'the Electron binary has not been downloaded yet' });
  });

  it('says where the binary is missing', () => {
    expect(probe({ exists: () => false })).toEqual({ ok: false, downloadable: true, reason: `the Electron binary is missing at ${BINARY}` });
  });

  it('says there is no display on Linux without DISPLAY or WAYLAND_DISPLAY, before looking for a binary to download', () => {
    const result = probe({ env: {}, resolve: () => { throw new Error('no binary'); } });
    expect(result).toMatchObject({ ok: false, downloadable: false, reason: expect.stringMatching(/no display .*xvfb-run/) });
  });

  it('serves the preview when asked to', () => {
    expect(probe({ env: { DISPLAY: ':0', HARDBOUND_PREVIEW: '1' } })).toEqual({ ok: false, downloadable: false, reason: 'HARDBOUND_PREVIEW=1 asks for the browser preview' });
  });
});

describe('downloadElectronBinary', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-electron-install-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = (name: string, body: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, body);
    return file;
  };
  const ok = script('ok.cjs', 'process.exit(0)');
  const offline = script('offline.cjs', "console.error('RequestError: getaddrinfo ENOTFOUND github.com\\n    at ClientRequest.<anonymous> (got/index.js:970:111)'); process.exit(1)");
  const broken = script('broken.cjs', "console.error('Error: Generated checksum for \"electron.zip\" did not match expected checksum.'); process.exit(1)");
  const reachable = async () => null;

  it('runs the electron package\'s own install script, saying when the download starts', async () => {
    let started = 0;
    expect(await downloadElectronBinary({ installScript: ok, env: {}, reachable, onStart: () => (started += 1) })).toEqual({ ok: true });
    expect(started).toBe(1);
  });

  it('says in one sentence that GitHub cannot be reached, from the script\'s stack trace', async () => {
    expect(await downloadElectronBinary({ installScript: offline, env: {}, reachable })).toEqual({
      ok: false,
      reason: 'this machine cannot reach GitHub, where the Electron binary is downloaded from (getaddrinfo ENOTFOUND github.com)',
    });
  });

  it('does not run the script when github.com does not answer', async () => {
    const hosts: string[] = [];
    let started = 0;
    const outcome = await downloadElectronBinary({ installScript: ok, env: {}, reachable: async (host) => (hosts.push(host), 'connect ETIMEDOUT'), onStart: () => (started += 1) });
    expect(hosts).toEqual(['github.com']);
    expect(started).toBe(0);
    expect(outcome).toEqual({ ok: false, reason: 'this machine cannot reach GitHub, where the Electron binary is downloaded from (connect ETIMEDOUT)' });
  });

  it('leaves the reachability of a mirror or proxy to the script', async () => {
    const unreachable = async () => 'should not be asked';
    expect(await downloadElectronBinary({ installScript: ok, env: { ELECTRON_MIRROR: 'https://mirror.example/' }, reachable: unreachable })).toEqual({ ok: true });
    expect(await downloadElectronBinary({ installScript: ok, env: { HTTPS_PROXY: 'http://proxy:3128' }, reachable: unreachable })).toEqual({ ok: true });
  });

  it('names other failures as they are', async () => {
    expect(await downloadElectronBinary({ installScript: broken, env: {}, reachable })).toEqual({
      ok: false,
      reason: 'the Electron binary could not be downloaded (Generated checksum for "electron.zip" did not match expected checksum.)',
    });
  });

  it('respects ELECTRON_SKIP_BINARY_DOWNLOAD', async () => {
    expect(await downloadElectronBinary({ installScript: ok, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, reachable })).toEqual({
      ok: false,
      reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary is not downloaded',
    });
  });

  it('stops a download that takes too long', async () => {
    const hang = script('hang.cjs', 'setInterval(() => undefined, 1000)');
    const outcome = await downloadElectronBinary({ installScript: hang, env: {}, reachable, timeoutMs: 300 });
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringMatching(/^the Electron binary could not be downloaded \(not finished within/) });
  });

  it('quotes the first error line of a stack trace', () => {
    expect(firstErrorLine('RequestError: getaddrinfo ENOTFOUND github.com\n    at x (y:1:2)\n')).toBe('getaddrinfo ENOTFOUND github.com');
    expect(firstErrorLine('\nsomething odd\n')).toBe('something odd');
    expect(firstErrorLine('')).toBeNull();
  });
});

describe('startupFailure', () => {
  it("quotes the last lines Electron printed", () => {
    const stderr = 'line 1\nline 2\nline 3\nline 4\nline 5\n[123:ERROR] Running as root without --no-sandbox is not supported.\n';
    expect(startupFailure(133, null, stderr)).toBe(
      'Electron exited with code 133 while starting:\n  line 2\n  line 3\n  line 4\n  line 5\n  [123:ERROR] Running as root without --no-sandbox is not supported.',
    );
  });

  it('names a signal and silence', () => {
    expect(startupFailure(null, 'SIGSEGV', '')).toBe('Electron was killed by SIGSEGV while starting and printed nothing');
  });
});
