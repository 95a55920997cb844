// The desktop app's configuration: defaults, environment (development only), the bundled file, and every
// problem named at once.
import { describe, expect, it } from 'vitest';
import { paymentSettingsOpener } from '../../main/electron/app-core';
import { DEFAULT_APP_SALT, DEFAULT_ISSUER, DEFAULT_SERVER_URL, loadAppConfig } from '../../main/electron/app-config';

const KEY = { kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'k1', alg: 'EdDSA', use: 'sig' };
const JWKS = JSON.stringify({ keys: [KEY] });

describe('loadAppConfig', () => {
  it('uses the defaults with only the pinned keys given', () => {
    expect(loadAppConfig({ env: { HARDBOUND_PINNED_JWKS: JWKS }, fileText: null, packaged: false })).toEqual({
      ok: true,
      config: {
        serverUrl: DEFAULT_SERVER_URL,
        pinnedKeys: [KEY],
        issuer: DEFAULT_ISSUER,
        appSalt: DEFAULT_APP_SALT,
        // No provider is built in: the checkout origins and payment pages come from the config alone.
        checkoutOrigins: [],
        externalLinks: [],
        paymentSettingsUrls: {},
      },
    });
    expect(DEFAULT_SERVER_URL).toBe('http://127.0.0.1:8787');
  });

  it('takes a provider\'s payment-method page only under the external-link allow-list', () => {
    const given = (urls: string, links = 'https://www.sandbox.paypal.com/') =>
      loadAppConfig({ env: { HARDBOUND_PINNED_JWKS: JWKS, HARDBOUND_EXTERNAL_LINKS: links, HARDBOUND_PAYMENT_SETTINGS_URLS: urls }, fileText: null, packaged: false });
    expect(given('paypal=https://www.sandbox.paypal.com/myaccount/autopay/')).toMatchObject({ ok: true, config: { paymentSettingsUrls: { paypal: 'https://www.sandbox.paypal.com/myaccount/autopay/' } } });
    expect(given('paypal=https://www.paypal.com.evil.example/myaccount/')).toEqual({
      ok: false,
      problems: ['paymentSettingsUrls.paypal: "https://www.paypal.com.evil.example/myaccount/" must be an https URL under one of externalLinks'],
    });
    expect(given('https://www.sandbox.paypal.com/myaccount/autopay/')).toMatchObject({ ok: false, problems: [expect.stringMatching(/must be a provider id with a URL/)] });
    const file = loadAppConfig({
      env: {},
      fileText: JSON.stringify({ pinnedJwks: { keys: [KEY] }, externalLinks: ['https://www.paypal.com/'], paymentSettingsUrls: { paypal: 'https://www.paypal.com/myaccount/autopay/' } }),
      packaged: false,
    });
    expect(file).toMatchObject({ ok: true, config: { paymentSettingsUrls: { paypal: 'https://www.paypal.com/myaccount/autopay/' } } });
  });

  it('takes development settings from the environment over the file', () => {
    const result = loadAppConfig({
      env: {
        HARDBOUND_PINNED_JWKS: JWKS,
        HARDBOUND_SERVER_URL: 'http://127.0.0.1:9000/',
        HARDBOUND_CHECKOUT_ORIGINS: 'http://127.0.0.1:8788, https://checkout.example',
        HARDBOUND_EXTERNAL_LINKS: 'https://docs.example/',
        HARDBOUND_ISSUER: 'vendor',
        HARDBOUND_APP_SALT: 'salt',
      },
      fileText: JSON.stringify({ serverUrl: 'https://license.example' }),
      packaged: false,
    });
    expect(result).toMatchObject({
      ok: true,
      config: { serverUrl: 'http://127.0.0.1:9000', checkoutOrigins: ['http://127.0.0.1:8788', 'https://checkout.example'], externalLinks: ['https://docs.example/'], issuer: 'vendor', appSalt: 'salt' },
    });
  });

  it('ignores the environment in a packaged build: no variable can pin another signing key', () => {
    const foreign = JSON.stringify({ keys: [{ ...KEY, kid: 'attacker', x: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }] });
    const result = loadAppConfig({
      env: { HARDBOUND_PINNED_JWKS: foreign, HARDBOUND_SERVER_URL: 'http://127.0.0.1:1' },
      fileText: JSON.stringify({ serverUrl: 'https://license.example', pinnedJwks: { keys: [KEY] }, checkoutOrigins: ['https://www.paypal.com'], appSalt: 'vendor-salt-1' }),
      packaged: true,
    });
    expect(result).toMatchObject({ ok: true, config: { serverUrl: 'https://license.example', pinnedKeys: [KEY] } });
  });

  it('refuses to start without pinned keys', () => {
    expect(loadAppConfig({ env: {}, fileText: null, packaged: false })).toEqual({
      ok: false,
      problems: ['no entitlement keys are pinned: set pinnedJwks in the config file (or HARDBOUND_PINNED_JWKS in development)'],
    });
  });

  it('names every problem at once', () => {
    const result = loadAppConfig({
      env: {
        HARDBOUND_PINNED_JWKS: JSON.stringify({ keys: [{ ...KEY, d: 'private' }, { kty: 'RSA', n: 'x', e: 'AQAB', kid: 'r' }] }),
        HARDBOUND_SERVER_URL: 'ftp://server',
        HARDBOUND_CHECKOUT_ORIGINS: 'http://checkout.example',
        HARDBOUND_EXTERNAL_LINKS: 'http://docs.example/',
      },
      fileText: null,
      packaged: false,
    });
    expect(result).toEqual({
      ok: false,
      problems: [
        'serverUrl "ftp://server" must be an http(s) URL',
        'checkoutOrigins: "http://checkout.example" must be https, or http on a loopback address',
        'externalLinks: "http://docs.example/" must be an https URL ending in /',
        'every pinned key must be an Ed25519 public JWK (kty OKP, crv Ed25519, x, kid; no private part)',
      ],
    });
  });

  it.each([
    ['not JSON', 'the config file is not a JSON object'],
    ['[1]', 'the config file is not a JSON object'],
    [JSON.stringify({ pinnedJwks: { keys: [] } }), 'pinned JWKS must be {"keys":[…]} with at least one key'],
    [JSON.stringify({ pinnedJwks: { keys: [KEY] }, checkoutOrigins: 'http://127.0.0.1:8788' }), 'checkoutOrigins must be a list of strings'],
    [JSON.stringify({ pinnedJwks: { keys: [KEY] }, issuer: 7 }), 'issuer must be a string'],
  ])('reports a bad file: %s', (fileText, problem) => {
    const result = loadAppConfig({ env: {}, fileText, packaged: true });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toContain(problem);
  });

  it('refuses a packaged build without its own https server URL and app salt; the demo salt is not a salt', () => {
    const problems = (file: Record<string, unknown>) => {
      const result = loadAppConfig({ env: { HARDBOUND_APP_SALT: 'from-env', HARDBOUND_SERVER_URL: 'https://env.example' }, fileText: JSON.stringify({ pinnedJwks: { keys: [KEY] }, ...file }), packaged: true });
      return result.ok ? [] : result.problems;
    };
    expect(problems({})).toEqual([
      'serverUrl is not set in the config file (`hardbound-server app-config --server-url …` writes the file)',
      'appSalt is not set in the config file: a packaged build needs the vendor\'s own (`hardbound-server app-config --server-url …` writes the file)',
      'checkoutOrigins is empty: the checkout window could show no provider\'s page (`hardbound-server app-config --server-url …` writes the file)',
    ]);
    const origins = { checkoutOrigins: ['https://www.paypal.com', 'https://checkout.paystack.com'] };
    expect(problems({ ...origins, serverUrl: 'http://license.example', appSalt: DEFAULT_APP_SALT })).toEqual([
      'serverUrl "http://license.example" must be https in a packaged build',
      'appSalt is the demo value: every app built with it would share anchors; use your own (and keep it for every release)',
    ]);
    expect(problems({ ...origins, serverUrl: 'https://license.example', appSalt: 'vendor-salt-1' })).toEqual([]);
  });

  it('reports pinned keys that are not JSON', () => {
    expect(loadAppConfig({ env: { HARDBOUND_PINNED_JWKS: '{keys' }, fileText: null, packaged: false })).toEqual({ ok: false, problems: ['pinned JWKS is not valid JSON'] });
  });
});

describe('"Update your payment method"', () => {
  const links = ['https://www.paypal.com/'];
  const urls = { paypal: 'https://www.paypal.com/myaccount/autopay/' };
  it('opens the billing provider\'s page in the browser only through the allow-list, and says what to do when it cannot', async () => {
    const opened: string[] = [];
    const open = paymentSettingsOpener({ paymentSettingsUrls: urls, externalLinks: links }, async (url) => void opened.push(url));
    await open('paypal');
    expect(opened).toEqual(['https://www.paypal.com/myaccount/autopay/']);
    // A provider with no page of its own (Paystack), or none known: nothing opens, and the sentence says where to go.
    await expect(open('paystack')).rejects.toThrow(/^This app has no page of your payment provider to open\. Sign in at your payment provider's website/);
    await expect(open(null)).rejects.toThrow(/^This app has no page of your payment provider to open\./);

    const refused = paymentSettingsOpener({ paymentSettingsUrls: urls, externalLinks: ['https://docs.example/'] }, async (url) => void opened.push(url));
    await expect(refused('paypal')).rejects.toThrow(/^This app has no page of your payment provider to open\./);
    const broken = paymentSettingsOpener({ paymentSettingsUrls: urls, externalLinks: links }, async () => {
      throw new Error('xdg-open failed (ENOENT)');
    });
    await expect(broken('paypal')).rejects.toThrow('Your browser could not be opened. Sign in at your payment provider\'s website and update the payment method of this subscription there.');
    expect(opened).toHaveLength(1);
  });
});
