// Both windows' options and every policy attached to them, item by item against Electron's security
// checklist, built as plain data without launching Electron.
import { describe, expect, it } from 'vitest';
import { classifyCheckoutUrl, checkoutOriginProblem } from '../../main/electron/checkout-policy';
import {
  decideWindowOpen,
  denyPermissionCheck,
  denyPermissionRequest,
  isAllowedExternal,
  MAIN_CSP,
  mainWindowMayNavigate,
} from '../../main/electron/security-policy';
import { checkoutPartition, checkoutWindowOptions, mainWindowOptions } from '../../main/electron/window-options';

const LOCKED = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  enableWebSQL: false,
  plugins: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  safeDialogs: true,
};

describe('main window options', () => {
  it('isolates and sandboxes the renderer, with the preload as its only bridge', () => {
    const options = mainWindowOptions({ preloadPath: '/app/out/preload/index.cjs', production: true });
    expect(options.webPreferences).toEqual({ ...LOCKED, devTools: false, preload: '/app/out/preload/index.cjs' });
    expect(options.show).toBe(false);
  });

  it('keeps devtools for development builds only', () => {
    expect(mainWindowOptions({ preloadPath: '/p.cjs', production: false }).webPreferences?.devTools).toBe(true);
  });
});

describe('checkout window options', () => {
  it('has its own in-memory partition per checkout', () => {
    let n = 0;
    const next = () => checkoutPartition(() => `id${++n}`);
    const [a, b] = [next(), next()];
    expect(a).toBe('checkout-id1');
    expect(b).toBe('checkout-id2');
    expect(a.startsWith('persist:')).toBe(false);
  });

  it('has no preload, a sandboxed isolated renderer and JavaScript on for PayPal', () => {
    const options = checkoutWindowOptions({ partition: 'checkout-x', production: true });
    const prefs = options.webPreferences!;
    expect('preload' in prefs).toBe(false);
    expect(prefs).toEqual({ ...LOCKED, devTools: false, partition: 'checkout-x', javascript: true });
  });

  it('keeps devtools for development builds only', () => {
    expect(checkoutWindowOptions({ partition: 'checkout-x', production: false }).webPreferences?.devTools).toBe(true);
  });
});

describe('main window CSP', () => {
  const directives = new Map(MAIN_CSP.split('; ').map((d) => {
    const [name, ...values] = d.split(' ');
    return [name!, values.join(' ')];
  }));

  it.each([
    ['default-src', "'self'"],
    ['script-src', "'self'"],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['connect-src', "'self'"],
  ])('sets %s %s', (name, value) => {
    expect(directives.get(name)).toBe(value);
  });

  it('allows no inline script, eval or remote source anywhere', () => {
    expect(MAIN_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});

describe('main window navigation lock', () => {
  it.each([
    ['app://hardbound/index.html', true],
    ['app://hardbound/', true],
    ['app://hardbound.evil/index.html', false],
    ['app://other/index.html', false],
    ['https://www.paypal.com/', false],
    ['file:///etc/passwd', false],
    ['http://127.0.0.1:8787/', false],
    ['javascript:alert(1)', false],
  ])('%s → %s', (url, allowed) => {
    expect(mainWindowMayNavigate(url)).toBe(allowed);
  });
});

describe('main window new-window handler', () => {
  const allowList = ['https://docs.hardbound.example/', 'https://www.paypal.com/'];

  it('denies every window and opens allow-listed https links externally', () => {
    expect(decideWindowOpen('https://docs.hardbound.example/upgrade', allowList)).toEqual({ action: 'deny', openExternally: 'https://docs.hardbound.example/upgrade' });
  });

  it.each([
    'https://docs.hardbound.example.evil/',
    'http://docs.hardbound.example/upgrade',
    'https://user:pw@docs.hardbound.example/',
    'https://evil.example/',
    'file:///etc/passwd',
    'app://hardbound/index.html',
    'not a url',
  ])('opens nothing for %s', (url) => {
    expect(decideWindowOpen(url, allowList)).toEqual({ action: 'deny', openExternally: null });
  });

  it('ignores allow-list entries that are not https prefixes ending in /', () => {
    expect(isAllowedExternal('https://docs.example.evil/x', ['https://docs.example'])).toBe(false);
    expect(isAllowedExternal('http://docs.example/x', ['http://docs.example/'])).toBe(false);
  });
});

describe('permission handlers', () => {
  it('deny every request and every check', () => {
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) {
      let granted: boolean | undefined;
      denyPermissionRequest(null, permission, (g) => (granted = g));
      expect(granted).toBe(false);
    }
    expect(denyPermissionCheck()).toBe(false);
  });
});

describe('checkout navigation filter', () => {
  const request = {
    approveUrl: 'http://127.0.0.1:8788/checkoutnow?token=5O190127TN364715T',
    returnUrlPrefix: 'http://127.0.0.1:8787/checkout/return?checkout=co_1',
    cancelUrlPrefix: 'http://127.0.0.1:8787/checkout/cancel?checkout=co_1',
  };
  // The origins the app config lists for a server selling through PayPal and Paystack, and the local stand-in.
  const policy = { origins: ['https://www.paypal.com', 'https://www.sandbox.paypal.com', 'https://checkout.paystack.com', 'http://127.0.0.1:8788'] };
  const classify = (url: string) => classifyCheckoutUrl(url, request, policy);

  it('allows the configured providers\' checkout pages, and nothing when none is configured', () => {
    for (const url of ['https://www.paypal.com/checkoutnow?token=X', 'https://www.sandbox.paypal.com/webapps/billing/subscriptions?ba_token=B', 'https://checkout.paystack.com/0peioxfhpn', request.approveUrl]) {
      expect(classify(url)).toEqual({ kind: 'allow' });
      expect(classifyCheckoutUrl(url, request, { origins: [] })).toEqual({ kind: 'block' });
    }
  });

  it('ends the flow at our return URL with Paystack\'s reference as the provider token', () => {
    expect(classify('http://127.0.0.1:8787/checkout/return?checkout=co_1&trxref=co.1&reference=co.1')).toEqual({ kind: 'end', outcome: { kind: 'returned', orderToken: 'co.1' } });
  });

  it.each([
    'http://www.paypal.com/checkoutnow',
    'https://paypal.com.evil.example/',
    'https://www.paypal.com.evil.example/',
    'https://evil@www.paypal.com/',
    'https://www.paypal.com:8443/',
    'http://127.0.0.1:8787/v1/plans',
    'http://127.0.0.1:9999/',
    'app://hardbound/index.html',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'not a url',
  ])('blocks %s', (url) => {
    expect(classify(url)).toEqual({ kind: 'block' });
  });

  it('ends with "returned" at our return URL, keeping the provider token', () => {
    expect(classify(`${request.returnUrlPrefix}&token=5O190127TN364715T&PayerID=ABC`)).toEqual({ kind: 'end', outcome: { kind: 'returned', orderToken: '5O190127TN364715T' } });
    expect(classify(`${request.returnUrlPrefix}&subscription_id=I-1&ba_token=BA-1&token=EC-1`)).toEqual({ kind: 'end', outcome: { kind: 'returned', orderToken: 'I-1' } });
    expect(classify('http://127.0.0.1:8787/checkout/return?token=T&checkout=co_1')).toEqual({ kind: 'end', outcome: { kind: 'returned', orderToken: 'T' } });
    expect(classify(request.returnUrlPrefix)).toEqual({ kind: 'end', outcome: { kind: 'returned', orderToken: null } });
  });

  it('ends with "cancelled" at our cancel URL', () => {
    expect(classify(`${request.cancelUrlPrefix}&token=5O190127TN364715T`)).toEqual({ kind: 'end', outcome: { kind: 'cancelled' } });
  });

  it("does not end on another checkout's return URL or a look-alike path", () => {
    expect(classify('http://127.0.0.1:8787/checkout/return?checkout=co_12&token=T')).toEqual({ kind: 'block' });
    expect(classify('http://127.0.0.1:8787/checkout/return?checkout=co_2&checkout=co_1')).toEqual({ kind: 'block' });
    expect(classify('http://127.0.0.1:8787/checkout/returned?checkout=co_1')).toEqual({ kind: 'block' });
    expect(classify('http://127.0.0.2:8787/checkout/return?checkout=co_1')).toEqual({ kind: 'block' });
  });

  it('accepts only https or loopback http as extra origins', () => {
    expect(checkoutOriginProblem('http://127.0.0.1:8788')).toBeNull();
    expect(checkoutOriginProblem('http://localhost:8788')).toBeNull();
    expect(checkoutOriginProblem('https://checkout.example')).toBeNull();
    expect(checkoutOriginProblem('http://checkout.example')).toMatch(/https, or http on a loopback/);
    expect(checkoutOriginProblem('https://checkout.example/path')).toMatch(/not an origin/);
    expect(checkoutOriginProblem('ftp://127.0.0.1')).toMatch(/must be https/);
  });
});
