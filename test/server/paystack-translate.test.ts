// Paystack's documented bodies (test/fixtures/paystack/) through the reader: each webhook becomes the trigger
// its ids say, with an event id derived from the fact (Paystack sends none), and nothing else of the body; the
// API answers narrow to the fields judged; the HMAC check takes exactly the signed bytes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromSubunits, judgeDispute, referenceOf, toSubunits } from '../../server/providers/paystack/judge';
import { signBody, sourceAllowed, verifySignature } from '../../server/providers/paystack/signature';
import { translateWebhook } from '../../server/providers/paystack/translate';
import { parseDispute, parseRefund, parseSubscription, parseTransaction } from '../../server/providers/paystack/views';

const raw = (name: string) => readFileSync(`test/fixtures/paystack/${name}`, 'utf8');
const json = (name: string) => JSON.parse(raw(name)) as { data: unknown };

describe('Paystack webhook bodies → triggers', () => {
  it.each([
    ['webhook-charge.success.json', 'charge.success:qTPrJoy9Bx', { kind: 'charge', reference: 'qTPrJoy9Bx' }],
    ['webhook-subscription.create.json', 'subscription.create:SUB_vsyqdmlzble3uii', { kind: 'subscription', subscriptionCode: 'SUB_vsyqdmlzble3uii', eventType: 'subscription.create' }],
    ['webhook-subscription.not_renew.json', 'subscription.not_renew:SUB_d638sdiWAio7jnl', { kind: 'subscription', subscriptionCode: 'SUB_d638sdiWAio7jnl', eventType: 'subscription.not_renew' }],
    ['webhook-subscription.disable.json', 'subscription.disable:SUB_vsyqdmlzble3uii', { kind: 'subscription', subscriptionCode: 'SUB_vsyqdmlzble3uii', eventType: 'subscription.disable' }],
    ['webhook-invoice.update.json', 'invoice.update:SUB_l07i1s6s39nmytr:INV_kmhuaaur5c9ruh2:rdtmivs7zf', { kind: 'invoice', subscriptionCode: 'SUB_l07i1s6s39nmytr', invoiceCode: 'INV_kmhuaaur5c9ruh2', transactionReference: 'rdtmivs7zf' }],
    ['webhook-invoice.payment_failed.json', 'invoice.payment_failed:SUB_f7ct8g01mtcjf78:INV_3kfmqw48ca7b48k', { kind: 'subscription', subscriptionCode: 'SUB_f7ct8g01mtcjf78', eventType: 'invoice.payment_failed' }],
    ['webhook-refund.processed.json', 'refund.processed:T2154954_412829_3be32076_6lcg3:132013318360', { kind: 'refund', transactionReference: 'T2154954_412829_3be32076_6lcg3' }],
    ['webhook-charge.dispute.create.json', 'charge.dispute.create:358950', { kind: 'dispute', disputeId: '358950', transactionHint: 'v3mjfgbnc19v97x', resolve: false }],
    ['webhook-charge.dispute.resolve.json', 'charge.dispute.resolve:358949', { kind: 'dispute', disputeId: '358949', transactionHint: '5qm4pv2mxs9rltp', resolve: true }],
  ])('%s', (file, eventId, trigger) => {
    const reading = translateWebhook(JSON.parse(raw(file)));
    expect(reading).toEqual({ kind: 'trigger', eventId, eventType: eventId.split(':')[0], trigger });
    // Nothing of the customer travels with a trigger.
    expect(JSON.stringify(reading)).not.toMatch(/@|BoJack|Horseman|AUTH_|CUS_/);
  });

  it('a type not acted on needs nothing but its type; a body without data or ids is unreadable; a non-event is invalid', () => {
    expect(translateWebhook({ event: 'transfer.success', data: { id: 37272792 } })).toEqual({ kind: 'ignored', eventId: 'transfer.success:37272792', eventType: 'transfer.success' });
    expect(translateWebhook({ event: 'charge.success' })).toMatchObject({ kind: 'unreadable', reason: 'missing_data' });
    expect(translateWebhook({ event: 'charge.success', data: { reference: 'has space' } })).toMatchObject({ kind: 'unreadable', reason: 'bad_reference' });
    expect(translateWebhook([])).toEqual({ kind: 'invalid', reason: 'not_an_object' });
    expect(translateWebhook({ data: {} })).toEqual({ kind: 'invalid', reason: 'bad_event_type' });
  });

  it('invoice.create of the docs names its transaction too: the same fact under its own type', () => {
    expect(translateWebhook(JSON.parse(raw('webhook-invoice.create.json')))).toMatchObject({ kind: 'trigger', trigger: { kind: 'invoice', transactionReference: '9cfbae6e-bbf3-5b41-8aef-d72c1a17650g' } });
  });
});

describe('Paystack API answers → views', () => {
  it('verify: status, subunit amount, currency, reference, plan, customer id; no e-mail or card', () => {
    const view = parseTransaction(json('api-transaction-verify.json').data);
    expect(view).toEqual({
      id: '4099260516', reference: 're4lyvq3s3', status: 'success', amount: 40333, currency: 'NGN',
      paidAt: Date.parse('2024-08-22T09:15:02.000Z'), createdAt: Date.parse('2024-08-22T09:14:24.000Z'), planCode: null, checkoutId: null, customerId: '181873746',
    });
  });

  it('subscription, refund (its transaction by numeric id) and dispute', () => {
    expect(parseSubscription(json('api-subscription-fetch.json').data)).toMatchObject({
      code: 'SUB_vsyqdmlzble3uii', status: 'active', planCode: 'PLN_gx2wn530m0i3w3m', amount: 50000, customerId: '1173', emailToken: 'd7gofp6yppn3qz7',
      nextPaymentDate: Date.parse('2016-04-28T07:00:00.000Z'),
    });
    expect(parseRefund(json('api-refund-fetch.json').data)).toMatchObject({ id: '1', status: 'processed', amount: 500000, currency: 'NGN', transactionId: '1641' });
    expect(parseDispute(json('api-dispute-fetch.json').data)).toMatchObject({ id: '2867', status: 'archived', resolution: null, transactionReference: 'asjck8gf76zd1dr' });
  });

  it('a documented resolution: auto-accepted gives the money to the customer', () => {
    const resolved = JSON.parse(raw('webhook-charge.dispute.resolve.json')) as { data: unknown };
    const dispute = parseDispute(resolved.data)!;
    const judged = judgeDispute(dispute, true, 0);
    expect(judged).toMatchObject({ ok: true, events: [{ type: 'dispute.resolved', outcome: 'buyer', disputeId: '358949' }] });
  });
});

describe('amounts, references and signatures', () => {
  it('prices to subunits and back, in two-decimal and zero-decimal currencies', () => {
    expect([toSubunits('49.00', 'USD'), toSubunits('9.05', 'NGN'), toSubunits('4900', 'JPY')]).toEqual([4900, 905, 4900]);
    expect([fromSubunits(4900, 'USD'), fromSubunits(5, 'NGN'), fromSubunits(4900, 'JPY')]).toEqual(['49.00', '0.05', '4900']);
  });

  it('our checkout id as a Paystack reference holds only letters, digits, "-" and "."', () => {
    expect(referenceOf('chk_Ab_-cdEFghIJklMN')).toBe('chk.Ab.-cdEFghIJklMN');
  });

  it('HMAC-SHA512 of the exact bytes under the secret key; any other key, byte or header form is refused', () => {
    const body = Buffer.from(raw('webhook-charge.success.json'));
    const signature = signBody('sk_test_abc', body);
    expect(verifySignature('sk_test_abc', body, signature)).toBe(true);
    expect(verifySignature('sk_test_abc', body, signature.toUpperCase())).toBe(true);
    expect(verifySignature('sk_test_abd', body, signature)).toBe(false);
    expect(verifySignature('sk_test_abc', Buffer.concat([body, Buffer.from(' ')]), signature)).toBe(false);
    expect(verifySignature('sk_test_abc', body, [signature, signature])).toBe(false);
    expect(verifySignature('sk_test_abc', body, signature.slice(2))).toBe(false);
    expect(verifySignature('sk_test_abc', body, undefined)).toBe(false);
  });

  it('the source allow-list: any address without one; with one, only its addresses (IPv4-mapped too)', () => {
    expect(sourceAllowed([], '198.51.100.7')).toBe(true);
    expect(sourceAllowed(['52.31.139.75'], '52.31.139.75')).toBe(true);
    expect(sourceAllowed(['52.31.139.75'], '::ffff:52.31.139.75')).toBe(true);
    expect(sourceAllowed(['52.31.139.75'], '52.31.139.76')).toBe(false);
  });
});
