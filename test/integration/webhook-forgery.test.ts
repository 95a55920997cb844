// A forged delivery: genuine sandbox headers (signed for the server's webhook id) replayed over a different
// body whose CRC32 was forged to equal the original's. The signature covers only crc32(body), so it verifies —
// proven with the server's own verifier — and yet nothing is granted or taken: the server asks PayPal's API
// for the truth and the forged claim is not borne out.
//
// Asserted per forgery: 200 with outcome not_confirmed, every table byte-for-byte as before (no inbox row
// either: a claim the API does not bear out is answered and logged, never recorded) but for one audit row that
// tells support a signed claim was refused. The one forgery whose claim the API does bear out (a true capture
// re-told under a new event id with a false amount) adds its inbox row and nothing else: the license keeps the
// amount PayPal reports.
import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import { PayPalSignatureVerifier } from '../../server/providers/paypal/signature';
import { createCheckout, newAnchor, payOnHostedPage, poll, startHarness, type Harness } from './harness';
import { dumpTables, forgeCrc32, replay, webhookCount, withTap, type RecordedDelivery } from './support-webhooks';

let h: Harness;
let verifier: PayPalSignatureVerifier;
/** Paid, with an active license: the source of the genuine deliveries. */
let paid: { checkout: CreateCheckoutResponse; view: Extract<CheckoutView, { status: 'completed' }> };
/** The attacker's second checkout: created, never paid. */
let unpaid: CreateCheckoutResponse;
/** Paid and refunded: the source of a genuine refund delivery. */
let refunded: { captureId: string };
const genuine: Record<'approved' | 'completed' | 'refunded', RecordedDelivery | undefined> = { approved: undefined, completed: undefined, refunded: undefined };

const eventTypeOf = (d: RecordedDelivery): string => (JSON.parse(d.body.toString('utf8')) as { event_type: string }).event_type;

async function payThroughWebhooks(anchor: string): Promise<Extract<CheckoutView, { status: 'completed' }>> {
  const checkout = await createCheckout(h, anchor);
  await payOnHostedPage(checkout.approveUrl);
  const view = await poll(h, checkout, 20);
  if (view.status !== 'completed') throw new Error(`expected completed, got ${view.status}`);
  return view;
}

beforeAll(async () => {
  h = await startHarness();
  verifier = new PayPalSignatureVerifier({
    webhookId: h.server.webhookId, clock: h.clock, sandboxOrigin: h.sandbox.baseUrl, trustedCaPem: h.sandbox.caCertificatePem,
  });
  // Every delivery goes through a recording tap on its way to the server, signed for the server's webhook id.
  await withTap(h, { forward: true }, async (tap) => {
    const checkout = await createCheckout(h, newAnchor());
    await payOnHostedPage(checkout.approveUrl);
    const view = await poll(h, checkout, 20);
    if (view.status !== 'completed') throw new Error(`expected completed, got ${view.status}`);
    paid = { checkout, view };
    const other = await payThroughWebhooks(newAnchor());
    await h.sandbox.control.settle(10_000);
    h.sandbox.control.refundCapture(other.license.transactionId!);
    await h.sandbox.control.settle(10_000);
    refunded = { captureId: other.license.transactionId! };
    const about = (d: RecordedDelivery, id: string) => d.body.includes(id);
    genuine.approved = tap.deliveries.find((d) => eventTypeOf(d) === 'CHECKOUT.ORDER.APPROVED' && about(d, checkout.checkoutId));
    genuine.completed = tap.deliveries.find((d) => eventTypeOf(d) === 'PAYMENT.CAPTURE.COMPLETED' && about(d, checkout.checkoutId));
    genuine.refunded = tap.deliveries.find((d) => eventTypeOf(d) === 'PAYMENT.CAPTURE.REFUNDED' && about(d, refunded.captureId));
  });
  unpaid = await createCheckout(h, newAnchor());
});
afterAll(async () => {
  await h?.close();
});

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const randomId = (length: number): string => Array.from({ length }, () => UPPER_ALNUM[randomInt(UPPER_ALNUM.length)]).join('');

/**
 * The genuine body edited as text, then made to have the genuine CRC32 by rewriting 12 characters of its
 * `summary` (free text, so the JSON stays valid). A new event id keeps it from being a mere duplicate.
 */
function forge(source: RecordedDelivery, edit: (text: string) => string): Buffer {
  const text = source.body.toString('utf8');
  const eventId = (JSON.parse(text) as { id: string }).id;
  const edited = Buffer.from(edit(text.replaceAll(eventId, `WH-${randomId(17)}-${randomId(17)}`)), 'utf8');
  const summary = /"summary":"[^"]{12}/.exec(edited.toString('latin1'));
  if (!summary) throw new Error('no summary of 12 characters or more to patch');
  return forgeCrc32(edited, crc32(source.body), summary.index + '"summary":"'.length);
}

/** The forged body verifies with the genuine headers, and only because its CRC32 was forged. */
async function expectVerifies(source: RecordedDelivery, forged: Buffer): Promise<void> {
  expect(forged.equals(source.body)).toBe(false);
  expect(crc32(forged)).toBe(crc32(source.body));
  expect(() => JSON.parse(forged.toString('utf8'))).not.toThrow();
  expect(await verifier.verify({ headers: source.headers, rawBody: forged })).toEqual({ ok: true });
  const unpatched = Buffer.from(forged);
  unpatched[forged.indexOf('"summary":"') + '"summary":"'.length]! ^= 1;
  expect((await verifier.verify({ headers: source.headers, rawBody: unpatched })).ok).toBe(false);
}

/** Posts the forgery with the genuine headers; nothing may change anywhere. */
async function expectNothingGranted(source: RecordedDelivery, forged: Buffer): Promise<void> {
  await expectVerifies(source, forged);
  const before = dumpTables(h);
  const notConfirmed = webhookCount(h, 'not_confirmed');
  const answer = await replay(h, { headers: source.headers, body: forged });
  expect(answer.status).toBe(200);
  expect(answer.json).toEqual({ received: true, outcome: 'not_confirmed' });
  expect(webhookCount(h, 'not_confirmed')).toBe(notConfirmed + 1);
  const { audit_log: auditAfter, ...after } = dumpTables(h);
  const { audit_log: auditBefore, ...unchanged } = before;
  expect(after).toEqual(unchanged);
  const forgedId = (JSON.parse(forged.toString('utf8')) as { id: string }).id;
  expect(auditAfter!.slice(auditBefore!.length)).toEqual([
    expect.objectContaining({ actor: 'paypal-webhook', action: 'webhook-not-confirmed', detail_json: expect.stringContaining(forgedId) }),
  ]);
  expect((await poll(h, unpaid)).status).toBe('pending');
  const license = (await poll(h, paid.checkout)) as Extract<CheckoutView, { status: 'completed' }>;
  expect(license.license).toMatchObject({ id: paid.view.license.id, status: 'active', tier: 'enterprise' });
}

describe('a forged delivery with genuine headers and an equal CRC32', () => {
  it('the captured deliveries are genuine: signed for the server and accepted by it as duplicates', async () => {
    for (const d of Object.values(genuine)) {
      expect(d).toBeDefined();
      expect(await verifier.verify({ headers: d!.headers, rawBody: d!.body })).toEqual({ ok: true });
      expect((await replay(h, d!)).json).toEqual({ received: true, outcome: 'duplicate' });
    }
  });

  it('a paid capture re-addressed to an unpaid checkout (custom_id) grants nothing', async () => {
    const source = genuine.completed!;
    const forged = forge(source, (t) => t.replaceAll(paid.checkout.checkoutId, unpaid.checkoutId));
    expect(forged.includes(unpaid.checkoutId)).toBe(true);
    await expectNothingGranted(source, forged);
  });

  it('a capture PayPal never made, claimed for the unpaid checkout, grants nothing', async () => {
    const source = genuine.completed!;
    const forged = forge(source, (t) =>
      t.replaceAll(paid.view.license.transactionId!, randomId(17)).replaceAll(paid.checkout.checkoutId, unpaid.checkoutId).replaceAll('"49.00"', '"0.01"'),
    );
    await expectNothingGranted(source, forged);
  });

  it('an approval re-addressed to the unpaid checkout makes the server look at that checkout\'s own order: nothing', async () => {
    const source = genuine.approved!;
    const forged = forge(source, (t) => t.replaceAll(paid.checkout.checkoutId, unpaid.checkoutId));
    await expectNothingGranted(source, forged);
  });

  it('a refund re-pointed at another buyer\'s capture takes nothing away', async () => {
    const source = genuine.refunded!;
    const forged = forge(source, (t) => t.replaceAll(`/v2/payments/captures/${refunded.captureId}`, `/v2/payments/captures/${paid.view.license.transactionId!}`));
    expect(forged.includes(`/v2/payments/captures/${paid.view.license.transactionId!}`)).toBe(true);
    await expectNothingGranted(source, forged);
  });

  it('a true capture re-told with a false amount: only its inbox row is added, the license keeps PayPal\'s amount', async () => {
    const source = genuine.completed!;
    const forged = forge(source, (t) => t.replaceAll('"49.00"', '"4900.00"'));
    await expectVerifies(source, forged);
    const before = dumpTables(h);
    const answer = await replay(h, { headers: source.headers, body: forged });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ received: true, outcome: 'applied' });
    const after = dumpTables(h);
    const { webhook_inbox: inboxAfter, ...restAfter } = after;
    const { webhook_inbox: inboxBefore, ...restBefore } = before;
    expect(restAfter).toEqual(restBefore);
    const forgedId = (JSON.parse(forged.toString('utf8')) as { id: string }).id;
    expect(inboxAfter!.filter((row) => !inboxBefore!.some((b) => b.event_id === row.event_id))).toEqual([
      expect.objectContaining({ event_id: forgedId, event_type: 'PAYMENT.CAPTURE.COMPLETED', outcome: 'applied' }),
    ]);
    const view = (await poll(h, paid.checkout)) as Extract<CheckoutView, { status: 'completed' }>;
    expect(view.license).toMatchObject({ id: paid.view.license.id, status: 'active' });
    const license = restAfter.licenses!.find((l) => l.id === paid.view.license.id);
    expect(license).toMatchObject({ amount: '49.00', currency: 'USD', status: 'active' });
  });
});
