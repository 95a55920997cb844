// At-least-once delivery: retries on the configured schedule until the first 2xx, timeouts count as failures,
// subscriptions filter by event type, and settle() waits for all of it.
import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index';
import { apiFor, registerWebhook, sampleEvent, startListener, webhookHarness } from './support-webhooks';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

async function harness(options: Parameters<typeof webhookHarness>[0] = {}) {
  const h = await webhookHarness(options);
  cleanup.push(h.close);
  return h;
}

describe('retries', () => {
  it('stop at the first 2xx: fails twice, then succeeds → exactly 3 attempts', async () => {
    const h = await harness({ retryDelaysMs: [30, 30, 30, 30, 30] });
    h.listener.reply = (n) => (n < 2 ? 503 : 204);
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);

    expect(h.listener.received).toHaveLength(3);
    const transmissionIds = h.listener.received.map((r) => r.headers['paypal-transmission-id']);
    expect(new Set(transmissionIds).size).toBe(3);
    expect(new Set(h.listener.received.map((r) => r.body)).size).toBe(1);
    expect(event.transmissions.map((t) => [t.attempt, t.statusCode])).toEqual([[1, 503], [2, 503], [3, 204]]);
    expect(event.transmissions.map((t) => t.transmissionId)).toEqual(transmissionIds);
  });

  it('wait the configured delay before each retry', async () => {
    const h = await harness({ retryDelaysMs: [150] });
    h.listener.reply = (n) => (n === 0 ? 500 : 200);
    h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    const [first, second] = h.listener.received;
    expect((second?.receivedAt ?? 0) - (first?.receivedAt ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('give up after retryDelaysMs.length + 1 attempts', async () => {
    const h = await harness({ retryDelaysMs: [10, 10] });
    h.listener.reply = () => 500;
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(3);
    expect(event.transmissions).toHaveLength(3);
  });

  it('count a timeout as a failure and retry it', async () => {
    const h = await harness({ retryDelaysMs: [10, 10], deliveryTimeoutMs: 150 });
    h.listener.reply = (n) => (n === 0 ? 'hang' : 200);
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(2);
    expect(event.transmissions.map((t) => [t.statusCode, t.error])).toEqual([[undefined, 'TIMEOUT'], [200, undefined]]);
  });

  it('count a refused connection as a failure', async () => {
    const sandbox = await startSandbox({ port: 0, retryDelaysMs: [10] });
    cleanup.push(() => sandbox.close());
    const gone = await startListener();
    await gone.close();
    await registerWebhook(await apiFor(sandbox), gone.url);
    const event = sandbox.control.deliverEvent(sampleEvent());
    await sandbox.control.settle(5_000);
    expect(event.transmissions).toHaveLength(2);
    expect(event.transmissions.every((t) => t.statusCode === undefined && t.error === 'ECONNREFUSED')).toBe(true);
  });
});

describe('routing', () => {
  it('delivers only to listeners subscribed to the event type or to *', async () => {
    const h = await harness();
    const sales = await startListener();
    const captures = await startListener();
    cleanup.push(sales.close, captures.close);
    await registerWebhook(h.api, sales.url, ['PAYMENT.SALE.COMPLETED']);
    await registerWebhook(h.api, captures.url, ['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.REFUNDED']);
    h.sandbox.control.deliverEvent(sampleEvent({ event_type: 'PAYMENT.CAPTURE.REFUNDED' }));
    await h.sandbox.control.settle(5_000);
    expect(captures.received).toHaveLength(1);
    expect(sales.received).toHaveLength(0);
    expect(h.listener.received).toHaveLength(1); // subscribed to *
  });

  it('signs each listener\'s copy with that listener\'s webhook id', async () => {
    const h = await harness();
    const other = await startListener();
    cleanup.push(other.close);
    await registerWebhook(h.api, other.url);
    const event = h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    expect(new Set(event.transmissions.map((t) => t.webhookId)).size).toBe(2);
    expect(event.transmissions.find((t) => t.url === h.listener.url)?.webhookId).toBe(h.webhookId);
  });

  it('stops retrying for a listener deleted meanwhile', async () => {
    const h = await harness({ retryDelaysMs: [100, 100] });
    h.listener.reply = () => 500;
    h.sandbox.control.deliverEvent(sampleEvent());
    await h.listener.waitFor(1);
    await h.api.call('DELETE', `/v1/notifications/webhooks/${h.webhookId}`);
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(1);
  });
});

describe('settle()', () => {
  it('resolves at once when nothing is pending', async () => {
    const h = await harness();
    await expect(h.sandbox.control.settle(10)).resolves.toBeUndefined();
  });

  it('waits for retries in progress and rejects with WEBHOOKS_NOT_SETTLED after its timeout', async () => {
    const h = await harness({ retryDelaysMs: [400] });
    h.listener.reply = (n) => (n === 0 ? 500 : 200);
    h.sandbox.control.deliverEvent(sampleEvent());
    await expect(h.sandbox.control.settle(50)).rejects.toMatchObject({ code: 'WEBHOOKS_NOT_SETTLED', pending: 1 });
    await h.sandbox.control.settle(5_000);
    expect(h.listener.received).toHaveLength(2);
  });

  it('is reachable over HTTP', async () => {
    const h = await harness({ retryDelaysMs: [300] });
    h.listener.reply = (n) => (n === 0 ? 500 : 200);
    h.sandbox.control.deliverEvent(sampleEvent());
    const settle = (timeoutMs: number) =>
      fetch(`${h.sandbox.baseUrl}/__sandbox/webhooks/settle`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ timeoutMs }),
      }).then((r) => r.json());
    expect(await settle(20)).toEqual({ settled: false, pending: 1 });
    expect(await settle(5_000)).toEqual({ settled: true, pending: 0 });
  });
});

describe('close()', () => {
  it('cancels pending retries and in-flight requests and returns promptly', async () => {
    const sandbox = await startSandbox({ port: 0, retryDelaysMs: [60_000], deliveryTimeoutMs: 60_000 });
    const failing = await startListener();
    const hanging = await startListener();
    cleanup.push(failing.close, hanging.close);
    failing.reply = () => 500;
    hanging.reply = () => 'hang';
    const api = await apiFor(sandbox);
    await registerWebhook(api, failing.url);
    await registerWebhook(api, hanging.url);
    sandbox.control.deliverEvent(sampleEvent());
    await Promise.all([failing.waitFor(1), hanging.waitFor(1)]);

    const started = Date.now();
    await sandbox.close();
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
