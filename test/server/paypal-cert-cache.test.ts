// Certificate fetching, chain checking and caching, with a PKI generated here and served from a local
// node:http server playing the sandbox's /v1/notifications/certs/ route.
import { webcrypto, X509Certificate } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';
// @peculiar/x509 loads tsyringe, which needs the Reflect metadata API installed first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CertificateCache } from '../../server/providers/paypal/signature/cert-cache';
import { PayPalSignatureVerifier, type FetchLike } from '../../server/providers/paypal/signature/index';
import { verifyPayPalSignature } from '../../server/providers/paypal/signature/verify';

const SANDBOX_CN = 'messageverificationcerts.sandbox.paypal.com';
const WEBHOOK_ID = 'WH-TEST-4N1831857K';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const startedAt = Date.now();

const RSA = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

interface Issued {
  pem: string;
  keys: webcrypto.CryptoKeyPair;
  name: string;
}

let serial = 1;
async function issue(
  subject: string,
  options: { by?: Issued; ca?: boolean; validFor?: [number, number]; keyAlgorithm?: typeof RSA | typeof ECDSA } = {},
): Promise<Issued> {
  const keyAlgorithm = options.keyAlgorithm ?? RSA;
  const keys = (await webcrypto.subtle.generateKey(keyAlgorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const [from, to] = options.validFor ?? [startedAt - DAY, startedAt + 30 * DAY];
  const extensions = options.ca ? [new x509.BasicConstraintsExtension(true, undefined, true)] : [];
  const common = { serialNumber: (serial++).toString(16).padStart(2, '0'), notBefore: new Date(from), notAfter: new Date(to), extensions };
  const certificate = options.by
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject,
        issuer: options.by.name,
        publicKey: keys.publicKey,
        signingKey: options.by.keys.privateKey,
        signingAlgorithm: RSA,
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: subject, keys, signingAlgorithm: keyAlgorithm });
  return { pem: certificate.toString('pem'), keys, name: subject };
}

async function deliveryFrom(leaf: Issued, certUrl: string, body = `{"id":"WH-${serial++}","event_type":"PAYMENT.CAPTURE.COMPLETED"}`) {
  const transmissionId = webcrypto.randomUUID();
  const transmissionTime = new Date(startedAt).toISOString();
  const rawBody = Buffer.from(body);
  const message = Buffer.from(`${transmissionId}|${transmissionTime}|${WEBHOOK_ID}|${crc32(rawBody)}`);
  const signature = Buffer.from(await webcrypto.subtle.sign(RSA, leaf.keys.privateKey, message));
  const headers = {
    'paypal-transmission-id': transmissionId,
    'paypal-transmission-time': transmissionTime,
    'paypal-transmission-sig': signature.toString('base64'),
    'paypal-auth-algo': 'SHA256withRSA',
    'paypal-cert-url': certUrl,
    'content-type': 'application/json',
  };
  return { headers, rawBody };
}

// ---- the local certificate server ----------------------------------------------------------------------

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const routes = new Map<string, Handler>();
const hits = new Map<string, number>();
let server: Server;
let origin: string;

const servePem = (pem: string): Handler => (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/x-pem-file' });
  res.end(pem);
};
const stall: Handler = () => {};

/** A fresh certificate name of PayPal's shape (CERT-360caa42-fca2a594-1d93a270). */
const certName = () => `CERT-360caa42-${(serial++).toString(16).padStart(8, '0')}-00000000`;

/** Publishes a handler under a fresh cert URL; returns that URL and its request counter. */
function publish(handler: Handler): { url: string; fetches: () => number } {
  const path = `/v1/notifications/certs/${certName()}`;
  routes.set(path, handler);
  return { url: `${origin}${path}`, fetches: () => hits.get(path) ?? 0 };
}

function fixedClock(at = startedAt) {
  const clock = { at, now: () => clock.at };
  return clock;
}

let root: Issued;
let intermediate: Issued;
let leaf: Issued;
let chainPem: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const handler = routes.get(path);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  root = await issue('CN=Hardbound Test Root CA', { ca: true });
  intermediate = await issue('CN=Hardbound Test Intermediate CA', { by: root, ca: true });
  leaf = await issue(`CN=${SANDBOX_CN}`, { by: intermediate });
  chainPem = leaf.pem + '\n' + intermediate.pem;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const verifier = (options: { clock?: { now(): number }; fetch?: FetchLike; trusted?: boolean; sandbox?: boolean } = {}) =>
  new PayPalSignatureVerifier({
    webhookId: WEBHOOK_ID,
    clock: options.clock ?? fixedClock(),
    sandboxOrigin: options.sandbox === false ? undefined : origin,
    trustedCaPem: options.trusted === false ? undefined : root.pem,
    fetch: options.fetch,
  });

// ---- tests ---------------------------------------------------------------------------------------------

describe('PayPalSignatureVerifier with fetched certificates', () => {
  it('verifies many concurrent deliveries with one fetch of the certificate chain', async () => {
    const cert = publish(servePem(chainPem));
    const v = verifier();
    const deliveries = await Promise.all(Array.from({ length: 25 }, () => deliveryFrom(leaf, cert.url)));
    const verdicts = await Promise.all(deliveries.map((d) => v.verify(d)));
    expect(verdicts).toEqual(deliveries.map(() => ({ ok: true })));
    expect(await v.verify(await deliveryFrom(leaf, cert.url))).toEqual({ ok: true });
    expect(cert.fetches()).toBe(1);
  });

  it('rejects a body changed after signing, with the certificate from the cache', async () => {
    const cert = publish(servePem(chainPem));
    const v = verifier();
    const delivery = await deliveryFrom(leaf, cert.url, '{"amount":"10.00"}');
    expect(await v.verify(delivery)).toEqual({ ok: true });
    expect(await v.verify({ ...delivery, rawBody: Buffer.from('{"amount":"90.00"}') })).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(cert.fetches()).toBe(1);
  });

  it('accepts a leaf issued by the trusted CA directly', async () => {
    const direct = await issue(`CN=${SANDBOX_CN}`, { by: root });
    const cert = publish(servePem(direct.pem));
    expect(await verifier().verify(await deliveryFrom(direct, cert.url))).toEqual({ ok: true });
  });

  it('uses the injected fetch', async () => {
    const cert = publish(servePem(chainPem));
    const fetched: string[] = [];
    const fetch: FetchLike = (url, init) => {
      fetched.push(url);
      return globalThis.fetch(url, init);
    };
    expect(await verifier({ fetch }).verify(await deliveryFrom(leaf, cert.url))).toEqual({ ok: true });
    expect(fetched).toEqual([cert.url]);
  });

  it.each([
    ['a CN outside PayPal', 'CN=evil.example'],
    ['a lookalike CN', `CN=${SANDBOX_CN}.evil.example`],
    ['a second CN', `CN=${SANDBOX_CN}, CN=evil.example`],
    ['the right name in O, not CN', `O=${SANDBOX_CN}, CN=evil.example`],
  ])('rejects a well-chained certificate with %s', async (_why, subject) => {
    const other = await issue(subject, { by: intermediate });
    const cert = publish(servePem(other.pem + intermediate.pem));
    expect(await verifier().verify(await deliveryFrom(other, cert.url))).toMatchObject({ ok: false, code: 'cert_subject' });
  });

  it('rejects a correctly named certificate whose key is not RSA', async () => {
    const ec = await issue(`CN=${SANDBOX_CN}`, { keyAlgorithm: ECDSA });
    const delivery = await deliveryFrom(leaf, 'unused');
    const verdict = await verifyPayPalSignature({ ...delivery, webhookId: WEBHOOK_ID, certificate: new X509Certificate(ec.pem), now: startedAt });
    expect(verdict).toMatchObject({ ok: false, code: 'unsupported_algorithm' });
  });

  it('rejects a delivery signed by another key than the certificate', async () => {
    const impostor = await issue(`CN=${SANDBOX_CN}`, { by: intermediate });
    const cert = publish(servePem(chainPem));
    expect(await verifier().verify(await deliveryFrom(impostor, cert.url))).toMatchObject({ ok: false, code: 'bad_signature' });
  });

  it('answers header problems without fetching anything', async () => {
    const cert = publish(servePem(chainPem));
    const v = verifier();
    const { headers, rawBody } = await deliveryFrom(leaf, cert.url);
    const { 'paypal-cert-url': _url, ...withoutUrl } = headers;
    expect(await v.verify({ headers: withoutUrl, rawBody })).toMatchObject({ ok: false, code: 'missing_header' });
    expect(await v.verify({ headers: { ...headers, 'paypal-auth-algo': 'SHA1withRSA' }, rawBody })).toMatchObject({
      ok: false,
      code: 'unsupported_algorithm',
    });
    const { 'paypal-transmission-id': _id, ...withoutId } = headers;
    expect(await v.verify({ headers: withoutId, rawBody })).toMatchObject({ ok: false, code: 'missing_header' });
    expect(cert.fetches()).toBe(0);
  });

  it('never fetches a URL outside the allow-list', async () => {
    const elsewhere = `${origin}/v1/oauth2/token`;
    routes.set('/v1/oauth2/token', servePem(chainPem));
    const cert = publish(servePem(chainPem));
    expect(await verifier().verify(await deliveryFrom(leaf, elsewhere))).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
    expect(await verifier({ sandbox: false }).verify(await deliveryFrom(leaf, cert.url))).toMatchObject({
      ok: false,
      code: 'cert_url_not_allowed',
    });
    expect(hits.get('/v1/oauth2/token') ?? 0).toBe(0);
    expect(cert.fetches()).toBe(0);
  });
});

describe('certificate chain checks', () => {
  const untrusted = async (pem: string, signer: Issued, options: { trusted?: boolean; clock?: { now(): number } } = {}) => {
    const cert = publish(servePem(pem));
    const v = verifier(options);
    const first = await v.verify(await deliveryFrom(signer, cert.url));
    const second = await v.verify(await deliveryFrom(signer, cert.url));
    return { first, second, fetches: cert.fetches() };
  };

  it('rejects a chain ending at an unknown root, and answers the next delivery from memory', async () => {
    const otherRoot = await issue('CN=Hardbound Test Root CA', { ca: true });
    const otherLeaf = await issue(`CN=${SANDBOX_CN}`, { by: otherRoot });
    const result = await untrusted(otherLeaf.pem, otherLeaf);
    expect(result.first).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
    expect(result.second).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
    expect(result.fetches).toBe(1);
  });

  it('rejects a self-signed certificate with the right name', async () => {
    const selfSigned = await issue(`CN=${SANDBOX_CN}`);
    expect((await untrusted(selfSigned.pem, selfSigned)).first).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
  });

  it('rejects a leaf served without the intermediate that issued it', async () => {
    expect((await untrusted(leaf.pem, leaf)).first).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
  });

  it('rejects an intermediate that is not a CA', async () => {
    const notCa = await issue('CN=Some Leaf', { by: root });
    const below = await issue(`CN=${SANDBOX_CN}`, { by: notCa });
    expect((await untrusted(below.pem + notCa.pem, below)).first).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
  });

  it('rejects an intermediate outside its validity', async () => {
    const expired = await issue('CN=Expired Intermediate', { by: root, ca: true, validFor: [startedAt - 30 * DAY, startedAt - DAY] });
    const below = await issue(`CN=${SANDBOX_CN}`, { by: expired });
    expect((await untrusted(below.pem + expired.pem, below)).first).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
  });

  it('trusts only the system CAs when no extra CA is configured', async () => {
    expect((await untrusted(chainPem, leaf, { trusted: false })).first).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
  });

  it('checks the chain again once an issuing certificate has expired since it was cached', async () => {
    const shortLived = await issue('CN=Short-lived Intermediate', { by: root, ca: true, validFor: [startedAt - DAY, startedAt + HOUR] });
    const below = await issue(`CN=${SANDBOX_CN}`, { by: shortLived });
    const cert = publish(servePem(below.pem + shortLived.pem));
    const clock = fixedClock();
    const v = verifier({ clock });
    expect(await v.verify(await deliveryFrom(below, cert.url))).toEqual({ ok: true });
    clock.at = startedAt + 2 * HOUR;
    expect(await v.verify(await deliveryFrom(below, cert.url))).toMatchObject({ ok: false, code: 'cert_chain_untrusted' });
    expect(cert.fetches()).toBe(2);
  });
});

describe('CertificateCache fetching', () => {
  type CacheOptions = { timeoutMs?: number; maxEntries?: number; fetch?: FetchLike; clock?: { now(): number }; failureTtlMs?: number; maxConcurrentFetches?: number; fetchesPerMinute?: number };
  const cache = (options: CacheOptions = {}) =>
    new CertificateCache({ clock: fixedClock(), sandboxOrigin: origin, trustedCaPem: root.pem, ...options });

  it('returns the leaf, the first certificate of the chain', async () => {
    const cert = publish(servePem(chainPem));
    const result = await cache().get(cert.url);
    expect(result.ok && result.certificate.fingerprint256).toBe(new X509Certificate(leaf.pem).fingerprint256);
  });

  it('accepts a response just under the size limit', async () => {
    const padded = chainPem + '\n'.repeat(64 * 1024 - Buffer.byteLength(chainPem) - 1);
    const cert = publish(servePem(padded));
    expect(await cache().get(cert.url)).toMatchObject({ ok: true });
  });

  it('rejects a response declaring more than 64 KiB', async () => {
    const cert = publish(servePem(chainPem + '\n'.repeat(64 * 1024)));
    expect(await cache().get(cert.url)).toMatchObject({ ok: false, code: 'cert_too_large' });
  });

  it('rejects a streamed response that grows past 64 KiB without declaring a length', async () => {
    let written = 0;
    const cert = publish((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      // Bounded: far past the limit, then stops whether or not the client is still reading.
      const timer = setInterval(() => {
        if (res.destroyed || written >= 1024 * 1024) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(Buffer.alloc(16 * 1024, 0x0a));
        written += 16 * 1024;
      }, 1);
    });
    expect(await cache().get(cert.url)).toMatchObject({ ok: false, code: 'cert_too_large' });
    expect(written).toBeLessThan(1024 * 1024);
  });

  it('gives up on a server that never answers', async () => {
    const cert = publish(stall);
    const started = performance.now();
    expect(await cache({ timeoutMs: 300 }).get(cert.url)).toMatchObject({ ok: false, code: 'cert_fetch_timeout' });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('gives up on a body that stalls after the headers', async () => {
    const cert = publish((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' });
      res.write(leaf.pem.slice(0, 100));
    });
    const started = performance.now();
    expect(await cache({ timeoutMs: 300 }).get(cert.url)).toMatchObject({ ok: false, code: 'cert_fetch_timeout' });
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('gives up on an injected fetch that ignores its abort signal', async () => {
    const cert = publish(servePem(chainPem));
    const fetch: FetchLike = () => new Promise<Response>(() => {});
    expect(await cache({ timeoutMs: 100, fetch }).get(cert.url)).toMatchObject({ ok: false, code: 'cert_fetch_timeout' });
  });

  it('does not follow redirects', async () => {
    const target = publish(servePem(chainPem));
    const cert = publish((_req, res) => res.writeHead(302, { location: target.url }).end());
    expect(await cache().get(cert.url)).toMatchObject({ ok: false, code: 'cert_fetch_failed' });
    expect(target.fetches()).toBe(0);
  });

  it('keeps a failed fetch for failureTtlMs, then fetches again', async () => {
    let calls = 0;
    const cert = publish((req, res) => (++calls === 1 ? res.writeHead(503).end() : servePem(chainPem)(req, res)));
    const clock = fixedClock();
    const c = cache({ clock, failureTtlMs: 60_000 });
    expect(await c.get(cert.url)).toMatchObject({ ok: false, code: 'cert_fetch_failed' });
    clock.at += 59_999;
    expect(await c.get(cert.url)).toMatchObject({ ok: false, code: 'cert_fetch_failed' });
    expect(cert.fetches()).toBe(1);
    clock.at += 1;
    expect(await c.get(cert.url)).toMatchObject({ ok: true });
    expect(await c.get(cert.url)).toMatchObject({ ok: true });
    expect(cert.fetches()).toBe(2);
  });

  it('runs at most maxConcurrentFetches fetches at once and refuses the rest at once, without fetching', async () => {
    const stalled = [publish(stall), publish(stall)];
    const c = cache({ maxConcurrentFetches: 2, timeoutMs: 400 });
    const running = stalled.map((cert) => c.get(cert.url));
    const third = publish(servePem(chainPem));
    const started = performance.now();
    expect(await c.get(third.url)).toMatchObject({ ok: false, code: 'cert_fetch_busy' });
    expect(performance.now() - started).toBeLessThan(100);
    expect(third.fetches()).toBe(0);
    expect(await Promise.all(running)).toMatchObject([{ code: 'cert_fetch_timeout' }, { code: 'cert_fetch_timeout' }]);
    // Once they have ended, fetching is possible again.
    expect(await c.get(third.url)).toMatchObject({ ok: true });
  });

  it('starts at most fetchesPerMinute fetches in a minute, whatever URLs a flood names', async () => {
    const clock = fixedClock();
    const c = cache({ clock, fetchesPerMinute: 5 });
    const flood = Array.from({ length: 40 }, () => publish((_req, res) => res.writeHead(404).end()));
    const answers = [];
    for (const cert of flood) answers.push(await c.get(cert.url));
    expect(answers.filter((a) => !a.ok && a.code === 'cert_fetch_failed')).toHaveLength(5);
    expect(answers.filter((a) => !a.ok && a.code === 'cert_fetch_busy')).toHaveLength(35);
    expect(flood.reduce((sum, cert) => sum + cert.fetches(), 0)).toBe(5);
    clock.at += 60_000;
    expect(await c.get(publish(servePem(chainPem)).url)).toMatchObject({ ok: true });
  });

  it('reports a connection failure', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const c = new CertificateCache({ clock: fixedClock(), sandboxOrigin: `http://127.0.0.1:${port}` });
    expect(await c.get(`http://127.0.0.1:${port}/v1/notifications/certs/${certName()}`)).toMatchObject({ ok: false, code: 'cert_fetch_failed' });
  });

  it.each([
    ['no PEM', 'hello'],
    ['an empty body', ''],
    ['a broken PEM', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
  ])('rejects %s as malformed', async (_why, body) => {
    const cert = publish(servePem(body));
    expect(await cache().get(cert.url)).toMatchObject({ ok: false, code: 'cert_malformed' });
  });

  it('keeps a bounded number of certificates, dropping the least recently used', async () => {
    const [a, b, c] = [publish(servePem(chainPem)), publish(servePem(chainPem)), publish(servePem(chainPem))];
    const twoEntries = cache({ maxEntries: 2 });
    for (const cert of [a, b, a, c, a, b]) expect(await twoEntries.get(cert.url)).toMatchObject({ ok: true });
    expect([a.fetches(), b.fetches(), c.fetches()]).toEqual([1, 2, 1]);
  });

  it('refuses a disallowed URL before fetching', async () => {
    const c = cache();
    expect(await c.get(`${origin}/elsewhere`)).toMatchObject({ ok: false, code: 'cert_url_not_allowed' });
    expect(hits.get('/elsewhere') ?? 0).toBe(0);
  });

  it('refuses to start with a trusted CA PEM that holds no certificate', () => {
    expect(() => new CertificateCache({ clock: fixedClock(), trustedCaPem: 'not a certificate' })).toThrow(/trustedCaPem/);
  });
});
