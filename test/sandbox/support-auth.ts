// An access token from the sandbox, obtained as a merchant's server does: POST /v1/oauth2/token with the
// client credentials as Basic auth and grant_type=client_credentials.
import type { Sandbox } from '../../sandbox/index';

export interface GrantedToken {
  accessToken: string;
  expiresInSeconds: number;
}

export async function grantToken(sandbox: Pick<Sandbox, 'baseUrl' | 'credentials'>): Promise<GrantedToken> {
  const { clientId, clientSecret } = sandbox.credentials;
  const response = await fetch(`${sandbox.baseUrl}/v1/oauth2/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  const body = (await response.json()) as { access_token: string; expires_in: number };
  return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
}

export async function accessToken(sandbox: Pick<Sandbox, 'baseUrl' | 'credentials'>): Promise<string> {
  return (await grantToken(sandbox)).accessToken;
}
