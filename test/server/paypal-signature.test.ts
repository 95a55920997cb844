// The offline verifier against a genuine PayPal delivery (test/fixtures/paypal/paypal-java-sdk-2019):
// data no one on this project produced, so acceptance here cannot be a shared mistake with the sandbox.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPayPalSignature, type RequestHeaders } from '../../server/providers/paypal/signature/verify';
import { paypalVector } from '../support/paypal-vectors';

const vectorDir = paypalVector('paypal-java-sdk-2019');

const rawBody = readFileSync(path.join(vectorDir, 'body.json'));
const headers = JSON.parse(readFileSync(path.join(vectorDir, 'headers.json'), 'utf8')) as Record<string, string>;
const certificate = new X509Certificate(readFileSync(path.join(vectorDir, 'cert.pem')));
const webhookId = '0FV983392A0531201';
const deliveredAt = Date.parse(headers['paypal-transmission-time'] as string);
const validFrom = Date.parse('2019-04-02T00:00:00Z');
const validTo = Date.parse('2021-05-24T12:00:00Z');

const genuine = { headers, rawBody, webhookId, certificate, now: deliveredAt };

function withHeader(name: string, value: string | string[] | undefined): RequestHeaders {
  return { ...headers, [name]: value };
}

/** Changes one character to another of the same kind, so the value stays well-formed. */
function alterCharacter(value: string, index: number): string {
  const c = value[index] as string;
  const replacement = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'a' ? 'b' : 'a';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

describe('verifyPayPalSignature with the genuine 2019 PayPal delivery', () => {
  it('accepts it as delivered', async () => {
    expect(await verifyPayPalSignature(genuine)).toEqual({ ok: true });
  });

  it('accepts it at both ends of the certificate validity', async () => {
    expect(await verifyPayPalSignature({ ...genuine, now: validFrom })).toEqual({ ok: true });
    expect(await verifyPayPalSignature({ ...genuine, now: validTo })).toEqual({ ok: true });
  });

  it('rejects the body with any single bit flipped, at every byte position', async () => {
    expect(rawBody.length).toBeGreaterThan(3000);
    const accepted: number[] = [];
    for (let position = 0; position < rawBody.length; position += 1) {
      const mutated = Buffer.from(rawBody);
      mutated[position] = (mutated[position] as number) ^ (1 << position % 8);
      const verdict = await verifyPayPalSignature({ ...genuine, rawBody: mutated });
      if (verdict.ok || verdict.code !== 'bad_signature') accepted.push(position);
    }
    expect(accepted).toEqual([]);
  });

  it('rejects a body with a byte added or removed', async () => {
    for (const body of [Buffer.concat([rawBody, Buffer.from('\n')]), rawBody.subarray(0, -1), Buffer.concat([Buffer.from(' '), rawBody])]) {
      expect(await verifyPayPalSignature({ ...genuine, rawBody: body })).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it('rejects a changed transmission id, at every character', async () => {
    const id = headers['paypal-transmission-id'] as string;
    for (let index = 0; index < id.length; index += 1) {
      const verdict = await verifyPayPalSignature({ ...genuine, headers: withHeader('paypal-transmission-id', alterCharacter(id, index)) });
      expect(verdict, `character ${index}`).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it('rejects a changed transmission time, including the same instant written differently', async () => {
    for (const time of ['2019-08-29T10:49:34Z', '2019-08-29T10:49:33.000Z', '2019-08-29T10:49:33+00:00', '2019-08-29 10:49:33Z']) {
      const verdict = await verifyPayPalSignature({ ...genuine, headers: withHeader('paypal-transmission-time', time) });
      expect(verdict, time).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it('rejects when configured with another webhook id', async () => {
    for (const otherId of [alterCharacter(webhookId, 0), alterCharacter(webhookId, webhookId.length - 1), `${webhookId} `, '']) {
      expect(await verifyPayPalSignature({ ...genuine, webhookId: otherId }), otherId).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it('rejects the signature with any single bit flipped', async () => {
    const signature = Buffer.from(headers['paypal-transmission-sig'] as string, 'base64');
    expect(signature.length).toBe(256);
    for (let bit = 0; bit < signature.length * 8; bit += 1) {
      const mutated = Buffer.from(signature);
      mutated[bit >> 3] = (mutated[bit >> 3] as number) ^ (1 << bit % 8);
      const verdict = await verifyPayPalSignature({ ...genuine, headers: withHeader('paypal-transmission-sig', mutated.toString('base64')) });
      expect(verdict.ok, `bit ${bit}`).toBe(false);
    }
  });

  it('rejects a signature header carrying extra characters that a lenient base64 decoder would skip', async () => {
    const sig = headers['paypal-transmission-sig'] as string;
    // The last character before '==' carries two bits of the signature and four zero bits: the next letter
    // decodes to the very same bytes, but is not what PayPal sent.
    const unpadded = sig.replace(/=+$/, '');
    const nonCanonical = `${unpadded.slice(0, -1)}${String.fromCharCode(unpadded.charCodeAt(unpadded.length - 1) + 1)}${sig.slice(unpadded.length)}`;
    expect(Buffer.from(nonCanonical, 'base64')).toEqual(Buffer.from(sig, 'base64'));
    for (const altered of [`${sig}!`, ` ${sig}`, `${sig.slice(0, 10)}\n${sig.slice(10)}`, `${sig}==`, sig.replaceAll('=', ''), nonCanonical]) {
      const verdict = await verifyPayPalSignature({ ...genuine, headers: withHeader('paypal-transmission-sig', altered) });
      expect(verdict).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it('rejects a clock outside the certificate validity', async () => {
    expect(await verifyPayPalSignature({ ...genuine, now: validFrom - 1 })).toMatchObject({ ok: false, code: 'cert_not_yet_valid' });
    expect(await verifyPayPalSignature({ ...genuine, now: validTo + 1 })).toMatchObject({ ok: false, code: 'cert_expired' });
    expect(await verifyPayPalSignature({ ...genuine, now: Date.parse('2025-01-01T00:00:00Z') })).toMatchObject({ ok: false, code: 'cert_expired' });
  });

  it('rejects any other auth algorithm', async () => {
    for (const algo of ['SHA512withRSA', 'sha256withrsa', 'SHA256withECDSA', 'SHA256withRSA ', 'SHA1withRSA']) {
      const verdict = await verifyPayPalSignature({ ...genuine, headers: withHeader('paypal-auth-algo', algo) });
      expect(verdict, algo).toMatchObject({ ok: false, code: 'unsupported_algorithm' });
    }
  });

  it('rejects a missing, empty or repeated signed header', async () => {
    for (const name of ['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-auth-algo']) {
      for (const value of [undefined, '', [headers[name] as string, headers[name] as string]]) {
        const verdict = await verifyPayPalSignature({ ...genuine, headers: withHeader(name, value) });
        expect(verdict, `${name}=${JSON.stringify(value)}`).toMatchObject({ ok: false, code: 'missing_header' });
      }
    }
  });

  it('reads header names lower-case only, as node delivers them', async () => {
    const { 'paypal-transmission-sig': sig, ...rest } = headers;
    const verdict = await verifyPayPalSignature({ ...genuine, headers: { ...rest, 'PAYPAL-TRANSMISSION-SIG': sig } });
    expect(verdict).toMatchObject({ ok: false, code: 'missing_header' });
  });
});

interface SignedDelivery2015 { name: string; body_file: string; webhook_id: string; headers: Record<string, string> }

describe('verifyPayPalSignature with the genuine 2015–2016 PayPal deliveries (three SDKs)', () => {
  const dir = paypalVector('paypal-sdk-2015-2016');
  const deliveries = JSON.parse(readFileSync(path.join(dir, 'signed-deliveries-2015-2016.json'), 'utf8')) as SignedDelivery2015[];
  const certificate2015 = new X509Certificate(readFileSync(path.join(dir, 'CERT-360caa42-fca2a594-a5cafa77.sandbox-2015.pem')));
  const inputs = deliveries.map((d) => ({
    name: d.name,
    input: {
      headers: d.headers,
      rawBody: readFileSync(path.join(dir, d.body_file)),
      webhookId: d.webhook_id,
      certificate: certificate2015,
      now: Date.parse(d.headers['paypal-transmission-time'] as string),
    },
  }));

  it('accepts all three as delivered', async () => {
    expect(inputs).toHaveLength(3);
    for (const { name, input } of inputs) expect(await verifyPayPalSignature(input), name).toEqual({ ok: true });
  });

  it('rejects each with one byte of its body changed', async () => {
    for (const { name, input } of inputs) {
      const body = Buffer.from(input.rawBody);
      const at = body.indexOf('"id"') + 7;
      body[at] = (body[at] as number) ^ 1;
      expect(await verifyPayPalSignature({ ...input, rawBody: body }), name).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });

  it("rejects the .NET SDK's own negative cases: body id changed to XX…, signature or transmission id prefixed XXX", async () => {
    for (const { name, input } of inputs) {
      const body = Buffer.from(input.rawBody.toString('utf8').replace(/"id":"WH-/, '"id":"XX-'));
      expect(body.equals(input.rawBody), name).toBe(false);
      const sig = `XXX${input.headers['paypal-transmission-sig']}`;
      const id = `XXX${input.headers['paypal-transmission-id']}`;
      expect(await verifyPayPalSignature({ ...input, rawBody: body }), name).toMatchObject({ ok: false });
      expect(await verifyPayPalSignature({ ...input, headers: { ...input.headers, 'paypal-transmission-sig': sig } }), name).toMatchObject({ ok: false });
      expect(await verifyPayPalSignature({ ...input, headers: { ...input.headers, 'paypal-transmission-id': id } }), name).toMatchObject({ ok: false, code: 'bad_signature' });
    }
  });
});
