import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { translateWebhook, type WebhookReference } from '../../server/providers/paypal/translate';
import {
  CAPTURE_ID, CHECKOUT_ID, DISPUTE_ID, ORDER_ID, PII, REFUND_ID, SALE_ID, SALE_REFUND_ID, SUBSCRIPTION_ID,
  allStrings, captureEvent, withField, type Path, captureRefunded, disputeEvent, leakedValues, orderApproved, saleCompleted, saleRefunded,
  subscriptionEvent,
} from './paypal-translate-fixtures';
import { paypalVector } from '../support/paypal-vectors';

const VECTOR_BODY = readFileSync(paypalVector('paypal-java-sdk-2019', 'body.json'), 'utf8');

function fixtures(): Array<[string, Record<string, unknown>]> {
  return [
    ['order approved', orderApproved()],
    ['capture completed', captureEvent()],
    ['capture pending', captureEvent('PAYMENT.CAPTURE.PENDING', 'PENDING')],
    ['capture denied', captureEvent('PAYMENT.CAPTURE.DENIED', 'DECLINED')],
    ['capture refunded', captureRefunded()],
    ['capture reversed', captureRefunded('PAYMENT.CAPTURE.REVERSED')],
    ['subscription activated', subscriptionEvent()],
    ['subscription cancelled', subscriptionEvent('BILLING.SUBSCRIPTION.CANCELLED', 'CANCELLED')],
    ['sale completed', saleCompleted()],
    ['sale refunded', saleRefunded()],
    ['dispute created', disputeEvent()],
    ['dispute resolved', disputeEvent('RESOLVED_BUYER_FAVOUR')],
  ];
}

describe('translateWebhook: PayPal samples → references', () => {
  it('CHECKOUT.ORDER.APPROVED names the order and our checkout', () => {
    expect(translateWebhook(orderApproved())).toEqual({
      kind: 'order-approved',
      eventId: 'WH-COC11055RA711503B-4YM959094A144403T',
      at: Date.parse('2024-04-16T21:21:49.000Z'),
      orderId: ORDER_ID,
      checkoutId: CHECKOUT_ID,
    });
  });

  it('PAYMENT.CAPTURE.* names the capture, its order, our checkout, the claimed status and amount', () => {
    expect(translateWebhook(captureEvent())).toEqual({
      kind: 'capture',
      eventId: 'WH-58D329510W468432D-8HN650336L201105X',
      at: Date.parse('2024-04-16T21:22:07.940Z'),
      captureId: CAPTURE_ID,
      orderId: ORDER_ID,
      checkoutId: CHECKOUT_ID,
      status: 'COMPLETED',
      amount: { value: '49.00', currency: 'USD' },
    });
    expect(translateWebhook(captureEvent('PAYMENT.CAPTURE.DENIED', 'DECLINED'))).toMatchObject({ kind: 'capture', status: 'DECLINED' });
    expect(translateWebhook(captureEvent('PAYMENT.CAPTURE.PENDING', 'PENDING'))).toMatchObject({ kind: 'capture', status: 'PENDING' });
  });

  it('takes the order id from the `up` link when supplementary_data is absent', () => {
    const event = captureEvent();
    delete (event.resource as Record<string, unknown>).supplementary_data;
    expect(translateWebhook(event)).toMatchObject({ kind: 'capture', orderId: ORDER_ID });
  });

  it('PAYMENT.CAPTURE.REFUNDED / REVERSED name the refund and, through the up link, the capture', () => {
    expect(translateWebhook(captureRefunded())).toEqual({
      kind: 'refund',
      eventId: 'WH-1GE84257G0350133W-6RW800890C634293G',
      at: Date.parse('2024-04-20T08:10:05.123Z'),
      transaction: 'capture',
      captureId: CAPTURE_ID,
      refundId: REFUND_ID,
      amount: { value: '49.00', currency: 'USD' },
    });
    expect(translateWebhook(captureRefunded('PAYMENT.CAPTURE.REVERSED'))).toMatchObject({ kind: 'reversal', captureId: CAPTURE_ID });
  });

  it('BILLING.SUBSCRIPTION.* name the subscription, our checkout and the event type', () => {
    expect(translateWebhook(subscriptionEvent())).toEqual({
      kind: 'subscription',
      eventId: 'WH-77687562XN25889J8-8Y6T55435R66168T6',
      at: Date.parse('2024-05-01T10:00:04.000Z'),
      subscriptionId: SUBSCRIPTION_ID,
      checkoutId: CHECKOUT_ID,
      eventType: 'BILLING.SUBSCRIPTION.ACTIVATED',
    });
    for (const type of ['RE-ACTIVATED', 'SUSPENDED', 'CANCELLED', 'EXPIRED', 'PAYMENT.FAILED']) {
      expect(translateWebhook(subscriptionEvent(`BILLING.SUBSCRIPTION.${type}`))).toMatchObject({
        kind: 'subscription',
        eventType: `BILLING.SUBSCRIPTION.${type}`,
      });
    }
  });

  it('PAYMENT.SALE.COMPLETED names the sale and its subscription (billing_agreement_id)', () => {
    expect(translateWebhook(saleCompleted())).toEqual({
      kind: 'sale',
      eventId: 'WH-2WR32451HC0233532-67976317FL4543714',
      at: Date.parse('2024-06-01T10:00:09.000Z'),
      saleId: SALE_ID,
      subscriptionId: SUBSCRIPTION_ID,
      amount: { value: '9.00', currency: 'USD' },
      eventType: 'PAYMENT.SALE.COMPLETED',
    });
  });

  it('a sale outside any subscription is not ours: ignored', () => {
    const event = saleCompleted();
    delete (event.resource as Record<string, unknown>).billing_agreement_id;
    expect(translateWebhook(event)).toEqual({ kind: 'ignored', eventType: 'PAYMENT.SALE.COMPLETED' });
  });

  it('PAYMENT.SALE.REFUNDED / REVERSED name the sale; the negated v1 amount is read unsigned', () => {
    expect(translateWebhook(saleRefunded())).toEqual({
      kind: 'refund',
      eventId: 'WH-0U6530236T8946223-3RR34297RJ6455245',
      at: Date.parse('2024-06-03T12:00:03.000Z'),
      transaction: 'sale',
      captureId: SALE_ID,
      refundId: SALE_REFUND_ID,
      amount: { value: '9.00', currency: 'USD' },
    });
    expect(translateWebhook(saleRefunded('PAYMENT.SALE.REVERSED'))).toMatchObject({ kind: 'reversal', transaction: 'sale' });
  });

  it('CUSTOMER.DISPUTE.* name the dispute, the seller transaction ids and the outcome once resolved', () => {
    expect(translateWebhook(disputeEvent())).toEqual({
      kind: 'dispute',
      eventId: 'WH-4M0448861G563140B-9EX36365822141321',
      at: Date.parse('2024-04-25T13:36:33.000Z'),
      disputeId: DISPUTE_ID,
      transactionIds: [CAPTURE_ID],
      eventType: 'CUSTOMER.DISPUTE.CREATED',
    });
    expect(translateWebhook(disputeEvent('RESOLVED_SELLER_FAVOUR'))).toMatchObject({
      kind: 'dispute',
      eventType: 'CUSTOMER.DISPUTE.RESOLVED',
      outcome: 'RESOLVED_SELLER_FAVOUR',
    });
  });

  it('event types the server does not act on are ignored, with their (validated) type', () => {
    const created = subscriptionEvent('BILLING.SUBSCRIPTION.CREATED', 'APPROVAL_PENDING');
    expect(translateWebhook(created)).toEqual({ kind: 'ignored', eventType: 'BILLING.SUBSCRIPTION.CREATED' });
    expect(translateWebhook({ ...orderApproved(), event_type: 'CHECKOUT.ORDER.COMPLETED' })).toEqual({
      kind: 'ignored',
      eventType: 'CHECKOUT.ORDER.COMPLETED',
    });
  });
});

describe('translateWebhook: PayPal Java SDK test vector (legacy PAYMENTS.PAYMENT.CREATED)', () => {
  it('is ignored and carries none of its payer data', () => {
    const output = translateWebhook(JSON.parse(VECTOR_BODY));
    expect(output).toEqual({ kind: 'ignored', eventType: 'PAYMENTS.PAYMENT.CREATED' });
    const vectorPii = ['sb-ahlmo117121@personal.example.com', 'John', 'Doe', 'WZH5NSHUBE63W', '4084959323', 'Brian Robinson', '4th Floor', 'Unit #34'];
    for (const value of vectorPii) expect(VECTOR_BODY).toContain(value);
    const strings = allStrings(output);
    for (const value of vectorPii) expect(strings.some((s) => s.includes(value))).toBe(false);
  });
});

describe('translateWebhook: no payer data reachable from the output', () => {
  it.each(fixtures())('%s: the body carries PII, the reference none', (_name, event) => {
    expect(leakedValues(event).length).toBeGreaterThan(0);
    const output = translateWebhook(event);
    expect(output.kind).not.toBe('invalid');
    expect(leakedValues(output)).toEqual([]);
  });

  it('PII planted in whitelisted fields makes the event invalid rather than copied', () => {
    const plants: Array<[string, object, Path, unknown]> = [
      ['resource id', captureEvent(), ['resource', 'id'], PII.email],
      ['event id', subscriptionEvent(), ['id'], PII.email],
      ['event type', captureEvent(), ['event_type'], PII.message],
      ['create_time', captureEvent(), ['create_time'], PII.line1],
      ['status', captureEvent(), ['resource', 'status'], PII.givenName],
      ['amount value', captureEvent(), ['resource', 'amount', 'value'], `${PII.phone} USD`],
      ['outcome', disputeEvent('RESOLVED_BUYER_FAVOUR'), ['resource', 'dispute_outcome', 'outcome_code'], PII.fullName],
      ['transaction id', disputeEvent(), ['resource', 'disputed_transactions', 0, 'seller_transaction_id'], PII.email],
    ];
    for (const [name, event, path, value] of plants) {
      const output = translateWebhook(withField(event, path, value));
      expect(output.kind, name).toBe('invalid');
      expect(leakedValues(output), name).toEqual([]);
    }
  });

  it('a custom_id not of our format is another integration\'s: not ours (null), never copied', () => {
    const foreign: Array<[object, Path, unknown]> = [
      [captureEvent(), ['resource', 'custom_id'], PII.email],
      [orderApproved(), ['resource', 'purchase_units', 0, 'custom_id'], `{"order_id":1187,"buyer":"${PII.fullName}"}`],
      [subscriptionEvent(), ['resource', 'custom_id'], PII.line1],
      [subscriptionEvent(), ['resource', 'custom_id'], 42],
    ];
    for (const [event, path, value] of foreign) {
      const output = translateWebhook(withField(event, path, value));
      expect(output, path.join('.')).toMatchObject({ checkoutId: null });
      expect(leakedValues(output)).toEqual([]);
    }
  });
});

describe('translateWebhook: malformed input', () => {
  const cases: Array<[string, unknown, string]> = [
    ['null', null, 'not_an_object'],
    ['an array', [captureEvent()], 'not_an_object'],
    ['a string', 'PAYMENT.CAPTURE.COMPLETED', 'not_an_object'],
    ['no id', { ...captureEvent(), id: undefined }, 'bad_event_id'],
    ['numeric id', { ...captureEvent(), id: 42 }, 'bad_event_id'],
    ['lower-case event type', { ...captureEvent(), event_type: 'payment.capture.completed' }, 'bad_event_type'],
    ['date without zone', { ...captureEvent(), create_time: '2024-04-16T21:22:07' }, 'bad_create_time'],
    ['impossible date', { ...captureEvent(), create_time: '2018-19-12T22:20:32.000Z' }, 'bad_create_time'],
    ['no resource', { ...captureEvent(), resource: undefined }, 'missing_resource'],
    ['resource is an array', { ...captureEvent(), resource: [] }, 'missing_resource'],
  ];
  it.each(cases)('%s → invalid (%s)', (_name, event, reason) => {
    expect(translateWebhook(event)).toEqual({ kind: 'invalid', reason });
  });

  it('rejects resource fields of the wrong type or format', () => {
    const cases: Array<[object, Path, unknown, string]> = [
      [captureEvent(), ['resource', 'amount', 'value'], 49, 'bad_amount'],
      [captureEvent(), ['resource', 'amount', 'value'], '1e3', 'bad_amount'],
      [captureEvent(), ['resource', 'amount', 'currency_code'], 'usd', 'bad_amount'],
      [captureEvent(), ['resource', 'status'], 'SETTLED', 'bad_status'],
      [captureEvent(), ['resource', 'id'], '../orders/1', 'bad_resource_id'],
      [subscriptionEvent(), ['resource', 'id'], SALE_ID, 'bad_resource_id'],
      [saleCompleted(), ['resource', 'billing_agreement_id'], 'B-123', 'missing_subscription_id'],
      [saleCompleted(), ['resource', 'amount', 'total'], '-9.00', 'bad_amount'],
      [disputeEvent(), ['resource', 'disputed_transactions'], [], 'bad_transactions'],
    ];
    for (const [event, path, value, reason] of cases) {
      expect(translateWebhook(withField(event, path, value)), path.join('.')).toEqual({ kind: 'invalid', reason });
    }
  });

  it('a refund whose up link points anywhere but a capture has no capture id', () => {
    const foreign = withField(captureRefunded(), ['resource', 'links', 1, 'href'], `https://evil.example/v2/checkout/orders/${CAPTURE_ID}`);
    expect(translateWebhook(foreign)).toEqual({ kind: 'invalid', reason: 'missing_capture_id' });
    const missing = withField(captureRefunded(), ['resource', 'links'], []);
    expect(translateWebhook(missing)).toEqual({ kind: 'invalid', reason: 'missing_capture_id' });
  });

  it('reads own properties only: an inherited field supplies nothing', () => {
    const event = captureEvent();
    const { custom_id: _inherited, ...own } = event.resource as Record<string, unknown>;
    const resource = Object.assign(Object.create({ custom_id: CHECKOUT_ID }) as object, own);
    expect(translateWebhook({ ...event, resource })).toMatchObject({ kind: 'capture', checkoutId: null });
  });
});

describe('translateWebhook: fuzz', () => {
  const isKnownShape = (output: WebhookReference) =>
    ['ignored', 'invalid', 'order-approved', 'capture', 'refund', 'reversal', 'subscription', 'sale', 'dispute'].includes(output.kind);

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(isKnownShape(translateWebhook(value))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws and never leaks PII when any field of a real sample is replaced', () => {
    const samples = fixtures().map(([, event]) => event);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.jsonValue(), (which, where, replacement) => {
        const sample = samples[which % samples.length]!;
        const paths = objectPaths(sample);
        const output = translateWebhook(withField(sample, paths[where % paths.length]!, replacement));
        expect(isKnownShape(output)).toBe(true);
        expect(leakedValues(output)).toEqual([]);
      }),
      { numRuns: 3_000 },
    );
  });
});

function objectPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      objectPaths(child, path, out);
    }
  }
  return out;
}
