// Where the checkout window may go, as one pure decision per URL: on to a provider's checkout page, the end of
// the flow (our return or cancel page), or nowhere. Which providers' pages is the app config's list alone
// (checkoutOrigins: what `hardbound-server app-config` writes from the server's providers): nothing is allowed
// by default.
import type { CheckoutWindowOutcome, CheckoutWindowRequest } from '../license/ports';

export interface CheckoutHostPolicy {
  /** Every origin the window may show: the checkout pages of the providers the server sells through. */
  origins: readonly string[];
}

export type CheckoutNavigation =
  | { kind: 'allow' }
  | { kind: 'block' }
  | { kind: 'end'; outcome: Exclude<CheckoutWindowOutcome, { kind: 'closed' }> };

export function classifyCheckoutUrl(url: string, request: CheckoutWindowRequest, policy: CheckoutHostPolicy): CheckoutNavigation {
  const parsed = parse(url);
  if (!parsed) return { kind: 'block' };
  if (matchesEndUrl(parsed, request.returnUrlPrefix)) return { kind: 'end', outcome: { kind: 'returned', orderToken: providerToken(parsed) } };
  if (matchesEndUrl(parsed, request.cancelUrlPrefix)) return { kind: 'end', outcome: { kind: 'cancelled' } };
  return isCheckoutOrigin(parsed, policy) ? { kind: 'allow' } : { kind: 'block' };
}

export function isCheckoutOrigin(url: URL, policy: CheckoutHostPolicy): boolean {
  if (url.username || url.password) return false;
  return policy.origins.includes(url.origin);
}

/**
 * Checkout origins must be https, or plain http on a loopback address (the local stand-ins): a configured
 * origin can never open the checkout to an unencrypted remote host.
 */
export function checkoutOriginProblem(origin: string): string | null {
  const parsed = parse(origin);
  if (!parsed || parsed.origin !== origin) return `"${origin}" is not an origin (scheme://host[:port], no path)`;
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname)) return null;
  return `"${origin}" must be https, or http on a loopback address`;
}

function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Same origin and path as the prefix, and every query parameter the prefix names with the same value:
 * a provider appends its own (PayPal: token, PayerID; Paystack: reference), and another checkout's id must not end this one.
 */
function matchesEndUrl(url: URL, prefix: string): boolean {
  const end = parse(prefix);
  if (!end || url.origin !== end.origin || url.pathname !== end.pathname) return false;
  return [...end.searchParams].every(([name, value]) => {
    const values = url.searchParams.getAll(name);
    return values.length === 1 && values[0] === value;
  });
}

/** The provider's reference on the return URL: PayPal's subscription id or order token, Paystack's reference. */
function providerToken(url: URL): string | null {
  return url.searchParams.get('subscription_id') ?? url.searchParams.get('token') ?? url.searchParams.get('reference');
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}
