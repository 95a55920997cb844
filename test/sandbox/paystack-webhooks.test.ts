// Paystack webhooks from the stand-in: {event, data} bodies signed with x-paystack-signature (hex HMAC-SHA512 of
// the raw body under the secret key), retried until a 2xx, and the same delivery faults as the PayPal side.
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPaystackSignature } from '../../sandbox/paystack/webhooks/signature';
import { paidTransaction, startPaystack, type PaystackHarness } from './support-paystack';

let h: PaystackHarness;
beforeEach(async () => {
  h = await startPaystack();
});
afterEach(() => h.close());

const pay = (amount = 10_000) => paidTransaction(h, { email: 'hooks@example.test', amount, callback_url: 'https://merchant.example/cb' });
const control = () => h.sandbox.paystack.control;
const controlUrl = (path: string) => `${h.sandbox.baseUrl}/__sandbox/paystack${path}`;

describe('signature', () => {
  it('x-paystack-signature is the hex HMAC-SHA512 of the raw body under the secret key', async () => {
    await pay();
    const [delivery] = await h.listener.waitFor(1);
    if (!delivery) throw new Error('no delivery');
    expect(delivery.headers['content-type']).toBe('application/json');
    const signature = delivery.headers['x-paystack-signature'];
    const expected = createHmac('sha512', h.sandbox.paystack.secretKey).update(delivery.body).digest('hex');
    expect(signature).toBe(expected);
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    expect(JSON.parse(delivery.body)).toMatchObject({ event: 'charge.success', data: { status: 'success' } });

    // Over the raw bytes only: the same event re-serialized, or under another key, does not verify.
    const reserialized = JSON.stringify(JSON.parse(delivery.body), null, 1);
    expect(verifyPaystackSignature(h.sandbox.paystack.secretKey, delivery.body, signature as string)).toBe(true);
    expect(verifyPaystackSignature(h.sandbox.paystack.secretKey, reserialized, signature as string)).toBe(false);
    expect(verifyPaystackSignature('sk_test_other', delivery.body, signature as string)).toBe(false);
  });

  it('a configured secret key signs with that key', async () => {
    await h.close();
    h = await startPaystack({ paystack: { secretKey: 'sk_test_0123456789abcdef0123456789abcdef01234567' } });
    expect((await h.call('GET', '/plan')).status).toBe(200);
    await pay();
    const [delivery] = await h.listener.waitFor(1);
    const expected = createHmac('sha512', 'sk_test_0123456789abcdef0123456789abcdef01234567').update(delivery?.body ?? '').digest('hex');
    expect(delivery?.headers['x-paystack-signature']).toBe(expected);
  });
});

describe('retries', () => {
  it('a non-2xx answer or a hang is retried on the schedule until the first 2xx, with the same body', async () => {
    h.listener.reply = (n) => (n === 0 ? 500 : n === 1 ? 'hang' : 200);
    await pay();
    await control().settle(10_000);
    const deliveries = h.listener.received;
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries.map((d) => d.body)).size).toBe(1);
    expect(new Set(deliveries.map((d) => d.headers['x-paystack-signature'])).size).toBe(1);
    const [event] = control().listEvents();
    expect(event?.transmissions.map((t) => ({ attempt: t.attempt, status: t.statusCode, error: t.error }))).toEqual([
      { attempt: 1, status: 500, error: undefined },
      { attempt: 2, status: undefined, error: 'TIMEOUT' },
      { attempt: 3, status: 200, error: undefined },
    ]);
  });

  it('gives up after the last retry', async () => {
    h.listener.reply = () => 503;
    await pay();
    await control().settle(10_000);
    expect(h.listener.received).toHaveLength(4); // FAST_RETRIES: three retries
  });

  it('with no webhook URL events are recorded and not sent; the URL can be set later over HTTP', async () => {
    control().setWebhookUrl(undefined);
    await pay();
    await control().settle();
    expect(h.listener.received).toHaveLength(0);
    expect(control().listEvents().map((e) => e.event)).toEqual(['charge.success']);
    const set = await fetch(controlUrl('/webhook-url'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: h.listener.url }),
    });
    expect(await set.json()).toEqual({ url: h.listener.url });
    await pay();
    await h.listener.waitFor(1);
  });
});

describe('faults', () => {
  it('duplicate: each event reaches the listener N times', async () => {
    control().setFaults({ duplicate: 3 });
    await pay();
    await control().settle();
    expect(h.listener.received).toHaveLength(3);
    expect(new Set(h.listener.received.map((d) => d.body)).size).toBe(1);
  });

  it('failFirst: the first attempts fail without reaching the listener, then retries deliver', async () => {
    control().setFaults({ failFirst: 2 });
    await pay();
    await control().settle();
    expect(h.listener.received).toHaveLength(1);
    expect(control().listEvents()[0]?.transmissions.map((t) => t.error ?? t.statusCode)).toEqual(['INJECTED_FAILURE', 'INJECTED_FAILURE', 200]);
  });

  it('failFirst beyond the schedule drops the event', async () => {
    control().setFaults({ failFirst: 10 });
    await pay();
    await control().settle();
    expect(h.listener.received).toHaveLength(0);
  });

  it('delayMs: every attempt waits first', async () => {
    control().setFaults({ delayMs: 300 });
    const start = Date.now();
    await pay();
    const [delivery] = await h.listener.waitFor(1);
    expect((delivery?.receivedAt ?? 0) - start).toBeGreaterThanOrEqual(290);
  });

  it('shuffle: deliveries are held until flushed, then all arrive', async () => {
    control().setFaults({ shuffle: {} });
    await pay();
    await pay();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.listener.received).toHaveLength(0);
    const flushed = await fetch(controlUrl('/webhooks/flush'), { method: 'POST' });
    expect(flushed.status).toBe(204);
    await h.listener.waitFor(2);
  });

  it('publishing off: the sandbox\'s own changes send nothing (dropped), and deliver still sends a body verbatim', async () => {
    control().setPublishing(false);
    await pay();
    await control().settle();
    expect(h.listener.received).toHaveLength(0);
    const body = '{"event":"charge.success","data":{"reference":"x1",  "status":"success"}}';
    const res = await fetch(controlUrl('/webhooks/deliver'), { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ event: 'charge.success' });
    const [delivery] = await h.listener.waitFor(1);
    expect(delivery?.body).toBe(body);
    expect(delivery?.headers['x-paystack-signature']).toBe(createHmac('sha512', h.sandbox.paystack.secretKey).update(body).digest('hex'));
  });

  it('faults over HTTP: set, read, clear; unknown or out-of-range fields are 400', async () => {
    const set = await fetch(controlUrl('/webhooks/faults'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ duplicate: 2, delayMs: 10 }),
    });
    expect(await set.json()).toEqual({ duplicate: 2, delayMs: 10 });
    const bad = await fetch(controlUrl('/webhooks/faults'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ explode: true }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: false });
    const cleared = await fetch(controlUrl('/webhooks/faults'), { method: 'DELETE' });
    expect(await cleared.json()).toEqual({});
    const settled = await fetch(controlUrl('/webhooks/settle'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(await settled.json()).toEqual({ settled: true, pending: 0 });
    const events = await fetch(controlUrl('/webhooks/events'));
    expect(await events.json()).toEqual({ events: [] });
  });

  it('the PayPal listeners never see Paystack events', async () => {
    expect(h.sandbox.control.listEvents()).toHaveLength(0);
    await pay();
    await control().settle();
    expect(h.sandbox.control.listEvents()).toHaveLength(0);
    expect(control().listEvents()).toHaveLength(1);
  });
});
