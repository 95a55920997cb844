// Which paypal-cert-url values the verifier will fetch: PayPal's hosts over https, or the configured sandbox.
import { describe, expect, it } from 'vitest';
import { checkCertUrl } from '../../server/providers/paypal/signature/cert-url';

const CERT = '/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270';
const sandboxOrigin = 'http://127.0.0.1:8788';

describe('checkCertUrl', () => {
  it.each([
    `https://api.paypal.com${CERT}`,
    `https://api.sandbox.paypal.com${CERT}`,
    `https://api-m.paypal.com${CERT}`,
    `https://api-m.sandbox.paypal.com${CERT}`,
    `https://api.paypal.com:443${CERT}`,
    `https://API.PayPal.com${CERT}`,
  ])('accepts %s', (url) => {
    expect(checkCertUrl(url)).toEqual({ ok: true, url: new URL(url).href });
  });

  it.each([
    ['plain http', `http://api.paypal.com${CERT}`],
    ['another scheme', `ftp://api.paypal.com${CERT}`],
    ['a lookalike suffix', `https://api.paypal.com.evil.example${CERT}`],
    ['a lookalike prefix', `https://evilapi.paypal.com${CERT}`],
    ['a subdomain', `https://x.api.paypal.com${CERT}`],
    ['the bare domain', `https://paypal.com${CERT}`],
    ['www', `https://www.paypal.com${CERT}`],
    ['a trailing dot', `https://api.paypal.com.${CERT}`],
    ['a lookalike with a hyphen', `https://api-paypal.com${CERT}`],
    ['userinfo naming the PayPal host', `https://api.paypal.com@evil.example${CERT}`],
    ['userinfo on the PayPal host', `https://user@api.paypal.com${CERT}`],
    ['user and password on the PayPal host', `https://user:pass@api.paypal.com${CERT}`],
    ['an encoded @ in the userinfo', `https://api.paypal.com%40evil.example@evil.example${CERT}`],
    ['a non-default port', `https://api.paypal.com:8443${CERT}`],
    ['port 80 over https', `https://api.paypal.com:80${CERT}`],
    ['an IP address', `https://151.101.1.21${CERT}`],
    ['another API path', 'https://api.paypal.com/v1/oauth2/token'],
    ['the certs folder itself', 'https://api.paypal.com/v1/notifications/certs/'],
    ['a path escaping the certs folder', 'https://api.paypal.com/v1/notifications/certs/../../oauth2/token'],
    ['an encoded traversal', 'https://api.paypal.com/v1/notifications/certs/%2e%2e/webhooks'],
    ['a nested path', 'https://api.paypal.com/v1/notifications/certs/a/b'],
    ['an encoded slash', 'https://api.paypal.com/v1/notifications/certs/a%2Fb'],
    ['a prefix without a segment boundary', 'https://api.paypal.com/v1/notifications/certsX'],
    ['a name not of PayPal\'s shape', 'https://api.paypal.com/v1/notifications/certs/CERT-1'],
    ['a made-up name', 'https://api.paypal.com/v1/notifications/certs/anything-at-all'],
    ['a shape with upper-case hex', 'https://api.paypal.com/v1/notifications/certs/CERT-360CAA42-FCA2A594-1D93A270'],
    ['a shape with a fourth group', `https://api.paypal.com${CERT}-00000000`],
    ['a query', `https://api.paypal.com${CERT}?x=1`],
    ['a fragment', `https://api.paypal.com${CERT}#x`],
    ['not a URL', 'api.paypal.com/v1/notifications/certs/CERT-1'],
    ['an empty value', ''],
    ['a data URL', 'data:text/plain,CERT'],
  ])('rejects %s', (_why, url) => {
    expect(checkCertUrl(url)).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
  });

  it('accepts the sandbox origin only when it is configured', () => {
    const url = `${sandboxOrigin}${CERT}`;
    expect(checkCertUrl(url)).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
    expect(checkCertUrl(url, { sandboxOrigin })).toEqual({ ok: true, url });
    expect(checkCertUrl(url, { sandboxOrigin: `${sandboxOrigin}/` })).toEqual({ ok: true, url });
  });

  it.each([
    ['another port', `http://127.0.0.1:8789${CERT}`],
    ['another host', `http://127.0.0.2:8788${CERT}`],
    ['https instead of http', `https://127.0.0.1:8788${CERT}`],
    ['the origin as userinfo', `http://127.0.0.1:8788@evil.example${CERT}`],
    ['a prefix match on the port', `http://127.0.0.1:87881${CERT}`],
    ['userinfo on the sandbox', `http://u:p@127.0.0.1:8788${CERT}`],
    ['another sandbox path', 'http://127.0.0.1:8788/__sandbox/clock'],
    ['a path escaping the certs folder', 'http://127.0.0.1:8788/v1/notifications/certs/../../oauth2/token'],
  ])('rejects a sandbox-like URL with %s', (_why, url) => {
    expect(checkCertUrl(url, { sandboxOrigin })).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
  });

  it('ignores a sandbox origin that is not a URL or has no origin', () => {
    // URLs of non-special schemes all share the opaque origin "null", so they must never match each other.
    expect(checkCertUrl(`file:///etc${CERT}`, { sandboxOrigin: 'file:///tmp' })).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
    expect(checkCertUrl(`x-evil://host${CERT}`, { sandboxOrigin: 'x-local://sandbox' })).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
    expect(checkCertUrl(`https://api.paypal.com${CERT}`, { sandboxOrigin: 'not a url' })).toMatchObject({ ok: true });
  });

  it('returns the normalized URL that is to be fetched', () => {
    expect(checkCertUrl(`HTTPS://API.PAYPAL.COM:443${CERT}`)).toEqual({ ok: true, url: `https://api.paypal.com${CERT}` });
  });
});
