// The main window's guards attached to fake webContents and session: navigation lock, new windows,
// webviews, permissions.
import { describe, expect, it } from 'vitest';
import { denyAllPermissions, lockDownMainWindow } from '../../main/electron/main-window';
import { denyPermissionCheck, denyPermissionRequest } from '../../main/electron/security-policy';
import { FakeSession, FakeWebContents } from './windows-fakes';

function setup(openExternalFails = false) {
  const webContents = new FakeWebContents();
  const opened: string[] = [];
  const refused: Array<[string, string]> = [];
  lockDownMainWindow(webContents, {
    externalAllowList: ['https://docs.hardbound.example/'],
    openExternal: async (url) => {
      if (openExternalFails) throw new Error('no browser');
      opened.push(url);
    },
    refused: (what, origin) => refused.push([what, origin]),
  });
  return { webContents, opened, refused };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('main window guards', () => {
  it.each(['will-navigate', 'will-redirect'] as const)('%s stays on app://hardbound/', (event) => {
    const { webContents, refused } = setup();
    expect(webContents.navigate(event, 'app://hardbound/index.html')).toBe(false);
    expect(webContents.navigate(event, 'https://www.paypal.com/checkoutnow')).toBe(true);
    expect(webContents.navigate(event, 'file:///home/user/.ssh/id_ed25519')).toBe(true);
    expect(refused).toEqual([['navigation', 'https://www.paypal.com'], ['navigation', 'null']]);
  });

  it('refuses to attach a webview', () => {
    const { webContents, refused } = setup();
    let prevented = false;
    webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(refused).toEqual([['webview', 'n/a']]);
  });

  it('opens no window; allow-listed links go to the browser', async () => {
    const { webContents, opened, refused } = setup();
    expect(webContents.openHandler?.({ url: 'https://docs.hardbound.example/enterprise' })).toEqual({ action: 'deny' });
    expect(webContents.openHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    await tick();
    expect(opened).toEqual(['https://docs.hardbound.example/enterprise']);
    expect(refused).toEqual([['window', 'https://evil.example']]);
  });

  it('reports an allow-listed link the system could not open', async () => {
    const { webContents, refused } = setup(true);
    webContents.openHandler?.({ url: 'https://docs.hardbound.example/enterprise' });
    await tick();
    expect(refused).toEqual([['window', 'https://docs.hardbound.example']]);
  });

  it('denies every permission on the session', () => {
    const session = new FakeSession('');
    denyAllPermissions(session);
    expect(session.requestHandler).toBe(denyPermissionRequest);
    expect(session.checkHandler).toBe(denyPermissionCheck);
  });
});
