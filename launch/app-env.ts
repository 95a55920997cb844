// The environment a development run of the desktop app gets (read by main/electron/app-config.ts): this
// server, the keys it signs with (pinned exactly as a release pins its production keys), and the local
// sandbox's origin for the checkout window.
import { API_PATHS, type JwksResponse } from '../common/api';

export async function developmentAppEnv(serverUrl: string, issuer: string, sandboxOrigin: string | null): Promise<Record<string, string>> {
  const response = await fetch(`${serverUrl}${API_PATHS.jwks}`);
  if (!response.ok) throw new Error(`the server's JWKS answered ${response.status}`);
  const jwks = (await response.json()) as JwksResponse;
  return {
    HARDBOUND_SERVER_URL: serverUrl,
    HARDBOUND_PINNED_JWKS: JSON.stringify(jwks),
    HARDBOUND_ISSUER: issuer,
    HARDBOUND_CHECKOUT_ORIGINS: sandboxOrigin ?? '',
  };
}
