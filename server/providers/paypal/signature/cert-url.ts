// Which paypal-cert-url values may be fetched at all. The header arrives with the (not yet verified)
// delivery, so anything it names is attacker-chosen until this says otherwise.

export const PAYPAL_CERT_HOSTS: readonly string[] = [
  'api.paypal.com',
  'api.sandbox.paypal.com',
  'api-m.paypal.com',
  'api-m.sandbox.paypal.com',
];

export const CERT_PATH_PREFIX = '/v1/notifications/certs/';

// PayPal's certificate names, e.g. CERT-360caa42-fca2a594-1d93a270: each name an attacker makes up costs
// a fetch, so only this shape is fetched at all (one segment, no escapes, nothing else under the prefix).
const CERT_NAME = /^CERT-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/;

export interface CertUrlPolicy {
  /** Origin of the local PayPal stand-in (e.g. http://127.0.0.1:8788), accepted only when configured. */
  sandboxOrigin?: string;
}

export type CertUrlDecision =
  | { ok: true; url: string }
  | { ok: false; code: 'cert_url_not_allowed'; detail: string };

function parse(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function isPayPalOrigin(url: URL): boolean {
  return url.protocol === 'https:' && url.port === '' && PAYPAL_CERT_HOSTS.includes(url.hostname);
}

function isSandboxOrigin(url: URL, sandboxOrigin: string | undefined): boolean {
  const sandbox = sandboxOrigin === undefined ? undefined : parse(sandboxOrigin);
  return sandbox !== undefined && sandbox.origin !== 'null' && url.origin === sandbox.origin;
}

/** Decides on the parsed, normalized URL (the one that will be fetched), so that no parser difference between
 *  this check and the fetch can be exploited; returns that normalized URL. */
export function checkCertUrl(raw: string, policy: CertUrlPolicy = {}): CertUrlDecision {
  const deny = (detail: string): CertUrlDecision => ({ ok: false, code: 'cert_url_not_allowed', detail });
  const url = parse(raw);
  if (url === undefined) return deny('not a URL');
  if (url.username !== '' || url.password !== '') return deny('userinfo is not allowed');
  if (!isPayPalOrigin(url) && !isSandboxOrigin(url, policy.sandboxOrigin)) {
    return deny('not https on an allow-listed PayPal host (default port) nor the configured sandbox origin');
  }
  if (url.search !== '' || url.hash !== '') return deny('query and fragment are not allowed');
  if (!url.pathname.startsWith(CERT_PATH_PREFIX) || !CERT_NAME.test(url.pathname.slice(CERT_PATH_PREFIX.length))) {
    return deny(`path must be ${CERT_PATH_PREFIX}CERT-xxxxxxxx-xxxxxxxx-xxxxxxxx (hex)`);
  }
  return { ok: true, url: url.href };
}
