// POST /v1/notifications/verify-webhook-signature, and the raw-JSON scanner behind it.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawMemberText } from '../../sandbox/webhooks/raw-json';
import { sampleEvent, webhookHarness, type ReceivedDelivery } from './support-webhooks';

let h: Awaited<ReturnType<typeof webhookHarness>>;
let delivery: ReceivedDelivery;
// Pretty-printed on purpose: the CRC is over these exact bytes, whitespace included.
const eventText = JSON.stringify(sampleEvent({ id: 'WH-VERIFY-1' }), null, 2);

beforeAll(async () => {
  h = await webhookHarness();
  h.sandbox.control.deliverEvent(eventText);
  [delivery] = (await h.listener.waitFor(1)) as [ReceivedDelivery];
});
afterAll(async () => {
  await h.close();
});

/** The verify request a merchant builds from a delivery, with the event's text spliced in verbatim. */
function verifyRequest(overrides: Record<string, string> = {}, webhookEvent = delivery.body): string {
  const fields = {
    auth_algo: String(delivery.headers['paypal-auth-algo']),
    cert_url: String(delivery.headers['paypal-cert-url']),
    transmission_id: String(delivery.headers['paypal-transmission-id']),
    transmission_sig: String(delivery.headers['paypal-transmission-sig']),
    transmission_time: String(delivery.headers['paypal-transmission-time']),
    webhook_id: h.webhookId,
    ...overrides,
  };
  return `${JSON.stringify(fields).slice(0, -1)},"webhook_event":${webhookEvent}}`;
}

async function verify(body: string): Promise<{ status: number; json: unknown }> {
  const { status, json } = await h.api.call('POST', '/v1/notifications/verify-webhook-signature', body);
  return { status, json };
}

describe('verify-webhook-signature', () => {
  it('answers SUCCESS for a delivery passed on unchanged', async () => {
    expect(await verify(verifyRequest())).toEqual({ status: 200, json: { verification_status: 'SUCCESS' } });
  });

  it('answers SUCCESS when webhook_event is not the last member', async () => {
    const body = `{"webhook_event":${delivery.body},${verifyRequest().slice(1, verifyRequest().indexOf(',"webhook_event"'))}}`;
    expect((await verify(body)).json).toEqual({ verification_status: 'SUCCESS' });
  });

  it('answers FAILURE when one byte of the event changed', async () => {
    const changed = delivery.body.replace('49.00', '48.00');
    expect(changed).not.toBe(delivery.body);
    expect(await verify(verifyRequest({}, changed))).toEqual({ status: 200, json: { verification_status: 'FAILURE' } });
  });

  it('answers FAILURE when only whitespace inside webhook_event changed (re-serialized)', async () => {
    const compact = JSON.stringify(JSON.parse(delivery.body));
    expect(compact).not.toBe(delivery.body);
    expect((await verify(verifyRequest({}, compact))).json).toEqual({ verification_status: 'FAILURE' });
  });

  it('answers FAILURE for a changed signed field, a foreign cert_url or another auth_algo', async () => {
    for (const overrides of <Record<string, string>[]>[
      { webhook_id: 'ANOTHERWEBHOOK000' },
      { transmission_time: '2020-01-01T00:00:00Z' },
      { transmission_id: '00000000-0000-1000-8000-000000000000' },
      { cert_url: 'https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-1d93a270' },
      { auth_algo: 'SHA512withRSA' },
      { transmission_sig: Buffer.from('not a signature').toString('base64') },
    ]) {
      expect((await verify(verifyRequest(overrides))).json).toEqual({ verification_status: 'FAILURE' });
    }
  });

  it('answers 400 VALIDATION_ERROR when a field is missing', async () => {
    const full = JSON.parse(verifyRequest()) as Record<string, unknown>;
    for (const field of Object.keys(full)) {
      const { [field]: _dropped, ...rest } = full;
      const response = await verify(JSON.stringify(rest));
      expect(response.status).toBe(400);
      expect(response.json).toMatchObject({ name: 'VALIDATION_ERROR', details: [{ field }] });
    }
  });

  it('needs an access token', async () => {
    const response = await fetch(`${h.sandbox.baseUrl}/v1/notifications/verify-webhook-signature`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: verifyRequest(),
    });
    expect(response.status).toBe(401);
  });
});

describe('rawMemberText', () => {
  it('returns the value of a top-level member exactly as written', () => {
    const text = ' { "a" : [1, {"webhook_event": "inner"}] ,\n "webhook_event" :\t{ "x" : "}\\"{" , "y":[ ] } , "z":null } ';
    expect(rawMemberText(text, 'webhook_event')).toBe('{ "x" : "}\\"{" , "y":[ ] }');
    expect(rawMemberText(text, 'z')).toBe('null');
    expect(rawMemberText(text, 'missing')).toBeUndefined();
  });

  it('decodes escaped member names and keeps the last of repeated names, as JSON.parse does', () => {
    expect(rawMemberText('{"webhook\\u005fevent":{"a":1}}', 'webhook_event')).toBe('{"a":1}');
    expect(rawMemberText('{"k":1,"k":  "two"}', 'k')).toBe('"two"');
  });

  it('answers undefined for text that is not a JSON object', () => {
    for (const bad of ['', '[]', '{"k":}', '{"k":1', '{"k":"unterminated}', '{"k":1} extra', '{k:1}', '{"\\x":1}']) {
      expect(rawMemberText(bad, 'k')).toBeUndefined();
    }
  });

  it('finds any member value in any formatting of any JSON object (property)', () => {
    const whitespace = fc.stringMatching(/^[ \t\n\r]{0,3}$/);
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 5 }),
        fc.jsonValue(),
        fc.integer({ min: 0, max: 2 }),
        whitespace,
        whitespace,
        (others, value, indent, before, after) => {
          const { target: _ignored, ...rest } = others;
          const valueText = JSON.stringify(value, null, indent);
          const members = Object.entries(rest).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v, null, indent)}`);
          members.splice(members.length >> 1, 0, `"target"${before}:${after}${valueText}`);
          const text = `{${members.join(`,${before}`)}}`;
          expect(rawMemberText(text, 'target')).toBe(valueText);
        },
      ),
      { numRuns: 300 },
    );
  });
});
