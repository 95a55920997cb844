// Bad input on the webhook route (and an unknown checkout): a clear 4xx with a machine-readable code, no
// stack trace, nothing written to any table, the webhook counter moved, and a log line without the body.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckout, newAnchor, payOnHostedPage, poll, startHarness, type Harness } from './harness';
import {
  dumpTables, postWebhook, replay, signedDelivery, STACK_TRACE, webhookCount, type RecordedDelivery, type WebhookAnswer,
} from './support-webhooks';

let h: Harness;
/** A genuine delivery, signed by the sandbox for the server's webhook id, of an event the server acts on. */
let genuine: RecordedDelivery;

beforeAll(async () => {
  h = await startHarness();
  // A completed purchase first, so "no table changed" compares real rows, not empty tables.
  const c = await createCheckout(h, newAnchor());
  await payOnHostedPage(c.approveUrl);
  expect((await poll(h, c, 20)).status).toBe('completed');
  await h.sandbox.control.settle(10_000);
  const completed = h.sandbox.control.listEvents().find((e) => e.eventType === 'PAYMENT.CAPTURE.COMPLETED');
  genuine = await signedDelivery(h, completed!.body);
});
afterAll(async () => {
  await h?.close();
});

/** A string that must never show up in the logs: it stands for the body. */
const marker = (): string => `BODYMARKER${randomBytes(8).toString('hex')}`;

const logLines = (from: number): Record<string, unknown>[] =>
  h.logs.slice(from).join('').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

interface Rejection {
  status: number;
  code: string;
  /** Text of the body that must not be logged. */
  secret: string;
  /** The webhook counter's outcome label, when the request is a webhook. */
  counted?: string;
}

/** Sends, then checks everything a rejection must (and must not) leave behind. */
async function expectRejected(send: () => Promise<WebhookAnswer>, expected: Rejection): Promise<void> {
  const before = dumpTables(h);
  const counted = expected.counted === undefined ? 0 : webhookCount(h, expected.counted);
  const logFrom = h.logs.length;

  const answer = await send();

  expect(answer.status).toBe(expected.status);
  expect(answer.json).toEqual({ error: { code: expected.code, message: expect.any(String) } });
  expect(answer.text).not.toMatch(STACK_TRACE);
  expect(dumpTables(h)).toEqual(before);
  if (expected.counted !== undefined) expect(webhookCount(h, expected.counted)).toBe(counted + 1);
  const lines = logLines(logFrom);
  expect(lines.some((l) => l.code === expected.code && String(l.msg).includes('webhook'))).toBe(true);
  expect(h.logs.slice(logFrom).join('')).not.toContain(expected.secret);
}

const withHeader = (d: RecordedDelivery, name: string, value: string | undefined): Record<string, string> => {
  const headers = { ...d.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return headers;
};

/** The same base64 signature with one character changed. */
function alteredSignature(sig: string): string {
  const i = Math.floor(sig.length / 2);
  return `${sig.slice(0, i)}${sig[i] === 'A' ? 'B' : 'A'}${sig.slice(i + 1)}`;
}

describe('POST /v1/webhooks/paypal with bad input', () => {
  it('the genuine delivery itself is accepted (so the rejections below are caused by the change made)', async () => {
    const answer = await replay(h, genuine);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: true, outcome: 'duplicate' });
  });

  it('a signature that does not match: 401 bad_signature', async () => {
    const secret = marker();
    const sig = genuine.headers['paypal-transmission-sig']!;
    const body = Buffer.concat([genuine.body.subarray(0, -1), Buffer.from(`,"x":"${secret}"}`)]);
    await expectRejected(() => postWebhook(h, withHeader(genuine, 'paypal-transmission-sig', alteredSignature(sig)), genuine.body), {
      status: 401, code: 'bad_signature', secret: genuine.body.toString('utf8').slice(0, 60), counted: 'bad_signature',
    });
    await expectRejected(() => postWebhook(h, genuine.headers, body), { status: 401, code: 'bad_signature', secret, counted: 'bad_signature' });
  });

  it('missing or altered signed fields: 401 bad_signature', async () => {
    const secret = genuine.body.toString('utf8').slice(0, 60);
    for (const name of ['paypal-transmission-sig', 'paypal-transmission-id', 'paypal-transmission-time', 'paypal-auth-algo', 'paypal-cert-url']) {
      await expectRejected(() => postWebhook(h, withHeader(genuine, name, undefined), genuine.body), { status: 401, code: 'bad_signature', secret, counted: 'bad_signature' });
    }
    const near = new Date(Date.parse(genuine.headers['paypal-transmission-time']!) + 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await expectRejected(() => postWebhook(h, withHeader(genuine, 'paypal-transmission-time', near), genuine.body), {
      status: 401, code: 'bad_signature', secret, counted: 'bad_signature',
    });
    await expectRejected(() => postWebhook(h, withHeader(genuine, 'paypal-auth-algo', 'SHA1withRSA'), genuine.body), {
      status: 401, code: 'bad_signature', secret, counted: 'bad_signature',
    });
  });

  it('a certificate URL off the allow-list: 401 cert_url_not_allowed, nothing fetched from it', async () => {
    const secret = genuine.body.toString('utf8').slice(0, 60);
    const name = new URL(genuine.headers['paypal-cert-url']!).pathname.split('/').pop()!;
    const sandbox = new URL(h.sandbox.baseUrl);
    for (const url of [
      `https://evil.example/v1/notifications/certs/${name}`,
      `http://api.paypal.com/v1/notifications/certs/${name}`,
      `https://api.paypal.com.evil.example/v1/notifications/certs/${name}`,
      `https://user@api.paypal.com/v1/notifications/certs/${name}`,
      `http://${sandbox.hostname}:${Number(sandbox.port) + 1}/v1/notifications/certs/${name}`,
      `${h.sandbox.baseUrl}/v1/notifications/certs/../../oauth2/token`,
      'not a url',
    ]) {
      await expectRejected(() => postWebhook(h, withHeader(genuine, 'paypal-cert-url', url), genuine.body), {
        status: 401, code: 'cert_url_not_allowed', secret, counted: 'cert_url_not_allowed',
      });
    }
  });

  it('a correctly signed body that is not JSON: 400 invalid_json', async () => {
    const secret = marker();
    const delivery = await signedDelivery(h, `{"id": "${secret}", not json`);
    await expectRejected(() => replay(h, delivery), { status: 400, code: 'invalid_json', secret, counted: 'invalid_json' });
  });

  it('a transmission time outside the freshness window: 400 stale_transmission / future_transmission, before any signature work', async () => {
    const secret = genuine.body.toString('utf8').slice(0, 60);
    const sent = Date.parse(genuine.headers['paypal-transmission-time']!);
    const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    // A captured delivery replayed a month later, and one dated ahead of the server's clock.
    await expectRejected(() => postWebhook(h, withHeader(genuine, 'paypal-transmission-time', '2001-01-01T00:00:00Z'), genuine.body), {
      status: 400, code: 'stale_transmission', secret, counted: 'stale_transmission',
    });
    await expectRejected(() => postWebhook(h, withHeader(genuine, 'paypal-transmission-time', at(sent + 16 * 60_000)), genuine.body), {
      status: 400, code: 'future_transmission', secret, counted: 'future_transmission',
    });
  });

  it('a correctly signed JSON body that is not a PayPal event: 400 bad_request', async () => {
    const secret = marker();
    for (const body of [`["${secret}"]`, `{"id":"${secret}"}`, `{"id":"WH-1","event_type":"${secret}"}`]) {
      const delivery = await signedDelivery(h, body);
      await expectRejected(() => replay(h, delivery), { status: 400, code: 'bad_request', secret, counted: 'bad_request' });
    }
  });

  it('a signed event of a type we act on that cannot be read: recorded as unreadable (type and reason only) and answered 200', async () => {
    const secret = marker();
    const eventId = `WH-${randomBytes(8).toString('hex').toUpperCase()}`;
    const delivery = await signedDelivery(h, `{"id":"${eventId}","event_type":"PAYMENT.CAPTURE.COMPLETED","create_time":"2024-01-01T00:00:00Z","summary":"${secret}"}`);
    const before = webhookCount(h, 'unreadable');
    const answer = await replay(h, delivery);
    expect(answer).toMatchObject({ status: 200, json: { received: true, outcome: 'unreadable' } });
    expect(webhookCount(h, 'unreadable')).toBe(before + 1);
    const row = dumpTables(h).webhook_inbox!.find((r) => r.event_id === eventId);
    expect(row).toMatchObject({ event_type: 'PAYMENT.CAPTURE.COMPLETED', outcome: 'unreadable', reason: 'missing_resource', resource_id: '' });
    expect(JSON.stringify(dumpTables(h))).not.toContain(secret);
    expect(h.logs.join('')).not.toContain(secret);
    // PayPal's retry of the same event changes nothing more.
    expect((await replay(h, await signedDelivery(h, delivery.body.toString('utf8')))).json).toEqual({ received: true, outcome: 'duplicate' });
  });

  it('a malformed create_time is no reason to refuse an event: its type\'s own rules decide', async () => {
    const eventId = `WH-${randomBytes(8).toString('hex').toUpperCase()}`;
    const delivery = await signedDelivery(h, `{"id":"${eventId}","event_type":"BILLING.PLAN.CREATED","create_time":"2018-19-12T22:20:32.000Z","resource":{}}`);
    expect((await replay(h, delivery)).json).toEqual({ received: true, outcome: 'ignored' });
  });

  it('an empty body: 400 bad_request', async () => {
    await expectRejected(() => postWebhook(h, genuine.headers, Buffer.alloc(0)), { status: 400, code: 'bad_request', secret: 'paypal-transmission-sig', counted: 'bad_request' });
  });

  it('a body over 256 KiB: 413 payload_too_large', async () => {
    const secret = marker();
    const body = `{"id":"${secret}","pad":"${'x'.repeat(256 * 1024)}"}`;
    await expectRejected(() => postWebhook(h, genuine.headers, body), { status: 413, code: 'payload_too_large', secret, counted: 'payload_too_large' });
  });

  it('a body just under the limit is read (and then judged by its signature)', async () => {
    const secret = marker();
    const body = Buffer.alloc(256 * 1024 - 2, 'x');
    body.write(`{"${secret}":"`, 0);
    body.write('"}', body.length - 2);
    await expectRejected(() => postWebhook(h, genuine.headers, body), { status: 401, code: 'bad_signature', secret, counted: 'bad_signature' });
  });

  it('a content type other than JSON: 415 unsupported_media_type', async () => {
    const secret = genuine.body.toString('utf8').slice(0, 60);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      await expectRejected(() => postWebhook(h, withHeader(genuine, 'content-type', type), genuine.body), {
        status: 415, code: 'unsupported_media_type', secret, counted: 'unsupported_media_type',
      });
    }
    await expectRejected(() => postWebhook(h, withHeader(genuine, 'content-type', undefined), genuine.body), {
      status: 415, code: 'unsupported_media_type', secret, counted: 'unsupported_media_type',
    });
  });

  it('the counters are on GET /metrics', async () => {
    const res = await h.api<string>('GET', '/metrics');
    for (const outcome of ['bad_signature', 'cert_url_not_allowed', 'invalid_json', 'bad_request', 'payload_too_large', 'unsupported_media_type']) {
      expect(res.body).toMatch(new RegExp(`^hardbound_webhooks_total\\{outcome="${outcome}",provider="paypal"\\} [1-9]\\d*$`, 'm'));
    }
  });
});

describe('GET /v1/checkouts/:id for an unknown checkout', () => {
  it('404 checkout_not_found, nothing written, no stack trace', async () => {
    const before = dumpTables(h);
    const logFrom = h.logs.length;
    const token = `hbp_${marker()}`;
    const res = await fetch(`${h.server.url}/v1/checkouts/chk_doesnotexist0000`, { headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    expect(res.status).toBe(404);
    expect(JSON.parse(text)).toEqual({ error: { code: 'checkout_not_found', message: expect.any(String) } });
    expect(text).not.toMatch(STACK_TRACE);
    expect(dumpTables(h)).toEqual(before);
    expect(logLines(logFrom).some((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 404)).toBe(true);
    expect(h.logs.slice(logFrom).join('')).not.toContain(token);
  });
});

// Last in the file: it moves the shared clock past the genuine delivery's freshness window for good.
describe('a genuine delivery replayed later', () => {
  it('is refused once the freshness window has passed on the server\'s clock: 400 stale_transmission', async () => {
    const secret = genuine.body.toString('utf8').slice(0, 60);
    expect((await replay(h, genuine)).json).toEqual({ received: true, outcome: 'duplicate' });
    h.clock.advance(16 * 60_000);
    await expectRejected(() => replay(h, genuine), { status: 400, code: 'stale_transmission', secret, counted: 'stale_transmission' });
  });
});
