// Deliveries are signed exactly as PayPal signs them. The verifier below is written from PayPal's documented
// algorithm and shares no code with the sandbox; it must accept the sandbox's deliveries and a genuine
// PayPal-signed delivery alike, and reject both after any change.
import { X509Certificate, createVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/index';
import { paypalVector } from '../support/paypal-vectors';
import { sampleEvent, startListener, webhookHarness, apiFor, registerWebhook } from './support-webhooks';

interface SignedDelivery {
  transmissionId: string;
  transmissionTime: string;
  transmissionSig: string;
  authAlgo: string;
  webhookId: string;
  body: Buffer;
}

// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as PayPal's SDKs compute it.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function paypalVerifies(d: SignedDelivery, certPem: string): boolean {
  if (d.authAlgo !== 'SHA256withRSA') return false;
  const expected = `${d.transmissionId}|${d.transmissionTime}|${d.webhookId}|${crc32(d.body)}`;
  return createVerify('RSA-SHA256').update(expected).verify(certPem, d.transmissionSig, 'base64');
}

function mutations(d: SignedDelivery): SignedDelivery[] {
  const flipped = Buffer.from(d.body);
  const middle = Math.floor(flipped.length / 2);
  flipped.writeUInt8(flipped.readUInt8(middle) ^ 0x01, middle);
  return [
    { ...d, body: flipped },
    { ...d, body: Buffer.concat([d.body, Buffer.from(' ')]) },
    { ...d, transmissionId: d.transmissionId.replace(/.$/, (c) => (c === '0' ? '1' : '0')) },
    { ...d, transmissionTime: d.transmissionTime.replace(/\d(?=Z$)/, (c) => String((Number(c) + 1) % 10)) },
    // A changed last character (a random id may already end in 'X': then 'Y').
    { ...d, webhookId: d.webhookId.replace(/.$/, (c) => (c === 'X' ? 'Y' : 'X')) },
    { ...d, authAlgo: 'SHA1withRSA' },
  ];
}

describe('the genuine PayPal test vector (paypal-java-sdk-2019)', () => {
  const headers = JSON.parse(readFileSync(paypalVector('paypal-java-sdk-2019', 'headers.json'), 'utf8')) as Record<string, string>;
  const delivery: SignedDelivery = {
    transmissionId: headers['paypal-transmission-id'] ?? '',
    transmissionTime: headers['paypal-transmission-time'] ?? '',
    transmissionSig: headers['paypal-transmission-sig'] ?? '',
    authAlgo: headers['paypal-auth-algo'] ?? '',
    webhookId: '0FV983392A0531201',
    body: readFileSync(paypalVector('paypal-java-sdk-2019', 'body.json')),
  };
  const certPem = readFileSync(paypalVector('paypal-java-sdk-2019', 'cert.pem'), 'utf8');

  it('is accepted by the verifier', () => {
    expect(paypalVerifies(delivery, certPem)).toBe(true);
  });

  it('is rejected after any change to the body or a signed field', () => {
    for (const changed of mutations(delivery)) expect(paypalVerifies(changed, certPem)).toBe(false);
  });
});

describe('a sandbox delivery', () => {
  let h: Awaited<ReturnType<typeof webhookHarness>>;
  beforeEach(async () => {
    h = await webhookHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('carries PayPal headers, an exact body and a signature the independent verifier accepts', async () => {
    const body = JSON.stringify(sampleEvent(), null, 1);
    h.sandbox.control.deliverEvent(body);
    const [received] = await h.listener.waitFor(1);
    if (!received) throw new Error('no delivery');
    const headers = received.headers;

    expect(received.body).toBe(body);
    expect(headers['content-type']).toBe('application/json');
    expect(headers['paypal-auth-algo']).toBe('SHA256withRSA');
    expect(headers['paypal-auth-version']).toBe('v2');
    expect(headers['user-agent']).toMatch(/^PayPal\//);
    expect(headers['paypal-transmission-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(headers['paypal-transmission-time']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(headers['paypal-cert-url']).toMatch(
      new RegExp(`^${h.sandbox.baseUrl}/v1/notifications/certs/CERT-[0-9a-z-]+$`),
    );

    // Fetched like a merchant would: no token.
    const certResponse = await fetch(String(headers['paypal-cert-url']));
    expect(certResponse.status).toBe(200);
    const chainPem = await certResponse.text();
    const signed: SignedDelivery = {
      transmissionId: String(headers['paypal-transmission-id']),
      transmissionTime: String(headers['paypal-transmission-time']),
      transmissionSig: String(headers['paypal-transmission-sig']),
      authAlgo: String(headers['paypal-auth-algo']),
      webhookId: h.webhookId,
      body: Buffer.from(received.body, 'utf8'),
    };
    expect(paypalVerifies(signed, chainPem)).toBe(true);
    for (const changed of mutations(signed)) expect(paypalVerifies(changed, chainPem)).toBe(false);
  });

  it('is signed by a certificate named like PayPal\'s and issued by the sandbox CA', async () => {
    h.sandbox.control.deliverEvent(sampleEvent());
    const [received] = await h.listener.waitFor(1);
    const chainPem = await (await fetch(String(received?.headers['paypal-cert-url']))).text();
    const leaf = new X509Certificate(chainPem);
    const ca = new X509Certificate(h.sandbox.caCertificatePem);

    expect(leaf.subject).toContain('CN=messageverificationcerts.sandbox.paypal.com');
    expect(leaf.ca).toBe(false);
    expect(ca.ca).toBe(true);
    expect(ca.subject).toContain('CN=Hardbound PayPal Sandbox CA');
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    const now = h.sandbox.clock.now();
    expect(Date.parse(leaf.validFrom)).toBeLessThan(now);
    expect(Date.parse(leaf.validTo)).toBeGreaterThan(now);
    // The chain served after the leaf is the CA itself.
    expect(chainPem).toContain(h.sandbox.caCertificatePem.trim());
  });

  it('delivers a given string byte for byte, even one that is not JSON', async () => {
    const exact = '{"id":"WH-EXACT-1",  "event_type":"PAYMENT.CAPTURE.COMPLETED","note":"caf\\u00e9 ☕"}\n';
    const notJson = '{"id": truncated';
    h.sandbox.control.deliverEvent(exact);
    h.sandbox.control.deliverEvent(notJson);
    const received = await h.listener.waitFor(2);
    expect(received.map((r) => r.body).sort()).toEqual([exact, notJson].sort());
    expect(h.sandbox.control.listEvents().map((e) => e.id)).toContain('WH-EXACT-1');
  });

  it('is signed afresh on every attempt', async () => {
    h.listener.reply = (n) => (n === 0 ? 500 : 200);
    h.sandbox.control.deliverEvent(sampleEvent());
    await h.sandbox.control.settle(5_000);
    const [first, second] = h.listener.received;
    expect(first?.body).toBe(second?.body);
    expect(first?.headers['paypal-transmission-id']).not.toBe(second?.headers['paypal-transmission-id']);
    expect(first?.headers['paypal-transmission-sig']).not.toBe(second?.headers['paypal-transmission-sig']);
  });
});

describe('the certificate endpoint', () => {
  it('serves the PEM chain without a token and 404s an unknown certificate id', async () => {
    const sandbox = await startSandbox({ port: 0 });
    try {
      const certUrl = sandbox.control.certUrl();
      const response = await fetch(certUrl);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/application\/x-pem-file/);
      const pem = await response.text();
      expect(pem.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
      const unknown = await fetch(`${sandbox.baseUrl}/v1/notifications/certs/CERT-360caa42-00000000-00000000`);
      expect(unknown.status).toBe(404);
    } finally {
      await sandbox.close();
    }
  });

  it('differs between sandboxes, so a verifier cannot pass on a stale certificate', async () => {
    const [a, b] = await Promise.all([startSandbox({ port: 0 }), startSandbox({ port: 0 })]);
    const listener = await startListener();
    try {
      await registerWebhook(await apiFor(a), listener.url);
      a.control.deliverEvent(sampleEvent());
      const [received] = await listener.waitFor(1);
      const otherCa = new X509Certificate(b.caCertificatePem);
      const leaf = new X509Certificate(await (await fetch(String(received?.headers['paypal-cert-url']))).text());
      expect(leaf.checkIssued(otherCa)).toBe(false);
      expect(leaf.verify(otherCa.publicKey)).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close(), listener.close()]);
    }
  });
});
