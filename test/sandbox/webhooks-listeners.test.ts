// Webhooks Management: registering, reading, changing and deleting listeners, with PayPal's errors.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { apiFor, type Api } from './support-webhooks';

let sandbox: Sandbox;
let api: Api;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  api = await apiFor(sandbox);
});
afterAll(async () => {
  await sandbox.close();
});
afterEach(async () => {
  const list = await api.call('GET', '/v1/notifications/webhooks');
  for (const w of (list.json as { webhooks: { id: string }[] }).webhooks) {
    await api.call('DELETE', `/v1/notifications/webhooks/${w.id}`);
  }
});

const create = (url: unknown, names: string[] = ['PAYMENT.CAPTURE.COMPLETED']) =>
  api.call('POST', '/v1/notifications/webhooks', { url, event_types: names.map((name) => ({ name })) });

interface WebhookView {
  id: string;
  url: string;
  event_types: { name: string; description: string; status: string }[];
  links: { href: string; rel: string; method: string }[];
}

describe('POST /v1/notifications/webhooks', () => {
  it('creates a webhook with an id, its event types described and HATEOAS links', async () => {
    const created = await create('https://merchant.example/hooks', ['PAYMENT.CAPTURE.COMPLETED', '*']);
    expect(created.status).toBe(201);
    const view = created.json as WebhookView;
    expect(view.id).toMatch(/^[0-9A-Z]{17}$/);
    expect(view.url).toBe('https://merchant.example/hooks');
    expect(view.event_types).toEqual([
      { name: 'PAYMENT.CAPTURE.COMPLETED', description: 'A payment capture completes.', status: 'ENABLED' },
      { name: '*', description: 'ALL', status: 'ENABLED' },
    ]);
    expect(view.links.map((l) => [l.rel, l.method])).toEqual([['self', 'GET'], ['update', 'PATCH'], ['delete', 'DELETE']]);
    expect(view.links[0]?.href).toBe(`${sandbox.baseUrl}/v1/notifications/webhooks/${view.id}`);
  });

  it('accepts plain http URLs so that loopback listeners work', async () => {
    expect((await create('http://127.0.0.1:9/hooks')).status).toBe(201);
  });

  it('rejects a missing or malformed url, missing event types and unknown event names with 400', async () => {
    for (const bad of [
      await api.call('POST', '/v1/notifications/webhooks', { event_types: [{ name: '*' }] }),
      await create('not a url'),
      await create('ftp://merchant.example/hooks'),
      await api.call('POST', '/v1/notifications/webhooks', { url: 'https://merchant.example/a' }),
      await api.call('POST', '/v1/notifications/webhooks', { url: 'https://merchant.example/b', event_types: [] }),
      await create('https://merchant.example/c', ['PAYMENT.CAPTURE.COMPLETE']),
    ]) {
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ name: 'VALIDATION_ERROR', debug_id: expect.any(String) });
    }
    const missingUrl = await api.call('POST', '/v1/notifications/webhooks', { event_types: [{ name: '*' }] });
    expect(missingUrl.json).toMatchObject({ details: [{ field: 'url', location: 'body' }] });
  });

  it('rejects a URL that is already registered with WEBHOOK_URL_ALREADY_EXISTS', async () => {
    await create('https://merchant.example/dup');
    const again = await create('https://merchant.example/dup');
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ name: 'WEBHOOK_URL_ALREADY_EXISTS' });
  });

  it('allows ten webhooks and rejects the eleventh with WEBHOOK_NUMBER_LIMIT_EXCEEDED', async () => {
    for (let i = 0; i < 10; i++) expect((await create(`https://merchant.example/${i}`)).status).toBe(201);
    const eleventh = await create('https://merchant.example/10');
    expect(eleventh.status).toBe(400);
    expect(eleventh.json).toMatchObject({ name: 'WEBHOOK_NUMBER_LIMIT_EXCEEDED' });
  });

  it('needs an access token', async () => {
    const response = await fetch(`${sandbox.baseUrl}/v1/notifications/webhooks`);
    expect(response.status).toBe(401);
  });
});

describe('reading, changing and deleting webhooks', () => {
  it('lists and shows webhooks, and lists one webhook\'s event types', async () => {
    const a = (await create('https://merchant.example/a')).json as WebhookView;
    const b = (await create('https://merchant.example/b', ['*'])).json as WebhookView;
    const list = await api.call('GET', '/v1/notifications/webhooks');
    expect(list.status).toBe(200);
    expect((list.json as { webhooks: WebhookView[] }).webhooks.map((w) => w.id)).toEqual([a.id, b.id]);
    const shown = await api.call('GET', `/v1/notifications/webhooks/${b.id}`);
    expect(shown.json).toEqual(b);
    const types = await api.call('GET', `/v1/notifications/webhooks/${a.id}/event-types`);
    expect(types.json).toEqual({ event_types: a.event_types });
  });

  it('replaces the url and event types with PATCH', async () => {
    const a = (await create('https://merchant.example/a')).json as WebhookView;
    const patched = await api.call('PATCH', `/v1/notifications/webhooks/${a.id}`, [
      { op: 'replace', path: '/url', value: 'https://merchant.example/a2' },
      { op: 'replace', path: '/event_types', value: [{ name: 'PAYMENT.SALE.REFUNDED' }] },
    ]);
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({
      id: a.id,
      url: 'https://merchant.example/a2',
      event_types: [{ name: 'PAYMENT.SALE.REFUNDED' }],
    });
    const bad = await api.call('PATCH', `/v1/notifications/webhooks/${a.id}`, [{ op: 'remove', path: '/url' }]);
    expect(bad.status).toBe(400);
  });

  it('deletes with 204, after which the id is unknown', async () => {
    const a = (await create('https://merchant.example/a')).json as WebhookView;
    const deleted = await api.call('DELETE', `/v1/notifications/webhooks/${a.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    const gone = await api.call('GET', `/v1/notifications/webhooks/${a.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ name: 'INVALID_RESOURCE_ID' });
  });

  it('answers 404 INVALID_RESOURCE_ID for unknown ids on every verb', async () => {
    for (const [method, body] of [['GET'], ['DELETE'], ['PATCH', [{ op: 'replace', path: '/url', value: 'https://x.example' }]]] as const) {
      const response = await api.call(method, '/v1/notifications/webhooks/0000000000000000X', body);
      expect(response.status).toBe(404);
      expect(response.json).toMatchObject({ name: 'INVALID_RESOURCE_ID' });
    }
  });

  it('lists the event types the sandbox knows', async () => {
    const list = await api.call('GET', '/v1/notifications/webhooks-event-types');
    const names = (list.json as { event_types: { name: string }[] }).event_types.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['CHECKOUT.ORDER.APPROVED', 'BILLING.SUBSCRIPTION.ACTIVATED', 'PAYMENT.SALE.COMPLETED']));
  });
});
