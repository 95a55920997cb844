// `npm start`'s decision between the Electron app and the browser preview, and the reasons it prints.
import { describe, expect, it } from 'vitest';
import { findElectronBinary, startupFailure } from '../../launch/electron-binary';

const BINARY = '/app/node_modules/electron/dist/electron';
const probe = (over: Partial<Parameters<typeof findElectronBinary>[0]> = {}) =>
  findElectronBinary({ resolve: () => BINARY, exists: () => true, platform: 'linux', env: { DISPLAY: ':0' }, ...over });

describe('findElectronBinary', () => {
  it('uses the binary the electron package names', () => {
    expect(probe()).toEqual({ ok: true, path: BINARY });
    expect(probe({ platform: 'darwin', env: {} })).toEqual({ ok: true, path: BINARY });
    expect(probe({ env: { WAYLAND_DISPLAY: 'wayland-0' } })).toEqual({ ok: true, path: BINARY });
  });

  it('says the package has no binary when its download was skipped', () => {
    const result = probe({ resolve: () => { throw new Error('Electron failed to install correctly, please delete node_modules/electron and try installing again'); } });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^the electron package has no binary \(Electron failed to install correctly.*\): its install step downloads one from GitHub/);
  });

  it('says where the binary is missing', () => {
    expect(probe({ exists: () => false })).toEqual({ ok: false, reason: `the Electron binary is missing at ${BINARY}; run \`node node_modules/electron/install.js\`` });
  });

  it('says there is no display on Linux without DISPLAY or WAYLAND_DISPLAY', () => {
    expect(probe({ env: {} })).toMatchObject({ ok: false, reason: expect.stringMatching(/no display .*xvfb-run/) });
  });

  it('serves the preview when asked to', () => {
    expect(probe({ env: { DISPLAY: ':0', HARDBOUND_PREVIEW: '1' } })).toEqual({ ok: false, reason: 'HARDBOUND_PREVIEW=1 asks for the browser preview' });
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
