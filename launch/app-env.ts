// The environment a development run of the desktop app gets (read by main/electron/app-config.ts): this
// server, the keys it signs with (pinned exactly as a release pins its production keys), and the checkout
// origins and payment pages of the providers this server sells through (its GET /v1/plans).
import { API_PATHS, type JwksResponse, type PlansResponse } from '../common/api';
import { providerAppConfig } from './provider-links';

export async function developmentAppEnv(serverUrl: string, issuer: string): Promise<Record<string, string>> {
  const jwks = (await readJson(`${serverUrl}${API_PATHS.jwks}`, 'JWKS')) as JwksResponse;
  const plans = (await readJson(`${serverUrl}${API_PATHS.plans}`, 'plans')) as PlansResponse;
  const providers = providerAppConfig(plans.providers ?? []);
  return {
    HARDBOUND_SERVER_URL: serverUrl,
    HARDBOUND_PINNED_JWKS: JSON.stringify(jwks),
    HARDBOUND_ISSUER: issuer,
    HARDBOUND_CHECKOUT_ORIGINS: providers.checkoutOrigins.join(','),
    HARDBOUND_EXTERNAL_LINKS: providers.externalLinks.join(','),
    HARDBOUND_PAYMENT_SETTINGS_URLS: Object.entries(providers.paymentSettingsUrls).map(([id, url]) => `${id}=${url}`).join(','),
  };
}

async function readJson(url: string, what: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`the server's ${what} answered ${response.status}`);
  return response.json();
}
