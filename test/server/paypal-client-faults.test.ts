// PayPalClient when PayPal misbehaves: a local node:http stand-in that hangs, fails or answers nonsense.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../common/clock';
import { PayPalClient } from '../../server/providers/paypal/client';
import { PayPalApiError } from '../../server/providers/paypal/errors';
import { MAX_ANSWER_BYTES } from '../../server/providers/paypal/node-http-fetch';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const TIMEOUT_MS = 300;
const ORDER_ID = '5O190127TN364715T';
const PLANTED = 'jordan.testbuyer@personal.example.com';

let server: Server | undefined;

afterEach(closeStub);

/** Answers the token endpoint like PayPal, every other request with `api`. */
async function stub(api: Handler, token: Handler = grantToken): Promise<string> {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/v1/oauth2/token') token(req, res);
    else api(req, res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function grantToken(_req: IncomingMessage, res: ServerResponse): void {
  json(res, 200, { access_token: 'A21AAlocal', token_type: 'Bearer', expires_in: 32_400 });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

const hang: Handler = () => {};

function client(baseUrl: string): PayPalClient {
  return new PayPalClient({ baseUrl, clientId: 'id', clientSecret: 'secret', clock: systemClock, timeoutMs: TIMEOUT_MS });
}

async function failure(promise: Promise<unknown>): Promise<{ error: PayPalApiError; elapsedMs: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof PayPalApiError)) throw new Error(`expected a PayPalApiError, got ${String(error)}`);
  return { error, elapsedMs: performance.now() - started };
}

describe('provider_unavailable', () => {
  it('a server that never answers times out after timeoutMs', async () => {
    const { error, elapsedMs } = await failure(client(await stub(hang)).getOrder(ORDER_ID));
    expect(error.code).toBe('provider_unavailable');
    expect(error.detail).toMatchObject({ operation: 'getOrder', cause: 'timeout' });
    expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 2_000);
  });

  it('a token endpoint that never answers times out too', async () => {
    const { error } = await failure(client(await stub(hang, hang)).getOrder(ORDER_ID));
    expect(error.detail).toMatchObject({ operation: 'getAccessToken', cause: 'timeout' });
  });

  it('a body that starts and never ends times out', async () => {
    const baseUrl = await stub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"5O190127TN364715T",');
    });
    const { error } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.code).toBe('provider_unavailable');
    expect(error.detail).toMatchObject({ operation: 'getOrder', cause: 'timeout' });
  });

  it('5xx, keeping PayPal name and debug id but nothing else from the body', async () => {
    const baseUrl = await stub((_req, res) =>
      json(res, 503, { name: 'SERVICE_UNAVAILABLE', message: `Try later, ${PLANTED}`, debug_id: '90957fca61718' }),
    );
    const { error } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.code).toBe('provider_unavailable');
    expect(error.detail).toEqual({ operation: 'getOrder', status: 503, paypalName: 'SERVICE_UNAVAILABLE', debugId: '90957fca61718', cause: 'server_error' });
    expect(error.message).not.toContain(PLANTED);
  });

  it('429 is worth retrying later: provider_unavailable', async () => {
    const baseUrl = await stub((_req, res) => json(res, 429, { name: 'RATE_LIMIT_REACHED', message: 'Too many requests.' }));
    const { error } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.detail).toMatchObject({ status: 429, cause: 'rate_limited' });
    expect(error.code).toBe('provider_unavailable');
  });

  it('a connection refused is a network failure', async () => {
    const baseUrl = await stub(hang);
    const closing = server!;
    server = undefined;
    await new Promise<void>((resolve) => closing.close(() => resolve()));
    const { error } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.detail).toMatchObject({ operation: 'getAccessToken', cause: 'network' });
  });

  it('a 2xx that is not JSON, or not the documented shape, is a bad response', async () => {
    const notJson = await failure(client(await stub((_req, res) => res.writeHead(200).end('<html>ok</html>'))).getOrder(ORDER_ID));
    expect(notJson.error.detail).toMatchObject({ status: 200, cause: 'bad_response' });
    await closeStub();
    const wrongShape = await failure(client(await stub((_req, res) => json(res, 200, { id: ORDER_ID, status: 'WHATEVER' }))).getOrder(ORDER_ID));
    expect(wrongShape.error.detail).toMatchObject({ operation: 'getOrder', cause: 'bad_response' });
    expect(wrongShape.error.code).toBe('provider_unavailable');
  });

  it('a connection cut in the middle of the body is a network failure, at once', async () => {
    const baseUrl = await stub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4000' });
      res.write('{"id":"5O190127TN364715T",');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const { error, elapsedMs } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.detail).toMatchObject({ operation: 'getOrder', cause: 'network' });
    expect(elapsedMs).toBeLessThan(TIMEOUT_MS);
  });

  it('an answer larger than any PayPal answer is refused without being kept', async () => {
    const baseUrl = await stub((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      // Ends well before the timeout if nothing stops it; the client must give up on its own first.
      for (let i = 0; i <= MAX_ANSWER_BYTES / chunk.length; i += 1) res.write(chunk);
      res.end('{}');
    });
    const { error } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.detail).toMatchObject({ operation: 'getOrder', cause: 'network' });
  });

  it('a token answer without a token is a bad response', async () => {
    const { error } = await failure(client(await stub(hang, (_req, res) => json(res, 200, { token_type: 'Bearer' }))).getOrder(ORDER_ID));
    expect(error.detail).toMatchObject({ operation: 'getAccessToken', cause: 'bad_response' });
  });
});

describe('not_found and provider_rejected', () => {
  it('404 → not_found', async () => {
    const baseUrl = await stub((_req, res) =>
      json(res, 404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist.' }] }),
    );
    const { error } = await failure(client(baseUrl).getCapture('27M47624FP291604U'));
    expect(error.code).toBe('not_found');
    expect(error.detail).toMatchObject({ status: 404, paypalName: 'RESOURCE_NOT_FOUND', issue: 'INVALID_RESOURCE_ID' });
  });

  it('a redirect is not followed: the 3xx is a rejection, and its target is never asked', async () => {
    let followed = false;
    const baseUrl = await stub((req, res) => {
      if (req.url?.startsWith('/elsewhere')) {
        followed = true;
        json(res, 200, { id: ORDER_ID, status: 'COMPLETED' });
      } else {
        res.writeHead(302, { location: '/elsewhere' }).end();
      }
    });
    const { error } = await failure(client(baseUrl).getOrder(ORDER_ID));
    expect(error.code).toBe('provider_rejected');
    expect(error.detail).toMatchObject({ operation: 'getOrder', status: 302 });
    expect(followed).toBe(false);
  });

  it('another 4xx → provider_rejected with the first issue, not its value', async () => {
    const baseUrl = await stub((_req, res) =>
      json(res, 422, {
        name: 'UNPROCESSABLE_ENTITY',
        details: [{ issue: 'INSTRUMENT_DECLINED', description: 'The instrument presented was declined.', value: PLANTED }],
        debug_id: 'a1b2c3d4e5f60',
      }),
    );
    const { error } = await failure(client(baseUrl).captureOrder(ORDER_ID, 'request-1'));
    expect(error.code).toBe('provider_rejected');
    expect(error.detail).toEqual({ operation: 'captureOrder', status: 422, paypalName: 'UNPROCESSABLE_ENTITY', issue: 'INSTRUMENT_DECLINED', debugId: 'a1b2c3d4e5f60' });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(PLANTED);
  });
});

async function closeStub(): Promise<void> {
  const current = server;
  server = undefined;
  if (current === undefined) return;
  current.closeAllConnections();
  await new Promise<void>((resolve) => current.close(() => resolve()));
}
