// Delivery faults, observed where they matter: at a listener.
import { afterEach, describe, expect, it } from 'vitest';
import { sampleEvent, webhookHarness } from './support-webhooks';

let h: Awaited<ReturnType<typeof webhookHarness>>;
afterEach(async () => {
  await h.close();
});

const ids = (bodies: { body: string }[]) => bodies.map((r) => (JSON.parse(r.body) as { id: string }).id);

describe('duplicate', () => {
  it('delivers every event N times, one after another, each copy signed afresh', async () => {
    h = await webhookHarness();
    h.sandbox.control.setFaults({ duplicate: 3 });
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(3);
    expect(new Set(h.listener.received.map((r) => r.body)).size).toBe(1);
    expect(new Set(h.listener.received.map((r) => r.headers['paypal-transmission-id'])).size).toBe(3);
    expect(event.transmissions).toHaveLength(3);
  });

  it('sends the copies sequentially: the next starts only after the previous is answered', async () => {
    h = await webhookHarness();
    h.listener.reply = () => 'hang'; // withholding every answer stops a sequential sender at the first copy
    h.sandbox.control.setFaults({ duplicate: 3 });
    h.sandbox.control.deliverEvent(sampleEvent());
    await h.listener.waitFor(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(h.listener.received).toHaveLength(1);
  });

  it('sends the copies at the same moment when concurrent', async () => {
    h = await webhookHarness();
    h.listener.reply = () => 'hang'; // nothing is answered, yet all copies arrive
    h.sandbox.control.setFaults({ duplicate: 4, concurrent: true });
    h.sandbox.control.deliverEvent(sampleEvent());
    const received = await h.listener.waitFor(4, 2_000);
    expect(new Set(received.map((r) => r.body)).size).toBe(1);
  });
});

describe('shuffle', () => {
  it('holds deliveries until flushed, then releases all of them in random order', async () => {
    h = await webhookHarness();
    h.sandbox.control.setFaults({ shuffle: {} });
    const sent = Array.from({ length: 24 }, (_, i) => h.sandbox.control.deliverEvent(sampleEvent({ id: `WH-ORDER-${i}` })).id);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.listener.received).toHaveLength(0);
    await expect(h.sandbox.control.settle(20)).rejects.toMatchObject({ code: 'WEBHOOKS_NOT_SETTLED' });

    h.sandbox.control.flushShuffled();
    await h.sandbox.control.settle(5_000);
    const arrived = ids(h.listener.received);
    expect([...arrived].sort()).toEqual([...sent].sort());
    expect(arrived).not.toEqual(sent); // 1 in 24! to fail by chance
  });

  it('releases held deliveries by itself after the window', async () => {
    h = await webhookHarness();
    h.sandbox.control.setFaults({ shuffle: { windowMs: 150 } });
    const started = Date.now();
    for (let i = 0; i < 5; i++) h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(5);
    expect((h.listener.received[0]?.receivedAt ?? 0) - started).toBeGreaterThanOrEqual(140);
  });

  it('releases what it holds when the faults are cleared', async () => {
    h = await webhookHarness();
    h.sandbox.control.setFaults({ shuffle: {} });
    h.sandbox.control.deliverEvent(sampleEvent());
    h.sandbox.control.clearFaults();
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(1);
  });
});

describe('failFirst', () => {
  it('fails the first K attempts without reaching the listener, then retries deliver', async () => {
    h = await webhookHarness({ retryDelaysMs: [10, 10, 10] });
    h.sandbox.control.setFaults({ failFirst: 2 });
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(1);
    expect(event.transmissions.map((t) => [t.attempt, t.error, t.statusCode])).toEqual([
      [1, 'INJECTED_FAILURE', undefined],
      [2, 'INJECTED_FAILURE', undefined],
      [3, undefined, 200],
    ]);
  });

  it('never delivers when K covers every attempt', async () => {
    h = await webhookHarness({ retryDelaysMs: [10] });
    h.sandbox.control.setFaults({ failFirst: 5 });
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(0);
    expect(event.transmissions).toHaveLength(2);
  });
});

describe('delay', () => {
  it('holds every attempt back by D ms', async () => {
    h = await webhookHarness();
    h.sandbox.control.setFaults({ delayMs: 200 });
    const started = Date.now();
    h.sandbox.control.deliverEvent(sampleEvent());
    const [received] = await h.listener.waitFor(1);
    expect((received?.receivedAt ?? 0) - started).toBeGreaterThanOrEqual(190);
  });
});

describe('the control routes (/__sandbox/webhooks/*)', () => {
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${h.sandbox.baseUrl}/__sandbox/webhooks${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });

  it('sets, reads and clears faults, and rejects unknown or out-of-range ones', async () => {
    h = await webhookHarness();
    const set = await control('POST', '/faults', { duplicate: 2, concurrent: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ duplicate: 2, concurrent: true });
    expect(await (await control('GET', '/faults')).json()).toEqual({ duplicate: 2, concurrent: true });

    h.sandbox.control.deliverEvent(sampleEvent());
    await h.listener.waitFor(2);

    for (const bad of [{ duplicate: 0 }, { failFirst: -1 }, { delayMs: 'soon' }, { duplicates: 2 }]) {
      const response = await control('POST', '/faults', bad);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ name: 'VALIDATION_ERROR' });
    }
    expect(await (await control('DELETE', '/faults')).json()).toEqual({});
  });

  it('flushes shuffled deliveries', async () => {
    h = await webhookHarness();
    await control('POST', '/faults', { shuffle: true });
    h.sandbox.control.deliverEvent(sampleEvent());
    expect((await control('POST', '/flush')).status).toBe(204);
    await h.listener.waitFor(1);
  });

  it('delivers a posted body byte for byte to the named listener', async () => {
    h = await webhookHarness();
    const body = '{ "id": "WH-HTTP-1", "event_type": "PAYMENT.SALE.COMPLETED" }';
    const response = await fetch(`${h.sandbox.baseUrl}/__sandbox/webhooks/deliver?webhook_id=${h.webhookId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ id: 'WH-HTTP-1', event_type: 'PAYMENT.SALE.COMPLETED' });
    const [received] = await h.listener.waitFor(1);
    expect(received?.body).toBe(body);
  });

  it('delivers text that is not JSON when sent as text/plain, and lists it with its transmissions', async () => {
    h = await webhookHarness();
    const body = '{"id":"WH-BROKEN", truncated';
    const response = await fetch(`${h.sandbox.baseUrl}/__sandbox/webhooks/deliver`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    expect(response.status).toBe(202);
    const [received] = await h.listener.waitFor(1);
    expect(received?.body).toBe(body);
    await h.sandbox.control.settle(5_000);
    const listed = (await (await control('GET', '/events')).json()) as { events: { transmissions: unknown[] }[] };
    expect(listed.events).toHaveLength(1);
    expect(listed.events[0]?.transmissions).toMatchObject([{ status: 'SUCCESS', webhook_id: h.webhookId }]);
  });

  it('tells the certificate URL and the CA', async () => {
    h = await webhookHarness();
    const cert = (await (await control('GET', '/cert')).json()) as { cert_url: string; ca_pem: string };
    expect(cert).toEqual({ cert_url: h.sandbox.control.certUrl(), ca_pem: h.sandbox.caCertificatePem });
    expect((await fetch(cert.cert_url)).status).toBe(200);
  });
});
