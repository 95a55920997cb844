// POST /v1/oauth2/token and the bearer-token guard every /v1 and /v2 API sits behind.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index';

let sandbox: Sandbox;
const TTL_SECONDS = 60;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tokenTtlSeconds: TTL_SECONDS });
});
afterAll(() => sandbox.close());

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function requestToken(authorization: string | undefined, body = 'grant_type=client_credentials') {
  const res = await fetch(`${sandbox.baseUrl}/v1/oauth2/token`, {
    method: 'POST',
    headers: { ...(authorization ? { authorization } : {}), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function goodToken(): Promise<string> {
  const { body } = await requestToken(basic(sandbox.credentials.clientId, sandbox.credentials.clientSecret));
  return body.access_token as string;
}

async function getOrder(authorization: string | undefined) {
  const res = await fetch(`${sandbox.baseUrl}/v2/checkout/orders/5O190127TN364715T`, {
    headers: authorization ? { authorization } : {},
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('token endpoint', () => {
  it('issues a bearer token for the client credentials', async () => {
    const { status, body } = await requestToken(basic(sandbox.credentials.clientId, sandbox.credentials.clientSecret));
    expect(status).toBe(200);
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: TTL_SECONDS });
    expect(body.access_token).toMatch(/^A21AA[\w-]{20,}$/);
    expect(body.app_id).toMatch(/^APP-[A-Z0-9]{17}$/);
    expect(typeof body.scope).toBe('string');
    expect(typeof body.nonce).toBe('string');
  });

  it('issues a different token each time', async () => {
    expect(await goodToken()).not.toBe(await goodToken());
  });

  it.each([
    ['a wrong secret', basic('hardbound-sandbox-client', 'wrong-secret')],
    ['a wrong client id', basic('someone-else', 'hardbound-sandbox-secret')],
    ['no Authorization header', undefined],
    ['a bearer header', 'Bearer abc'],
  ])('answers %s with 401 invalid_client', async (_name, authorization) => {
    const { status, body } = await requestToken(authorization);
    expect(status).toBe(401);
    expect(body).toEqual({ error: 'invalid_client', error_description: 'Client Authentication failed' });
  });

  it('rejects a missing or unknown grant type', async () => {
    const auth = basic(sandbox.credentials.clientId, sandbox.credentials.clientSecret);
    expect(await requestToken(auth, '')).toEqual({
      status: 400,
      body: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' },
    });
    const { status, body } = await requestToken(auth, 'grant_type=password');
    expect(status).toBe(400);
    expect(body.error).toBe('unsupported_grant_type');
  });
});

describe('bearer guard', () => {
  it('lets a valid token through to the API', async () => {
    const { status, body } = await getOrder(`Bearer ${await goodToken()}`);
    expect(status).toBe(404); // the API itself answered: the order does not exist
    expect(body.name).toBe('RESOURCE_NOT_FOUND');
  });

  it.each([
    ['no Authorization header', undefined],
    ['an unknown token', 'Bearer A21AAnot-a-token-this-sandbox-issued'],
    ['Basic credentials', basic('hardbound-sandbox-client', 'hardbound-sandbox-secret')],
  ])('answers a v2 call with %s with 401 AUTHENTICATION_FAILURE', async (_name, authorization) => {
    const { status, body } = await getOrder(authorization);
    expect(status).toBe(401);
    expect(body).toMatchObject({
      name: 'AUTHENTICATION_FAILURE',
      message: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
    });
    expect(body.debug_id).toMatch(/^[0-9a-f]{13}$/);
  });

  it('answers a v1 call with an unknown token in the OAuth shape', async () => {
    const res = await fetch(`${sandbox.baseUrl}/v1/notifications/webhooks`, { headers: { authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_token',
      error_description: 'The token passed in was not found in the system.',
    });
  });

  it('rejects a token once it has expired, on v1 and v2', async () => {
    const expiring = await startSandbox({ port: 0, tokenTtlSeconds: 5 });
    try {
      const auth = basic(expiring.credentials.clientId, expiring.credentials.clientSecret);
      const res = await fetch(`${expiring.baseUrl}/v1/oauth2/token`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const token = ((await res.json()) as { access_token: string }).access_token;
      const headers = { authorization: `Bearer ${token}` };
      const v2 = `${expiring.baseUrl}/v2/checkout/orders/5O190127TN364715T`;
      const v1 = `${expiring.baseUrl}/v1/notifications/webhooks`;

      expect((await fetch(v2, { headers })).status).toBe(404);
      await expiring.control.advanceClock(5_000);

      const expiredV2 = await fetch(v2, { headers });
      expect(expiredV2.status).toBe(401);
      expect(((await expiredV2.json()) as { name: string }).name).toBe('AUTHENTICATION_FAILURE');
      const expiredV1 = await fetch(v1, { headers });
      expect(expiredV1.status).toBe(401);
      expect(await expiredV1.json()).toEqual({ error: 'invalid_token', error_description: 'Access Token has expired.' });
    } finally {
      await expiring.close();
    }
  });

  it('leaves the token endpoint, hosted pages and control routes open', async () => {
    const page = await fetch(`${sandbox.baseUrl}/checkoutnow?token=NOSUCHORDER000000`);
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const control = await fetch(`${sandbox.baseUrl}/__sandbox/clock`);
    expect(control.status).toBe(200);
  });
});
