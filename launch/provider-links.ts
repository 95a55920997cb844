// What the app config says about the providers the server sells through, from GET /v1/plans: the origins of
// their checkout pages (the checkout window's allow-list) and, where a provider has one page for every buyer,
// where a subscriber changes the payment method. Used for a development run (app-env.ts) and a release's
// config file (release-app-config.ts) alike, so main/ holds no provider's host of its own.
import type { ProviderInfo } from '../common/api';

/** A provider's page for changing the payment method, and the prefix that lets the app open it. Paystack has
 *  none: its link is per subscription (Paystack e-mails it; the server does not offer it), so it is not here. */
export const PAYMENT_SETTINGS_PAGES: Readonly<Record<string, { url: string; externalLink: string }>> = {
  paypal: { url: 'https://www.paypal.com/myaccount/autopay/', externalLink: 'https://www.paypal.com/' },
};

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/;

/** A checkout host as an origin: https, except a stand-in on this machine (http on loopback). */
export function checkoutOrigin(host: string): string {
  return `${LOOPBACK.test(host) ? 'http' : 'https'}://${host}`;
}

export interface ProviderAppConfig {
  checkoutOrigins: string[];
  externalLinks: string[];
  paymentSettingsUrls: Record<string, string>;
}

export function providerAppConfig(providers: readonly ProviderInfo[]): ProviderAppConfig {
  const checkoutOrigins = [...new Set(providers.flatMap((p) => p.checkoutHosts.map(checkoutOrigin)))];
  const pages = providers.flatMap((p) => {
    const page = PAYMENT_SETTINGS_PAGES[p.id];
    return page ? [[p.id, page] as const] : [];
  });
  return {
    checkoutOrigins,
    externalLinks: [...new Set(pages.map(([, page]) => page.externalLink))],
    paymentSettingsUrls: Object.fromEntries(pages.map(([id, page]) => [id, page.url])),
  };
}
