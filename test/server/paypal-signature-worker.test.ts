// The worker-thread RSA step must give exactly the verdicts of the in-thread one — on the genuine 2019 PayPal
// delivery and on its mutations — and fail loudly, never with a false verdict, when its worker is gone.
import { generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readDelivery } from '../../server/providers/paypal/read-delivery';
import { SignatureWorkerPool } from '../../server/providers/paypal/signature/signature-worker-pool';
import { verifyPayPalSignature } from '../../server/providers/paypal/signature/verify';
import { paypalVector } from '../support/paypal-vectors';

const vectorDir = paypalVector('paypal-java-sdk-2019');
const rawBody = readFileSync(path.join(vectorDir, 'body.json'));
const headers = JSON.parse(readFileSync(path.join(vectorDir, 'headers.json'), 'utf8')) as Record<string, string>;
const certificate = new X509Certificate(readFileSync(path.join(vectorDir, 'cert.pem')));
const genuine = { headers, rawBody, webhookId: '0FV983392A0531201', certificate, now: Date.parse(headers['paypal-transmission-time'] as string) };

describe('SignatureWorkerPool', () => {
  let pool: SignatureWorkerPool;
  afterEach(async () => {
    await pool.close();
  });
  const onPool = () => async (message: Buffer, key: X509Certificate['publicKey'], signature: Buffer) => (await pool.verify(message, key, signature)).valid;

  it('gives the in-thread verdict for the genuine delivery and for every single-bit change of its body, asked all at once', async () => {
    pool = new SignatureWorkerPool();
    const bodies = [rawBody];
    for (let position = 0; position < rawBody.length; position += 7) {
      const mutated = Buffer.from(rawBody);
      mutated[position] = (mutated[position] as number) ^ (1 << position % 8);
      bodies.push(mutated);
    }
    const pooled = await Promise.all(bodies.map((body) => verifyPayPalSignature({ ...genuine, rawBody: body }, onPool())));
    const inThread = await Promise.all(bodies.map((body) => verifyPayPalSignature({ ...genuine, rawBody: body })));
    expect(pooled).toEqual(inThread);
    expect(pooled[0]).toEqual({ ok: true });
    expect(pooled.slice(1).every((verdict) => !verdict.ok && verdict.code === 'bad_signature')).toBe(true);
  });

  it('keeps answering after its worker dies: the checks in flight fail, the next ones run on a new worker', async () => {
    pool = new SignatureWorkerPool();
    expect(await verifyPayPalSignature(genuine, onPool())).toEqual({ ok: true });
    const worker = (pool as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const inFlight = verifyPayPalSignature(genuine, onPool());
    await worker.terminate();
    await expect(inFlight).rejects.toThrow(/signature worker exited/);
    expect(await verifyPayPalSignature(genuine, onPool())).toEqual({ ok: true });
  });

  it('reads the body of a delivery whose signature verified, exactly as the event loop would, and never one that did not', async () => {
    pool = new SignatureWorkerPool();
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const message = Buffer.from('id|time|webhook|123');
    const signature = sign('sha256', message, privateKey);
    const forged = Buffer.from(signature);
    forged[0] = (forged[0] as number) ^ 1;

    expect(await pool.verify(message, publicKey, signature, rawBody)).toEqual({ valid: true, reading: readDelivery(rawBody) });
    expect(readDelivery(rawBody)).toMatchObject({ kind: 'read', reading: { kind: 'ignored', eventType: 'PAYMENTS.PAYMENT.CREATED', eventId: 'WH-7MU294299R542214K-4N1831857K851783H' } });
    expect(await pool.verify(message, publicKey, signature, Buffer.from('{"id": "WH-1", '))).toEqual({ valid: true, reading: { kind: 'invalid_json' } });
    expect(await pool.verify(message, publicKey, forged, rawBody)).toEqual({ valid: false });
    expect(await pool.verify(message, publicKey, signature)).toEqual({ valid: true });
  });

  it('refuses work once closed', async () => {
    pool = new SignatureWorkerPool();
    await pool.close();
    await expect(verifyPayPalSignature(genuine, onPool())).rejects.toThrow(/closed/);
  });
});
