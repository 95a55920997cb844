// The isolated checkout window driven through fakes: how each road ends the flow, what is blocked, and
// that the outcome resolves once and the window closes once.
import { describe, expect, it } from 'vitest';
import { ElectronCheckoutWindowOpener, type CheckoutNotice } from '../../main/electron/checkout-window';
import { denyPermissionCheck, denyPermissionRequest } from '../../main/electron/security-policy';
import type { CheckoutWindowOutcome } from '../../main/license/ports';
import { FakeBrowserWindow, FakeSession } from './windows-fakes';

const REQUEST = {
  approveUrl: 'http://127.0.0.1:8788/checkoutnow?token=5O190127TN364715T',
  returnUrlPrefix: 'http://127.0.0.1:8787/checkout/return?checkout=co_1',
  cancelUrlPrefix: 'http://127.0.0.1:8787/checkout/cancel?checkout=co_1',
};
const RETURN_URL = `${REQUEST.returnUrlPrefix}&token=5O190127TN364715T&PayerID=P1`;
const CANCEL_URL = `${REQUEST.cancelUrlPrefix}&token=5O190127TN364715T`;

function setup({ production = true, loadFails = false } = {}) {
  const windows: FakeBrowserWindow[] = [];
  const sessions: FakeSession[] = [];
  const notices: CheckoutNotice[] = [];
  let n = 0;
  const opener = new ElectronCheckoutWindowOpener({
    createWindow: (options) => {
      const window = new FakeBrowserWindow(options);
      if (loadFails) window.webContents.loadResult = Promise.reject(new Error('ERR_ABORTED (-3)'));
      windows.push(window);
      return window;
    },
    sessionFor: (partition) => {
      const session = new FakeSession(partition);
      sessions.push(session);
      return session;
    },
    // As `hardbound-server app-config` writes them for a server selling through PayPal, plus the local stand-in.
    policy: { origins: ['https://www.paypal.com', 'https://www.sandbox.paypal.com', 'http://127.0.0.1:8788'] },
    production,
    randomId: () => `r${++n}`,
    notice: (notice) => notices.push(notice),
  });
  const open = () => {
    const handle = opener.open(REQUEST);
    const settled: CheckoutWindowOutcome[] = [];
    void handle.outcome.then((o) => settled.push(o));
    return { handle, window: windows.at(-1)!, session: sessions.at(-1)!, settled };
  };
  return { open, notices };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('checkout window', () => {
  it('opens the approve URL in a window on its own fresh partition, every permission denied', () => {
    const { open } = setup();
    const first = open();
    const second = open();
    expect(first.window.webContents.loaded).toEqual([REQUEST.approveUrl]);
    expect(first.session.partition).toBe('checkout-r1');
    expect(second.session.partition).toBe('checkout-r2');
    expect(first.window.options.webPreferences).toMatchObject({ partition: 'checkout-r1', sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: true, devTools: false });
    expect(first.window.options.webPreferences).not.toHaveProperty('preload');
    expect(first.session.requestHandler).toBe(denyPermissionRequest);
    expect(first.session.checkHandler).toBe(denyPermissionCheck);
  });

  it.each(['will-navigate', 'will-redirect'] as const)('ends as returned when %s reaches the return URL, and closes', async (event) => {
    const { open } = setup();
    const { handle, window } = open();
    expect(window.webContents.navigate(event, RETURN_URL)).toBe(false);
    await expect(handle.outcome).resolves.toEqual({ kind: 'returned', orderToken: '5O190127TN364715T' });
    expect(window.closeCalls).toBe(1);
  });

  it('ends as returned when the return page is reached by a request only the session sees (after a 302)', async () => {
    const { open } = setup();
    const { handle, window, session } = open();
    expect(session.request(RETURN_URL)).toEqual({});
    await expect(handle.outcome).resolves.toEqual({ kind: 'returned', orderToken: '5O190127TN364715T' });
    expect(window.isDestroyed()).toBe(true);
  });

  it.each([
    ['will-navigate', (w: FakeBrowserWindow) => void w.webContents.navigate('will-navigate', CANCEL_URL)],
    ['will-redirect', (w: FakeBrowserWindow) => void w.webContents.navigate('will-redirect', CANCEL_URL)],
    ['webRequest', (_w: FakeBrowserWindow, s: FakeSession) => void s.request(CANCEL_URL)],
  ])('ends as cancelled at the cancel URL (%s)', async (_road, reach) => {
    const { open } = setup();
    const { handle, window, session } = open();
    reach(window, session);
    await expect(handle.outcome).resolves.toEqual({ kind: 'cancelled' });
    expect(window.closeCalls).toBe(1);
  });

  it('resolves once, with the first road, and closes the window once whichever roads follow', async () => {
    const { open } = setup();
    const { handle, window, session, settled } = open();
    session.request(RETURN_URL);
    window.webContents.navigate('will-redirect', RETURN_URL);
    window.webContents.navigate('will-navigate', CANCEL_URL);
    handle.close();
    handle.close();
    await tick();
    expect(settled).toEqual([{ kind: 'returned', orderToken: '5O190127TN364715T' }]);
    expect(window.closeCalls).toBe(1);
  });

  it("is 'closed' when the user closes the window, and then drops the session's data", async () => {
    const { open } = setup();
    const { handle, window, session } = open();
    window.userCloses();
    await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
    expect(window.closeCalls).toBe(0);
    expect(session.cleared).toBe(1);
    expect(session.beforeRequest).toBeNull();
  });

  it("is 'closed' when the app closes it, and close() is idempotent", async () => {
    const { open } = setup();
    const { handle, window } = open();
    handle.close();
    handle.close();
    await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
    expect(window.closeCalls).toBe(1);
  });

  it("is 'closed' when the page's renderer process dies", async () => {
    const { open } = setup();
    const { handle, window } = open();
    window.webContents.emit('render-process-gone');
    await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
    expect(window.isDestroyed()).toBe(true);
  });

  it('blocks main-frame navigation off the provider hosts, by event and by request, and keeps the flow open', async () => {
    const { open, notices } = setup();
    const { window, session, settled } = open();
    expect(window.webContents.navigate('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(window.webContents.navigate('will-redirect', 'http://www.paypal.com/checkoutnow')).toBe(true);
    expect(session.request('https://evil.example/landing')).toEqual({ cancel: true });
    expect(window.webContents.navigate('will-navigate', 'https://www.paypal.com/signin')).toBe(false);
    expect(session.request('https://www.sandbox.paypal.com/checkoutnow?token=T')).toEqual({});
    await tick();
    expect(settled).toEqual([]);
    expect(window.isDestroyed()).toBe(false);
    expect(notices).toEqual([
      { code: 'navigation_blocked', origin: 'https://evil.example' },
      { code: 'navigation_blocked', origin: 'http://www.paypal.com' },
      { code: 'navigation_blocked', origin: 'https://evil.example' },
    ]);
  });

  it("leaves subframes and subresources to the provider's page (only the main frame is filtered)", () => {
    const { open } = setup();
    const { window, session } = open();
    expect(window.webContents.navigate('will-navigate', 'https://c.paypal.com/frame', false)).toBe(false);
    expect(session.request('https://www.paypalobjects.com/app.js', 'script')).toEqual({});
    expect(session.request(RETURN_URL, 'image')).toEqual({});
    expect(window.isDestroyed()).toBe(false);
  });

  it('denies every popup', () => {
    const { open, notices } = setup();
    const { window } = open();
    expect(window.webContents.openHandler?.({ url: 'https://www.paypal.com/help' })).toEqual({ action: 'deny' });
    expect(notices).toEqual([{ code: 'popup_denied', origin: 'https://www.paypal.com' }]);
  });

  it('opens no window at all for an approve URL off the provider hosts', async () => {
    const notices: CheckoutNotice[] = [];
    const opener = new ElectronCheckoutWindowOpener({
      createWindow: () => {
        throw new Error('no window may open');
      },
      sessionFor: () => {
        throw new Error('no session may be made');
      },
      policy: { origins: [] },
      production: true,
      randomId: () => 'x',
      notice: (notice) => notices.push(notice),
    });
    const handle = opener.open(REQUEST);
    await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
    expect(notices).toEqual([{ code: 'approve_url_not_allowed', origin: 'http://127.0.0.1:8788' }]);
  });

  it('swallows the load rejection that closing mid-load causes (an unhandled rejection would fail this run)', async () => {
    const { open } = setup({ loadFails: true });
    const { handle } = open();
    handle.close();
    await tick();
    await expect(handle.outcome).resolves.toEqual({ kind: 'closed' });
  });
});
