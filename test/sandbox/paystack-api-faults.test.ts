// API faults: the next N calls to Paystack's API fail with a 5xx or hang, optionally only under one path;
// the hosted page, the control API and auth are unaffected.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { initialize, openPage, startPaystack, type PaystackHarness } from './support-paystack';

let h: PaystackHarness;
beforeEach(async () => {
  h = await startPaystack();
});
afterEach(() => h.close());

const control = () => h.sandbox.paystack.control;

describe('API faults', () => {
  it('fail: the next N calls answer the status with status:false and change nothing; then calls succeed', async () => {
    control().setApiFaults({ fail: { count: 2, status: 503 } });
    for (let i = 0; i < 2; i++) {
      const reply = await h.call('POST', '/transaction/initialize', { body: { email: 'f@example.test', amount: 100, reference: 'fault-ref' } });
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ status: false, type: 'api_error' });
    }
    const verify = await h.call('GET', '/transaction/verify/fault-ref');
    expect(verify.body.message).toBe('Transaction reference not found');
    const ok = await h.call('POST', '/transaction/initialize', { body: { email: 'f@example.test', amount: 100, reference: 'fault-ref' } });
    expect(ok.status).toBe(200);
    expect(control().apiFaults()).toEqual({ fail: { count: 0, status: 503 } });
  });

  it('a path limits the fault to calls under it', async () => {
    const init = await initialize(h, { email: 'p@example.test', amount: 100 });
    control().setApiFaults({ fail: { count: 1, path: '/transaction/verify' } });
    expect((await h.call('GET', '/plan')).status).toBe(200);
    expect((await h.call('GET', `/transaction/verify/${String(init.reference)}`)).status).toBe(500);
    expect((await h.call('GET', `/transaction/verify/${String(init.reference)}`)).status).toBe(200);
  });

  it('hang: the call waits past a client timeout; the hosted page and the control API still answer', async () => {
    const init = await initialize(h, { email: 'hang@example.test', amount: 100 });
    const set = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/api-faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hang: { count: 1, ms: 5_000 } }),
    });
    expect(await set.json()).toEqual({ hang: { count: 1, ms: 5_000 } });
    const started = Date.now();
    const timedOut = await fetch(`${h.sandbox.paystack.baseUrl}/transaction/verify/${String(init.reference)}`, {
      headers: { authorization: `Bearer ${h.sandbox.paystack.secretKey}` },
      signal: AbortSignal.timeout(300),
    }).then(() => 'answered', (error: unknown) => (error as Error).name);
    expect(timedOut).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await openPage(init.authorization_url as string)).status).toBe(200);
    expect((await h.call('GET', `/transaction/verify/${String(init.reference)}`)).status).toBe(200);
  });

  it('a wrong key is still 401 while faults are set, and bad fault bodies are 400', async () => {
    control().setApiFaults({ fail: { count: 5 } });
    expect((await h.call('GET', '/plan', { key: 'sk_test_wrong' })).status).toBe(401);
    for (const body of [{ fail: { count: -1 } }, { fail: { count: 1, status: 404 } }, { hang: { count: 1, ms: 'long' } }, { crash: {} }]) {
      const res = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/api-faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toMatchObject({ status: false });
    }
    const cleared = await fetch(`${h.sandbox.baseUrl}/__sandbox/paystack/api-faults`, { method: 'DELETE' });
    expect(await cleared.json()).toEqual({});
    expect((await h.call('GET', '/plan')).status).toBe(200);
  });
});
