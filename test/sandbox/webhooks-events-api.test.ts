// Webhooks Events API: list with filters, show with transmissions, resend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWebhook, sampleEvent, startListener, webhookHarness, type TestListener } from './support-webhooks';

let h: Awaited<ReturnType<typeof webhookHarness>>;
const PATH = '/v1/notifications/webhooks-events';

interface EventList {
  events: { id: string; event_type: string; create_time: string; resource: { id: string } }[];
  count: number;
  links: { href: string; rel: string; method: string }[];
}

beforeAll(async () => {
  h = await webhookHarness();
  const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
  h.sandbox.control.deliverEvent(sampleEvent({ id: 'WH-A', create_time: at(1), event_type: 'CHECKOUT.ORDER.APPROVED', resource: { id: 'ORDER1' } }));
  h.sandbox.control.deliverEvent(sampleEvent({ id: 'WH-B', create_time: at(2), resource: { id: 'CAPTURE1', supplementary_data: { related_ids: { order_id: 'ORDER1' } } } }));
  h.sandbox.control.deliverEvent(sampleEvent({ id: 'WH-C', create_time: at(3), event_type: 'PAYMENT.CAPTURE.REFUNDED', resource: { id: 'REFUND1' } }));
  h.sandbox.control.deliverEvent(sampleEvent({ id: 'WH-D', create_time: at(4), event_type: 'PAYMENT.SALE.COMPLETED', resource: { id: 'SALE1', billing_agreement_id: 'I-SUB1' } }));
  await h.sandbox.control.settle(5_000);
});
afterAll(async () => {
  await h.close();
});

const list = async (query = '') => {
  const response = await h.api.call('GET', `${PATH}${query}`);
  expect(response.status).toBe(200);
  return response.json as EventList;
};
const listedIds = async (query = '') => (await list(query)).events.map((e) => e.id);

describe('GET /v1/notifications/webhooks-events', () => {
  it('lists events newest first in PayPal\'s envelope with a count', async () => {
    const all = await list();
    expect(all.events.map((e) => e.id)).toEqual(['WH-D', 'WH-C', 'WH-B', 'WH-A']);
    expect(all.count).toBe(4);
    expect(all.events[0]).toMatchObject({ event_type: 'PAYMENT.SALE.COMPLETED', resource: { id: 'SALE1' } });
    expect(all.events[0]).not.toHaveProperty('transmissions');
  });

  it('filters by event_type, start_time/end_time (inclusive) and transaction_id', async () => {
    expect(await listedIds('?event_type=PAYMENT.CAPTURE.COMPLETED')).toEqual(['WH-B']);
    expect(await listedIds('?start_time=2026-03-01T10:02:00Z&end_time=2026-03-01T10:03:00Z')).toEqual(['WH-C', 'WH-B']);
    expect(await listedIds('?start_time=2026-03-01T10:04:00Z')).toEqual(['WH-D']);
    expect(await listedIds('?transaction_id=ORDER1')).toEqual(['WH-B', 'WH-A']);
    expect(await listedIds('?transaction_id=I-SUB1')).toEqual(['WH-D']);
    expect(await listedIds('?transaction_id=NOPE')).toEqual([]);
  });

  it('pages with page_size and a next link', async () => {
    const first = await list('?page_size=3');
    expect(first.events.map((e) => e.id)).toEqual(['WH-D', 'WH-C', 'WH-B']);
    expect(first.count).toBe(3);
    const next = first.links.find((l) => l.rel === 'next');
    expect(next).toBeDefined();
    const rest = await list(new URL(next?.href ?? '').search);
    expect(rest.events.map((e) => e.id)).toEqual(['WH-A']);
    expect(rest.links.some((l) => l.rel === 'next')).toBe(false);
  });

  it('rejects a page_size over 300, a bad time or a bad page with 400', async () => {
    for (const query of ['?page_size=301', '?page_size=0', '?page_size=ten', '?start_time=yesterday']) {
      const response = await h.api.call('GET', `${PATH}${query}`);
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ name: 'VALIDATION_ERROR', details: [{ location: 'query' }] });
    }
  });

  it('defaults to ten events per page', async () => {
    for (let i = 0; i < 8; i++) h.sandbox.control.deliverEvent(sampleEvent({ create_time: '2026-02-01T00:00:00.000Z' }));
    await h.sandbox.control.settle(5_000);
    expect((await list()).count).toBe(10);
  });
});

describe('GET /v1/notifications/webhooks-events/{id}', () => {
  it('shows the event with its transmissions', async () => {
    const shown = await h.api.call('GET', `${PATH}/WH-B`);
    expect(shown.status).toBe(200);
    expect(shown.json).toMatchObject({
      id: 'WH-B',
      event_type: 'PAYMENT.CAPTURE.COMPLETED',
      transmissions: [
        {
          webhook_id: h.webhookId,
          transmission_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          url: h.listener.url,
          status: 'SUCCESS',
          http_status: 200,
          attempt: 1,
          time: expect.stringMatching(/Z$/),
        },
      ],
    });
  });

  it('records failed attempts as FAILURE with the listener\'s status', async () => {
    const failing = await startListener();
    failing.reply = () => 502;
    try {
      const webhookId = await registerWebhook(h.api, failing.url, ['PAYMENT.SALE.REFUNDED']);
      h.sandbox.control.deliverEvent(sampleEvent({ id: 'WH-FAIL', event_type: 'PAYMENT.SALE.REFUNDED' }), { webhookIds: [webhookId] });
      await h.sandbox.control.settle(5_000);
      const shown = (await h.api.call('GET', `${PATH}/WH-FAIL`)).json as { transmissions: { status: string; http_status: number }[] };
      expect(shown.transmissions.map((t) => [t.status, t.http_status])).toEqual([
        ['FAILURE', 502], ['FAILURE', 502], ['FAILURE', 502], ['FAILURE', 502],
      ]);
      await h.api.call('DELETE', `/v1/notifications/webhooks/${webhookId}`);
    } finally {
      await failing.close();
    }
  });

  it('answers 404 for an unknown event id', async () => {
    const response = await h.api.call('GET', `${PATH}/WH-NOPE`);
    expect(response.status).toBe(404);
    expect(response.json).toMatchObject({ name: 'INVALID_RESOURCE_ID' });
  });
});

describe('POST /v1/notifications/webhooks-events/{id}/resend', () => {
  let second: TestListener;
  beforeAll(async () => {
    second = await startListener();
  });
  afterAll(async () => {
    await second.close();
  });

  it('answers 202 with the event and delivers it again, freshly signed, with the same body', async () => {
    const before = h.listener.received.length;
    const original = h.listener.received.find((r) => r.body.includes('"WH-C"'));
    const resent = await h.api.call('POST', `${PATH}/WH-C/resend`, {});
    expect(resent.status).toBe(202);
    expect(resent.json).toMatchObject({ id: 'WH-C', event_type: 'PAYMENT.CAPTURE.REFUNDED' });
    await h.sandbox.control.settle(5_000);
    const again = h.listener.received.slice(before);
    expect(again).toHaveLength(1);
    expect(again[0]?.body).toBe(original?.body);
    expect(again[0]?.headers['paypal-transmission-id']).not.toBe(original?.headers['paypal-transmission-id']);
    const shown = (await h.api.call('GET', `${PATH}/WH-C`)).json as { transmissions: unknown[] };
    expect(shown.transmissions).toHaveLength(2);
  });

  it('delivers only to the webhook_ids given', async () => {
    const secondId = await registerWebhook(h.api, second.url, ['CHECKOUT.ORDER.APPROVED']);
    const before = h.listener.received.length;
    const resent = await h.api.call('POST', `${PATH}/WH-D/resend`, { webhook_ids: [secondId] });
    expect(resent.status).toBe(202);
    await h.sandbox.control.settle(5_000);
    expect(second.received).toHaveLength(1);
    expect(second.received[0]?.headers['paypal-transmission-sig']).toBeDefined();
    expect(h.listener.received.length).toBe(before);
  });

  it('answers 404 for an unknown event and 400 for an unknown webhook id', async () => {
    expect((await h.api.call('POST', `${PATH}/WH-NOPE/resend`, {})).status).toBe(404);
    const badWebhook = await h.api.call('POST', `${PATH}/WH-A/resend`, { webhook_ids: ['NOSUCHWEBHOOK0000'] });
    expect(badWebhook.status).toBe(400);
  });
});
