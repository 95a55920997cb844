// When PayPal cannot be reached, support actions that must move money or billing first change nothing at all:
// a subscription is never left revoked while PayPal keeps billing it, and no audit row claims what did not happen.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ApiErrorBody } from '../../common/api';
import { paypalApi, startHarness, type Harness } from './harness';
import { auditRows, buy, supportCall } from './support-staff';

let h: Harness;
let proxy: Server;
let target = '';
/** Requests to PayPal matching this are answered 503, as an outage would. */
let failing: RegExp | null = null;
let staff: string;

beforeAll(async () => {
  proxy = createServer((req, res) => {
    if (failing?.test(req.url ?? '')) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"name":"SERVICE_UNAVAILABLE"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== 'host' && k !== 'content-length')) as Record<string, string>;
      fetch(`${target}${req.url}`, { method: req.method, headers, ...(chunks.length ? { body: Buffer.concat(chunks) } : {}) })
        .then(async (answer) => res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await answer.arrayBuffer())))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  h = await startHarness({
    paypalApiBase: (sandboxUrl) => {
      target = sandboxUrl;
      return `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    },
  });
  staff = await h.server.support.createToken('olga', 'act');
});
afterAll(async () => {
  await h?.close();
  proxy?.close();
});

it('revoking a subscription while PayPal cannot cancel it: 503, nothing revoked, nothing audited, PayPal still shows it active', async () => {
  const p = await buy(h, 'enterprise-monthly');
  const before = (await auditRows(h)).length;
  failing = /\/cancel$/;
  try {
    const res = await supportCall<ApiErrorBody>(h, staff, 'POST', `/v1/support/licenses/${p.view.license.id}/revoke`, { reason: 'abuse' });
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'provider_unavailable', message: expect.stringMatching(/revoke was not made/) });
  } finally {
    failing = null;
  }
  expect((await h.server.store.db.selectFrom('licenses').select('status').where('id', '=', p.view.license.id).executeTakeFirstOrThrow()).status).toBe('active');
  expect((await auditRows(h)).length).toBe(before);
  expect((await paypalApi(h).getSubscription(p.providerId)).status).toBe('ACTIVE');
});

it('a refund PayPal cannot take: 503, the license unchanged, nothing audited', async () => {
  const p = await buy(h);
  const before = (await auditRows(h)).length;
  failing = /\/refund$/;
  try {
    const res = await supportCall<ApiErrorBody>(h, staff, 'POST', `/v1/support/licenses/${p.view.license.id}/refund`, { reason: 'asked' });
    expect([res.status, res.body.error.code]).toEqual([503, 'provider_unavailable']);
  } finally {
    failing = null;
  }
  expect((await auditRows(h)).length).toBe(before);
  expect((await paypalApi(h).getCapture(p.view.license.transactionId!)).status).toBe('COMPLETED');
});
