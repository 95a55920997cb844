// End to end over loopback: the sandbox signs and delivers a webhook to a listener registered like a real
// one; the server's verifier, fetching the sandbox's certificate chain, accepts it and rejects alterations.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { PayPalSignatureVerifier, type FetchLike } from '../../server/providers/paypal/signature/index';
import { accessToken } from '../sandbox/support-auth';

interface Captured {
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

let sandbox: Sandbox;
let listener: Server;
let webhookId: string;
const captured: Captured[] = [];

async function registerListener(url: string): Promise<string> {
  const response = await fetch(`${sandbox.baseUrl}/v1/notifications/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await accessToken(sandbox)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url, event_types: [{ name: '*' }] }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

/** Has the sandbox deliver `body` and returns what the listener received. */
async function deliver(body: string): Promise<Captured> {
  const before = captured.length;
  sandbox.control.deliverEvent(body);
  await sandbox.control.settle();
  expect(captured).toHaveLength(before + 1);
  return captured[before] as Captured;
}

const eventBody = (id: string) =>
  JSON.stringify({
    id,
    event_version: '1.0',
    create_time: new Date().toISOString(),
    resource_type: 'capture',
    event_type: 'PAYMENT.CAPTURE.COMPLETED',
    summary: 'Payment completed for EUR 49.0 EUR',
    resource: { id: '5O190127TN364715T', status: 'COMPLETED', amount: { currency_code: 'EUR', value: '49.00' }, note: 'Zoë – café' },
  });

const verifierFor = (options: { webhookId?: string; sandboxOrigin?: string; trustedCaPem?: string; fetch?: FetchLike } = {}) =>
  new PayPalSignatureVerifier({
    webhookId: options.webhookId ?? webhookId,
    clock: sandbox.clock,
    sandboxOrigin: 'sandboxOrigin' in options ? options.sandboxOrigin : sandbox.baseUrl,
    trustedCaPem: 'trustedCaPem' in options ? options.trustedCaPem : sandbox.caCertificatePem,
    fetch: options.fetch,
  });

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, host: '127.0.0.1' });
  listener = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      captured.push({ headers: req.headers, rawBody: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  webhookId = await registerListener(`http://127.0.0.1:${(listener.address() as AddressInfo).port}/webhooks/paypal`);
});

afterAll(async () => {
  await sandbox?.close();
  listener?.closeAllConnections();
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
});

describe('PayPalSignatureVerifier against sandbox deliveries', () => {
  it('accepts a delivery exactly as the sandbox sent it', async () => {
    const body = eventBody('WH-SANDBOX-E2E-1');
    const delivery = await deliver(body);
    expect(delivery.rawBody.toString('utf8')).toBe(body);
    expect(delivery.headers['paypal-cert-url']).toBe(sandbox.control.certUrl());
    expect(await verifierFor().verify(delivery)).toEqual({ ok: true });
  });

  it('rejects the same headers over a body with one byte changed', async () => {
    const delivery = await deliver(eventBody('WH-SANDBOX-E2E-2'));
    const verifier = verifierFor();
    expect(await verifier.verify(delivery)).toEqual({ ok: true });
    const valueAt = delivery.rawBody.indexOf('49.00');
    const forged = Buffer.from(delivery.rawBody);
    forged[valueAt] = '9'.charCodeAt(0);
    expect(await verifier.verify({ ...delivery, rawBody: forged })).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('rejects a delivery meant for another webhook listener', async () => {
    const delivery = await deliver(eventBody('WH-SANDBOX-E2E-3'));
    expect(await verifierFor({ webhookId: 'WH-SOMEONE-ELSE' }).verify(delivery)).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('fetches the sandbox certificate chain once for many deliveries', async () => {
    const fetched: string[] = [];
    const fetch: FetchLike = (url, init) => {
      fetched.push(url);
      return globalThis.fetch(url, init);
    };
    const verifier = verifierFor({ fetch });
    for (const n of [4, 5, 6]) expect(await verifier.verify(await deliver(eventBody(`WH-SANDBOX-E2E-${n}`)))).toEqual({ ok: true });
    expect(fetched).toEqual([sandbox.control.certUrl()]);
  });

  it('trusts the sandbox only when configured to', async () => {
    const delivery = await deliver(eventBody('WH-SANDBOX-E2E-7'));
    expect(await verifierFor({ sandboxOrigin: undefined }).verify(delivery)).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
    expect(await verifierFor({ trustedCaPem: undefined }).verify(delivery)).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
  });
});
