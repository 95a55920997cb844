// A verified webhook body → a reading: ignored, unreadable (why), invalid (why) or a trigger carrying only the ids
// under which the server looks the fact up. Checked on our PayPal-shaped samples, on every genuine PayPal body in
// test/fixtures/paypal/, on broken shapes, and by fuzzing for crashes and payer data leaking through.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACTED_ON_EVENT_TYPES, resourceIdOf, translateWebhook, type Trigger, type WebhookReading,
} from '../../server/providers/paypal/translate';
import {
  CAPTURE_ID, CHECKOUT_ID, DISPUTE_ID, ORDER_ID, PII, REFUND_ID, SALE_ID, SALE_REFUND_ID, SALE_REVERSAL_ID, SUBSCRIPTION_ID,
  allStrings, captureEvent, captureRefunded, disputeEvent, leakedValues, orderApproved, saleCompleted, saleRefunded,
  saleReversedDocumented, saleReversedSimulator, subscriptionEvent, vector, vectorNames, vectorText, withField, type Path,
} from './paypal-translate-fixtures';

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
    ['sale reversed (documented)', saleReversedDocumented()],
    ['sale reversed (simulator)', saleReversedSimulator()],
    ['dispute created', disputeEvent()],
    ['dispute resolved', disputeEvent('RESOLVED_BUYER_FAVOUR')],
  ];
}

/** The reading of a body expected to be a trigger of the given event type. */
function triggered(eventType: string, trigger: Trigger): WebhookReading {
  return { kind: 'trigger', eventId: trigger.eventId, eventType, trigger };
}

function triggerOf(event: unknown): Trigger {
  const reading = translateWebhook(event);
  if (reading.kind !== 'trigger') throw new Error(`not a trigger: ${JSON.stringify(reading)}`);
  return reading.trigger;
}

describe('translateWebhook: PayPal samples → triggers that carry ids only', () => {
  it('CHECKOUT.ORDER.APPROVED names the order, with its first purchase unit\'s custom_id as a lookup hint', () => {
    const eventId = 'WH-COC11055RA711503B-4YM959094A144403T';
    expect(translateWebhook(orderApproved())).toEqual(
      triggered('CHECKOUT.ORDER.APPROVED', { kind: 'order-approved', eventId, at: Date.parse('2024-04-16T21:21:49.000Z'), orderId: ORDER_ID, checkoutHint: CHECKOUT_ID }),
    );
  });

  it('PAYMENT.CAPTURE.* name the capture, with its order and custom_id as lookup hints; no status, no amount', () => {
    const eventId = 'WH-58D329510W468432D-8HN650336L201105X';
    const expected: Trigger = {
      kind: 'capture', eventId, at: Date.parse('2024-04-16T21:22:07.940Z'), captureId: CAPTURE_ID, orderHint: ORDER_ID, checkoutHint: CHECKOUT_ID,
    };
    expect(translateWebhook(captureEvent())).toEqual(triggered('PAYMENT.CAPTURE.COMPLETED', expected));
    // The claimed status makes no difference to the trigger: the API's capture decides.
    expect(translateWebhook(captureEvent('PAYMENT.CAPTURE.DENIED', 'DECLINED'))).toEqual(triggered('PAYMENT.CAPTURE.DENIED', expected));
    expect(translateWebhook(captureEvent('PAYMENT.CAPTURE.PENDING', 'PENDING'))).toEqual(triggered('PAYMENT.CAPTURE.PENDING', expected));
    expect(translateWebhook(captureEvent('PAYMENT.CAPTURE.DECLINED', 'DECLINED'))).toEqual(triggered('PAYMENT.CAPTURE.DECLINED', expected));
  });

  it('the order hint comes from the `up` link when supplementary_data is absent, and is null when neither names one', () => {
    const event = captureEvent();
    delete (event.resource as Record<string, unknown>).supplementary_data;
    expect(triggerOf(event)).toMatchObject({ kind: 'capture', orderHint: ORDER_ID });
    const orphan = withField(event, ['resource', 'links'], []);
    expect(triggerOf(orphan)).toMatchObject({ kind: 'capture', captureId: CAPTURE_ID, orderHint: null });
    // An `up` link to anything but an order is no order hint.
    const elsewhere = withField(event, ['resource', 'links', 2, 'href'], `https://api-m.sandbox.paypal.com/v2/payments/captures/${ORDER_ID}`);
    expect(triggerOf(elsewhere)).toMatchObject({ orderHint: null });
  });

  it('PAYMENT.CAPTURE.REFUNDED / REVERSED: the refund (its id and self link) and, by its `up` link, the capture', () => {
    const base = { kind: 'refund', eventId: 'WH-1GE84257G0350133W-6RW800890C634293G', at: Date.parse('2024-04-20T08:10:05.123Z'), api: 'v2' } as const;
    expect(translateWebhook(captureRefunded())).toEqual(
      triggered('PAYMENT.CAPTURE.REFUNDED', { ...base, reversal: false, refundIds: [REFUND_ID], transactionIds: [CAPTURE_ID] }),
    );
    expect(translateWebhook(captureRefunded('PAYMENT.CAPTURE.REVERSED'))).toEqual(
      triggered('PAYMENT.CAPTURE.REVERSED', { ...base, reversal: true, refundIds: [REFUND_ID], transactionIds: [CAPTURE_ID] }),
    );
  });

  it('a v2 refund whose `up` link is not a capture names no transaction; the refund id is still a candidate', () => {
    const foreign = withField(captureRefunded(), ['resource', 'links', 1, 'href'], `https://api-m.sandbox.paypal.com/v2/checkout/orders/${CAPTURE_ID}`);
    expect(triggerOf(foreign)).toMatchObject({ refundIds: [REFUND_ID], transactionIds: [] });
    const noLinks = withField(captureRefunded(), ['resource', 'links'], []);
    expect(triggerOf(noLinks)).toMatchObject({ refundIds: [REFUND_ID], transactionIds: [] });
  });

  it('BILLING.SUBSCRIPTION.* name the subscription and the event type, with custom_id as a lookup hint', () => {
    const eventId = 'WH-77687562XN25889J8-8Y6T55435R66168T6';
    const at = Date.parse('2024-05-01T10:00:04.000Z');
    for (const type of ['ACTIVATED', 'RE-ACTIVATED', 'SUSPENDED', 'CANCELLED', 'EXPIRED', 'PAYMENT.FAILED'] as const) {
      const eventType = `BILLING.SUBSCRIPTION.${type}` as const;
      expect(translateWebhook(subscriptionEvent(eventType))).toEqual(
        triggered(eventType, { kind: 'subscription', eventId, at, subscriptionId: SUBSCRIPTION_ID, checkoutHint: CHECKOUT_ID, eventType }),
      );
    }
  });

  it('PAYMENT.SALE.COMPLETED names the sale, with billing_agreement_id as a hint for the subscription', () => {
    const eventId = 'WH-2WR32451HC0233532-67976317FL4543714';
    expect(translateWebhook(saleCompleted())).toEqual(
      triggered('PAYMENT.SALE.COMPLETED', { kind: 'sale', eventId, at: Date.parse('2024-06-01T10:00:09.000Z'), saleId: SALE_ID, subscriptionHint: SUBSCRIPTION_ID }),
    );
  });

  it('a sale outside any subscription is another integration\'s payment: ignored', () => {
    const event = saleCompleted();
    delete (event.resource as Record<string, unknown>).billing_agreement_id;
    expect(translateWebhook(event)).toEqual({ kind: 'ignored', eventId: 'WH-2WR32451HC0233532-67976317FL4543714', eventType: 'PAYMENT.SALE.COMPLETED' });
  });

  it('CUSTOMER.DISPUTE.* name the dispute and, as hints, the seller transaction ids; the outcome is not read', () => {
    const eventId = 'WH-4M0448861G563140B-9EX36365822141321';
    const at = Date.parse('2024-04-25T13:36:33.000Z');
    expect(translateWebhook(disputeEvent())).toEqual(
      triggered('CUSTOMER.DISPUTE.CREATED', { kind: 'dispute', eventId, at, disputeId: DISPUTE_ID, transactionHints: [CAPTURE_ID], eventType: 'CUSTOMER.DISPUTE.CREATED' }),
    );
    expect(translateWebhook(disputeEvent('RESOLVED_SELLER_FAVOUR'))).toEqual(
      triggered('CUSTOMER.DISPUTE.RESOLVED', { kind: 'dispute', eventId, at, disputeId: DISPUTE_ID, transactionHints: [CAPTURE_ID], eventType: 'CUSTOMER.DISPUTE.RESOLVED' }),
    );
    const twice = withField(disputeEvent(), ['resource', 'disputed_transactions', 1], disputeEvent().resource.disputed_transactions[0]);
    const other = withField(twice, ['resource', 'disputed_transactions', 1, 'seller_transaction_id'], SALE_ID);
    expect(triggerOf(twice)).toMatchObject({ transactionHints: [CAPTURE_ID] });
    expect(triggerOf(other)).toMatchObject({ transactionHints: [CAPTURE_ID, SALE_ID] });
  });

  it('every event type the server acts on, in a well-formed body, is a trigger; others are ignored', () => {
    const bodies: Record<string, Record<string, unknown>> = {
      'CHECKOUT.ORDER.APPROVED': orderApproved(),
      'PAYMENT.CAPTURE.COMPLETED': captureEvent(),
      'PAYMENT.CAPTURE.PENDING': captureEvent(),
      'PAYMENT.CAPTURE.DENIED': captureEvent(),
      'PAYMENT.CAPTURE.DECLINED': captureEvent(),
      'PAYMENT.CAPTURE.REFUNDED': captureRefunded(),
      'PAYMENT.CAPTURE.REVERSED': captureRefunded(),
      'PAYMENT.SALE.COMPLETED': saleCompleted(),
      'PAYMENT.SALE.REFUNDED': saleRefunded(),
      'PAYMENT.SALE.REVERSED': saleRefunded(),
      'CUSTOMER.DISPUTE.CREATED': disputeEvent(),
      'CUSTOMER.DISPUTE.RESOLVED': disputeEvent(),
    };
    for (const type of ACTED_ON_EVENT_TYPES) {
      const body = bodies[type] ?? subscriptionEvent(type);
      expect(translateWebhook({ ...body, event_type: type }), type).toMatchObject({ kind: 'trigger', eventType: type });
    }
    for (const type of ['BILLING.SUBSCRIPTION.CREATED', 'BILLING.SUBSCRIPTION.UPDATED', 'CHECKOUT.ORDER.COMPLETED', 'PAYMENT.AUTHORIZATION.CREATED', 'BILLING.PLAN.CREATED']) {
      expect(translateWebhook({ ...captureEvent(), event_type: type }), type).toEqual({ kind: 'ignored', eventId: 'WH-58D329510W468432D-8HN650336L201105X', eventType: type });
    }
  });

  it('resourceIdOf names what the inbox row and the logs show: the refund first for money given back', () => {
    expect(resourceIdOf(triggerOf(orderApproved()))).toBe(ORDER_ID);
    expect(resourceIdOf(triggerOf(captureEvent()))).toBe(CAPTURE_ID);
    expect(resourceIdOf(triggerOf(captureRefunded()))).toBe(REFUND_ID);
    expect(resourceIdOf(triggerOf(saleRefunded()))).toBe(SALE_REFUND_ID);
    expect(resourceIdOf(triggerOf(saleReversedDocumented()))).toBe(SALE_REVERSAL_ID);
    expect(resourceIdOf(triggerOf(saleReversedSimulator()))).toBe(SALE_REVERSAL_ID);
    expect(resourceIdOf(triggerOf(subscriptionEvent()))).toBe(SUBSCRIPTION_ID);
    expect(resourceIdOf(triggerOf(saleCompleted()))).toBe(SALE_ID);
    expect(resourceIdOf(triggerOf(disputeEvent()))).toBe(DISPUTE_ID);
    const onlyCapture = withField(captureRefunded(), ['resource', 'links'], [captureRefunded().resource.links[1]]);
    expect(resourceIdOf(triggerOf(withField(onlyCapture, ['resource', 'id'], undefined)))).toBe(CAPTURE_ID);
  });
});

describe('translateWebhook: sale refunds and reversals in every shape PayPal sends', () => {
  const v1 = (eventId: string, at: string, reversal: boolean, refundIds: string[], transactionIds: string[]): Trigger =>
    ({ kind: 'refund', eventId, at: Date.parse(at), reversal, api: 'v1', refundIds, transactionIds });

  it('the v1 refund naming its sale in sale_id and a `sale` link: the sale first among the transaction candidates', () => {
    expect(translateWebhook(saleRefunded())).toEqual(
      triggered('PAYMENT.SALE.REFUNDED', v1('WH-0U6530236T8946223-3RR34297RJ6455245', '2024-06-03T12:00:03.000Z', false, [SALE_REFUND_ID], [SALE_ID, SALE_REFUND_ID])),
    );
    expect(triggerOf(saleRefunded('PAYMENT.SALE.REVERSED'))).toMatchObject({ reversal: true, api: 'v1', transactionIds: [SALE_ID, SALE_REFUND_ID] });
  });

  it('a v1 refund naming its sale only by an `up` link (as our sandbox renders it)', () => {
    const upOnly = withField(withField(saleRefunded(), ['resource', 'sale_id'], undefined), ['resource', 'links', 1, 'rel'], 'up');
    expect(triggerOf(upOnly)).toMatchObject({ refundIds: [SALE_REFUND_ID], transactionIds: [SALE_ID, SALE_REFUND_ID] });
  });

  it('PayPal\'s documented PAYMENT.SALE.REVERSED: the resource is the SALE, only the self link names the refund', () => {
    expect(translateWebhook(saleReversedDocumented())).toEqual(
      triggered('PAYMENT.SALE.REVERSED', v1('WH-3EC545679X386831C-3D038940937933201', '2024-06-05T00:19:27Z', true, [SALE_REVERSAL_ID, SALE_ID], [SALE_ID])),
    );
  });

  it('the simulator\'s PAYMENT.SALE.REVERSED: the resource is the refund and nothing names the sale', () => {
    // The resource id is the only candidate for either role; the parent_payment link is a v1 payment, no sale.
    expect(translateWebhook(saleReversedSimulator())).toEqual(
      triggered('PAYMENT.SALE.REVERSED', v1('WH-1B7245786P3591631-6KG99346U4362062L', '2024-06-05T00:19:27Z', true, [SALE_REVERSAL_ID], [SALE_REVERSAL_ID])),
    );
  });

  it('negative totals, amounts of any shape and a missing state are no reason to refuse: nothing of them is read', () => {
    for (const total of ['-9.00', '-0.01', '9', 'abc', 9]) {
      expect(triggerOf(withField(saleRefunded(), ['resource', 'amount', 'total'], total)), String(total)).toMatchObject({ kind: 'refund' });
      expect(triggerOf(withField(saleReversedDocumented(), ['resource', 'amount', 'total'], total))).toMatchObject({ kind: 'refund' });
    }
    expect(triggerOf(withField(saleRefunded(), ['resource', 'state'], undefined))).toMatchObject({ kind: 'refund' });
    expect(triggerOf(withField(captureRefunded(), ['resource', 'amount'], { value: '-49.00', currency_code: 'usd' }))).toMatchObject({ kind: 'refund' });
  });

  it('a v1 refund body whose links point anywhere but sales and refunds names only its own id', () => {
    const links = [{ href: `https://api.paypal.com/v1/payments/payment/PAYID-MZ2OHQBQ5437236047802405`, rel: 'parent_payment', method: 'GET' }];
    const bare = withField(withField(saleRefunded(), ['resource', 'sale_id'], undefined), ['resource', 'links'], links);
    expect(triggerOf(bare)).toMatchObject({ refundIds: [SALE_REFUND_ID], transactionIds: [SALE_REFUND_ID] });
  });
});

describe('translateWebhook: genuine PayPal bodies (test/fixtures/paypal)', () => {
  const at = (iso: string) => Date.parse(iso);
  /** What a payments engineer reads in each body, file by file. */
  const REAL: Record<string, WebhookReading> = {
    'W01-order-approved-sandbox-2021.json': triggered('CHECKOUT.ORDER.APPROVED', {
      kind: 'order-approved', eventId: 'WH-38T23114G8344784G-0DV77300YM0470134', at: at('2021-02-17T08:41:04.342Z'), orderId: '3P70193256757541W', checkoutHint: null,
    }),
    // PayPal's docs sample: custom_id is the merchant's placeholder, a hint only; the self link names another capture id.
    'W02-capture-completed-paypal-docs-apm-2021.json': triggered('PAYMENT.CAPTURE.COMPLETED', {
      kind: 'capture', eventId: 'WH-6WA12701B00483532-15737896PW730511B', at: at('2021-03-19T08:07:57.563Z'),
      captureId: '84745544P6340640G', orderHint: '5O190127TN364715T', checkoutHint: 'MERCHANT_CUSTOM_ID',
    }),
    // No supplementary_data and no custom_id: the order is reachable only by the `up` link.
    'W07-capture-pending-zencart-2018.json': triggered('PAYMENT.CAPTURE.PENDING', {
      kind: 'capture', eventId: 'WH-9Y180613C5171350R-3A568107UP261041K', at: at('2018-08-15T20:03:06.086Z'),
      captureId: '02T21492PP3782704', orderHint: '8PR65097T8571330M', checkoutHint: null,
    }),
    'W08-capture-denied-paypal-docs-apm-2021.json': triggered('PAYMENT.CAPTURE.DENIED', {
      kind: 'capture', eventId: 'WH-11M70257FM3776948-8B478027S4286991F', at: at('2021-03-19T08:17:29.782Z'),
      captureId: '826413372K501814R', orderHint: '5O190127TN364715T', checkoutHint: 'MERCHANT_CUSTOM_ID',
    }),
    'W10-capture-refunded-zencart-2018.json': triggered('PAYMENT.CAPTURE.REFUNDED', {
      kind: 'refund', eventId: 'WH-1GE84257G0350133W-6RW800890C634293G', at: at('2018-08-15T19:14:04.543Z'),
      reversal: false, api: 'v2', refundIds: ['1Y107995YT783435V'], transactionIds: ['0JF852973C016714D'],
    }),
    'W12-sale-completed-subscription-sandbox-2023-09.json': triggered('PAYMENT.SALE.COMPLETED', {
      kind: 'sale', eventId: 'WH-4BF08585W75823541-1TG34585CL883470E', at: at('2023-09-07T07:13:29.971Z'),
      saleId: '5CS38179PL895402Y', subscriptionHint: 'I-0HNJGFKLTLMP',
    }),
    // Total "-0.01"; the sale in sale_id and in the `sale` link; the refund in the id and the self link.
    'W16-sale-refunded-simulator-2024.json': triggered('PAYMENT.SALE.REFUNDED', {
      kind: 'refund', eventId: 'WH-2N242548W9943490U-1JU23391CS4765624', at: at('2014-10-31T15:42:24Z'),
      reversal: false, api: 'v1', refundIds: ['6YX43824R4443062K'], transactionIds: ['9T0916710M1105906', '6YX43824R4443062K'],
    }),
    // resource.id is the SALE; only the self link names the refund.
    'W20-sale-reversed-docs-sample-2014.json': triggered('PAYMENT.SALE.REVERSED', {
      kind: 'refund', eventId: 'WH-3EC545679X386831C-3D038940937933201', at: at('2014-10-23T00:19:27Z'),
      reversal: true, api: 'v1', refundIds: ['77689802DL785834G', '80021663DE681814L'], transactionIds: ['80021663DE681814L'],
    }),
    'W21-subscription-activated-sandbox-2021.json': triggered('BILLING.SUBSCRIPTION.ACTIVATED', {
      kind: 'subscription', eventId: 'WH-1EB18766R47767245-3J644022NM989091D', at: at('2021-05-19T00:37:12.142Z'),
      subscriptionId: 'I-E27EVWPC60XD', checkoutHint: null, eventType: 'BILLING.SUBSCRIPTION.ACTIVATED',
    }),
    'W22-subscription-cancelled-sandbox-2021.json': triggered('BILLING.SUBSCRIPTION.CANCELLED', {
      kind: 'subscription', eventId: 'WH-0RL642254C974970S-65P736108L5111220', at: at('2021-02-18T21:49:07.585Z'),
      subscriptionId: 'I-2FBAXW3SJMBB', checkoutHint: null, eventType: 'BILLING.SUBSCRIPTION.CANCELLED',
    }),
    'W25-subscription-payment-failed-simulator-2024.json': triggered('BILLING.SUBSCRIPTION.PAYMENT.FAILED', {
      kind: 'subscription', eventId: 'WH-77687562XN25889J2-8Y6T55435R66168T4', at: at('2019-01-01T01:20:54.000Z'),
      subscriptionId: 'I-BW452GLLEP1G', checkoutHint: null, eventType: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
    }),
    // The older PP-000-… case number format.
    'W26-dispute-created-2018-docs.json': triggered('CUSTOMER.DISPUTE.CREATED', {
      kind: 'dispute', eventId: 'WH-4M0448861G563140B-9EX36365822141321', at: at('2018-06-21T13:36:33.000Z'),
      disputeId: 'PP-000-042-663-135', transactionHints: ['00D10444LD479031K'], eventType: 'CUSTOMER.DISPUTE.CREATED',
    }),
  };

  /** Classic v1 checkout payments, not subscription payments (no billing_agreement_id): not ours. */
  const SDK_2015_2016: Record<string, WebhookReading> = {
    'PAYMENT.SALE.COMPLETED__paypal-net-sdk__signed-sandbox-2015-05-12.body.json':
      { kind: 'ignored', eventId: 'WH-2W7266712B616591M-36507203HX6402335', eventType: 'PAYMENT.SALE.COMPLETED' },
    'PAYMENT.SALE.COMPLETED__paypal-php-sdk__signed-sandbox-2016-09-21.body.json':
      { kind: 'ignored', eventId: 'WH-9UG43882HX7271132-6E0871324L7949614', eventType: 'PAYMENT.SALE.COMPLETED' },
    'PAYMENT.SALE.COMPLETED__paypal-python-sdk__signed-sandbox-2015-05-18.body.json':
      { kind: 'ignored', eventId: 'WH-0G2756385H040842W-5Y612302CV158622M', eventType: 'PAYMENT.SALE.COMPLETED' },
  };

  it('every webhook body in the sets has an expected reading (a new file needs one)', () => {
    expect(vectorNames('paypal-real').filter((name) => name.startsWith('W'))).toEqual(Object.keys(REAL).sort());
    expect(vectorNames('paypal-sdk-2015-2016')).toEqual(Object.keys(SDK_2015_2016).sort());
  });

  it.each(Object.entries(REAL))('paypal-real/%s', (name, expected) => {
    expect(translateWebhook(vector('paypal-real', name))).toEqual(expected);
  });

  it.each(Object.entries(SDK_2015_2016))('paypal-sdk-2015-2016/%s', (name, expected) => {
    expect(translateWebhook(vector('paypal-sdk-2015-2016', name))).toEqual(expected);
  });

  it('the same bodies re-read with a malformed create_time keep their reading, dated null', () => {
    for (const [name, expected] of Object.entries(REAL)) {
      const body = { ...(vector('paypal-real', name) as Record<string, unknown>), create_time: '2018-19-12T22:20:32.000Z' };
      const reading = translateWebhook(body);
      if (expected.kind !== 'trigger') throw new Error('expected a trigger');
      expect(reading, name).toEqual({ ...expected, trigger: { ...expected.trigger, at: null } });
    }
  });

  it('PayPal Java SDK vector (legacy PAYMENTS.PAYMENT.CREATED) is ignored and carries none of its payer data', () => {
    const text = vectorText('paypal-java-sdk-2019', 'body.json');
    const output = translateWebhook(JSON.parse(text));
    expect(output).toEqual({ kind: 'ignored', eventId: 'WH-7MU294299R542214K-4N1831857K851783H', eventType: 'PAYMENTS.PAYMENT.CREATED' });
    const vectorPii = ['sb-ahlmo117121@personal.example.com', 'John', 'Doe', 'WZH5NSHUBE63W', '4084959323', 'Brian Robinson', '4th Floor', 'Unit #34'];
    for (const value of vectorPii) expect(text).toContain(value);
    const strings = allStrings(output);
    for (const value of vectorPii) expect(strings.some((s) => s.includes(value))).toBe(false);
  });

  it('no payer data of the genuine bodies reaches a reading', () => {
    const payerData = [
      'John', 'Doe', 'sb-7j8uy5108762@personal.example.com', 'GED5L2T99B84A', 'Raheja', 'sb-tv9k475020577@personal.example.com',
      '76G5FYZ8TBNHL', 'ESpachstr', 'sb-flr0k5150019@personal.example.com', '2GRYK9AY6RNE4', '2211 N First Street', 'customer@example.com',
      '2J6QB8YJQSJRJ', 'qwqwqwq', 'RD465XN5VS364', 'JRABHS4FG63GW',
    ];
    const readings = JSON.stringify(vectorNames('paypal-real').filter((n) => n.startsWith('W')).map((n) => translateWebhook(vector('paypal-real', n))));
    const bodies = vectorNames('paypal-real').map((n) => vectorText('paypal-real', n)).join('\n');
    for (const value of payerData) {
      expect(bodies, value).toContain(value);
      expect(readings, value).not.toContain(value);
    }
  });
});

describe('translateWebhook: each event type\'s own rules decide which fields matter', () => {
  it('a type we do not act on needs nothing but its id and type', () => {
    expect(translateWebhook({ id: 'WH-1AB', event_type: 'BILLING.PLAN.CREATED' })).toEqual({ kind: 'ignored', eventId: 'WH-1AB', eventType: 'BILLING.PLAN.CREATED' });
    const created = subscriptionEvent('BILLING.SUBSCRIPTION.CREATED', 'APPROVAL_PENDING');
    for (const [path, value] of [
      [['create_time'], '2018-19-12T22:20:32.000Z'],
      [['create_time'], undefined],
      [['resource'], 'not an object'],
      [['resource', 'id'], PII.email],
    ] as Array<[Path, unknown]>) {
      expect(translateWebhook(withField(created, path, value)), path.join('.')).toEqual({
        kind: 'ignored', eventId: 'WH-77687562XN25889J8-8Y6T55435R66168T6', eventType: 'BILLING.SUBSCRIPTION.CREATED',
      });
    }
  });

  it('a malformed or missing create_time on an acted-on type is no refusal either: `at` is null', () => {
    for (const createTime of ['2018-19-12T22:20:32.000Z', '2024-04-16T21:22:07', 'yesterday', 1713302527940, undefined]) {
      for (const [name, event] of fixtures()) {
        const reading = translateWebhook({ ...event, create_time: createTime });
        expect(reading, `${name}: ${String(createTime)}`).toMatchObject({ kind: 'trigger', trigger: { at: null } });
      }
    }
    expect(triggerOf({ ...captureEvent(), create_time: '2024-04-16T21:22:07.940+02:00' }).at).toBe(Date.parse('2024-04-16T19:22:07.940Z'));
  });

  it('statuses, amounts, outcomes and summaries of a body are never read: changing them changes nothing', () => {
    const changes: Array<[Record<string, unknown>, Path, unknown]> = [
      [captureEvent(), ['resource', 'status'], 'SETTLED'],
      [captureEvent(), ['resource', 'amount'], { value: '1e3', currency_code: 'usd' }],
      [subscriptionEvent(), ['resource', 'status'], 'CANCELLED'],
      [subscriptionEvent(), ['resource', 'plan_id'], 'not a plan'],
      [saleCompleted(), ['resource', 'amount', 'total'], '-9.00'],
      [saleCompleted(), ['resource', 'state'], 'denied'],
      [disputeEvent('RESOLVED_BUYER_FAVOUR'), ['resource', 'dispute_outcome', 'outcome_code'], 'RESOLVED_SELLER_FAVOUR'],
      [disputeEvent(), ['summary'], 'anything at all'],
    ];
    for (const [event, path, value] of changes) {
      expect(translateWebhook(withField(event, path, value)), path.join('.')).toEqual(translateWebhook(event));
    }
  });
});

describe('translateWebhook: unreadable (recorded, answered 2xx) and invalid (answered 400)', () => {
  const invalid: Array<[string, unknown, string]> = [
    ['null', null, 'not_an_object'],
    ['an array', [captureEvent()], 'not_an_object'],
    ['a string', 'PAYMENT.CAPTURE.COMPLETED', 'not_an_object'],
    ['a number', 42, 'not_an_object'],
    ['no id', { ...captureEvent(), id: undefined }, 'bad_event_id'],
    ['numeric id', { ...captureEvent(), id: 42 }, 'bad_event_id'],
    ['id not of PayPal\'s format', { ...captureEvent(), id: 'wh-58d329510w468432d' }, 'bad_event_id'],
    ['no event type', { ...captureEvent(), event_type: undefined }, 'bad_event_type'],
    ['lower-case event type', { ...captureEvent(), event_type: 'payment.capture.completed' }, 'bad_event_type'],
    ['event type with spaces', { ...captureEvent(), event_type: 'PAYMENT CAPTURE' }, 'bad_event_type'],
  ];
  it.each(invalid)('%s → invalid (%s)', (_name, event, reason) => {
    expect(translateWebhook(event)).toEqual({ kind: 'invalid', reason });
  });

  it('an acted-on type whose resource is missing or not an object → missing_resource', () => {
    for (const resource of [undefined, null, [], 'capture', 7]) {
      expect(translateWebhook({ ...captureEvent(), resource }), String(resource)).toEqual({
        kind: 'unreadable', eventId: 'WH-58D329510W468432D-8HN650336L201105X', eventType: 'PAYMENT.CAPTURE.COMPLETED', reason: 'missing_resource', resourceId: null,
      });
    }
  });

  it('ids that cannot be PayPal\'s → bad_resource_id', () => {
    const cases: Array<[Record<string, unknown>, Path, unknown]> = [
      [orderApproved(), ['resource', 'id'], '5O190127tn364715t'],
      [captureEvent(), ['resource', 'id'], '../orders/1'],
      [captureEvent(), ['resource', 'id'], 27],
      [subscriptionEvent(), ['resource', 'id'], SALE_ID],
      [subscriptionEvent('BILLING.SUBSCRIPTION.CANCELLED'), ['resource', 'id'], undefined],
      [saleCompleted(), ['resource', 'id'], 'SALE 1'],
      // Not a subscription (an old billing agreement): no subscription of ours can be behind it.
      [saleCompleted(), ['resource', 'billing_agreement_id'], 'B-123'],
      [disputeEvent(), ['resource', 'dispute_id'], 'PP-D-27803; drop table'],
    ];
    for (const [event, path, value] of cases) {
      const reading = translateWebhook(withField(event, path, value));
      expect(reading, `${String(event.event_type)} ${path.join('.')}`).toMatchObject({ kind: 'unreadable', reason: 'bad_resource_id', eventId: event.id });
    }
  });

  it('a refund body naming neither a refund nor a transaction → no_refund_or_transaction', () => {
    const v2 = withField(withField(captureRefunded(), ['resource', 'id'], undefined), ['resource', 'links'], []);
    expect(translateWebhook(v2)).toMatchObject({ kind: 'unreadable', reason: 'no_refund_or_transaction' });
    const v1 = withField(withField(withField(saleRefunded(), ['resource', 'id'], 'not-an-id'), ['resource', 'sale_id'], undefined), ['resource', 'links'], 'none');
    expect(translateWebhook(v1)).toMatchObject({ kind: 'unreadable', reason: 'no_refund_or_transaction' });
  });

  it('a dispute without a readable list of disputed transactions → bad_transactions', () => {
    const entry = disputeEvent().resource.disputed_transactions[0]!;
    const lists: unknown[] = [undefined, [], 'CAPTURE', [{ ...entry, seller_transaction_id: 'not an id' }], [entry, { ...entry, seller_transaction_id: undefined }],
      Array.from({ length: 21 }, (_, i) => ({ ...entry, seller_transaction_id: `${CAPTURE_ID.slice(0, -2)}${String(i).padStart(2, '0')}` }))];
    for (const list of lists) {
      expect(translateWebhook(withField(disputeEvent(), ['resource', 'disputed_transactions'], list))).toMatchObject({ kind: 'unreadable', reason: 'bad_transactions' });
      // The dispute's own id is well formed: the delivery is kept under it, for the license's support timeline.
      expect((translateWebhook(withField(disputeEvent(), ['resource', 'disputed_transactions'], list)) as { resourceId: string | null }).resourceId).toMatch(/^PP-/);
    }
    const twenty = Array.from({ length: 20 }, (_, i) => ({ ...entry, seller_transaction_id: `${CAPTURE_ID.slice(0, -2)}${String(i).padStart(2, '0')}` }));
    expect(triggerOf(withField(disputeEvent(), ['resource', 'disputed_transactions'], twenty))).toMatchObject({ kind: 'dispute' });
  });

  it('reads own properties only: an inherited field supplies nothing', () => {
    const event = captureEvent();
    const { custom_id: _inherited, ...own } = event.resource as Record<string, unknown>;
    const resource = Object.assign(Object.create({ custom_id: CHECKOUT_ID }) as object, own);
    expect(triggerOf({ ...event, resource })).toMatchObject({ kind: 'capture', checkoutHint: null });
    const envelope = Object.assign(Object.create({ id: 'WH-INHERITED1' }) as object, { event_type: 'PAYMENT.CAPTURE.COMPLETED', resource: event.resource });
    expect(translateWebhook(envelope)).toEqual({ kind: 'invalid', reason: 'bad_event_id' });
  });
});

describe('translateWebhook: no payer data reachable from the output', () => {
  it.each(fixtures())('%s: the body carries PII, the reading none', (_name, event) => {
    expect(leakedValues(event).length).toBeGreaterThan(0);
    const output = translateWebhook(event);
    expect(output.kind).toBe('trigger');
    expect(leakedValues(output)).toEqual([]);
  });

  it('PII planted in any field read is refused or left behind, never copied', () => {
    const plants: Array<[string, Record<string, unknown>, Path, unknown, WebhookReading['kind']]> = [
      ['resource id', captureEvent(), ['resource', 'id'], PII.email, 'unreadable'],
      ['event id', subscriptionEvent(), ['id'], PII.email, 'invalid'],
      ['event type', captureEvent(), ['event_type'], PII.message, 'invalid'],
      ['create_time', captureEvent(), ['create_time'], PII.line1, 'trigger'],
      ['order id', captureEvent(), ['resource', 'supplementary_data', 'related_ids', 'order_id'], PII.email, 'trigger'],
      ['up link', captureEvent(), ['resource', 'links', 2, 'href'], `https://api.paypal.com/v2/checkout/orders/${PII.email}`, 'trigger'],
      ['custom_id', captureEvent(), ['resource', 'custom_id'], PII.email, 'trigger'],
      ['sale_id', saleRefunded(), ['resource', 'sale_id'], PII.fullName, 'trigger'],
      ['sale link', saleRefunded(), ['resource', 'links', 1, 'href'], `https://api.paypal.com/v1/payments/sale/${encodeURIComponent(PII.fullName)}`, 'trigger'],
      ['billing agreement', saleCompleted(), ['resource', 'billing_agreement_id'], PII.email, 'unreadable'],
      ['subscription id', subscriptionEvent(), ['resource', 'id'], `I-${PII.fullName}`, 'unreadable'],
      ['transaction id', disputeEvent(), ['resource', 'disputed_transactions', 0, 'seller_transaction_id'], PII.email, 'unreadable'],
      ['dispute id', disputeEvent(), ['resource', 'dispute_id'], `PP-${PII.phone} ${PII.givenName}`, 'unreadable'],
    ];
    for (const [name, event, path, value, kind] of plants) {
      const output = translateWebhook(withField(event, path, value));
      expect(output.kind, name).toBe(kind);
      expect(leakedValues(output), name).toEqual([]);
    }
  });

  it('a custom_id not of our format is another integration\'s: no hint, never copied', () => {
    const foreign: unknown[] = [PII.email, `{"order_id":1187,"buyer":"${PII.fullName}"}`, PII.line1, 42, ['x'], 'x'.repeat(128)];
    const places: Array<[Record<string, unknown>, Path]> = [
      [captureEvent(), ['resource', 'custom_id']],
      [subscriptionEvent(), ['resource', 'custom_id']],
      [orderApproved(), ['resource', 'purchase_units', 0, 'custom_id']],
    ];
    for (const [event, path] of places) {
      for (const value of foreign) {
        const output = translateWebhook(withField(event, path, value));
        expect(output, `${path.join('.')}: ${String(value)}`).toMatchObject({ kind: 'trigger', trigger: { checkoutHint: null } });
        expect(leakedValues(output)).toEqual([]);
      }
    }
  });

  it('a missing custom_id is no hint, and no reason to refuse the event', () => {
    expect(triggerOf(withField(subscriptionEvent(), ['resource', 'custom_id'], undefined))).toMatchObject({ kind: 'subscription', checkoutHint: null });
    expect(triggerOf(withField(orderApproved(), ['resource', 'purchase_units'], []))).toMatchObject({ kind: 'order-approved', orderId: ORDER_ID, checkoutHint: null });
    expect(triggerOf(withField(orderApproved(), ['resource', 'purchase_units'], 'none'))).toMatchObject({ kind: 'order-approved', checkoutHint: null });
  });
});

/** Every string a reading may hold: ids in PayPal's formats, event types, and the reading's own words. */
const READING_WORDS = new Set([
  'ignored', 'unreadable', 'invalid', 'trigger', 'order-approved', 'capture', 'refund', 'subscription', 'sale', 'dispute', 'v1', 'v2',
  'missing_resource', 'bad_resource_id', 'no_refund_or_transaction', 'bad_transactions', 'not_an_object', 'bad_event_id', 'bad_event_type',
  'kind', 'eventId', 'eventType', 'reason', 'at', 'orderId', 'captureId', 'orderHint', 'checkoutHint', 'reversal', 'api', 'refundIds',
  'transactionIds', 'subscriptionId', 'saleId', 'subscriptionHint', 'disputeId', 'transactionHints',
]);
const ID_LIKE = /^(WH-[A-Z0-9-]+|I-[A-Z0-9]+|PP-[A-Z0-9-]+|[A-Z0-9]{1,36}|[A-Za-z0-9_-]{1,127}|[A-Z][A-Z0-9_.-]*)$/;

describe('translateWebhook: fuzz', () => {
  const isKnownShape = (output: WebhookReading) =>
    output.kind === 'trigger'
      ? ['order-approved', 'capture', 'refund', 'subscription', 'sale', 'dispute'].includes(output.trigger.kind)
      : ['ignored', 'unreadable', 'invalid'].includes(output.kind);
  const onlyIds = (output: WebhookReading) => allStrings(output).every((text) => READING_WORDS.has(text) || ID_LIKE.test(text));

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const output = translateWebhook(value);
        expect(isKnownShape(output)).toBe(true);
        expect(onlyIds(output)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws, never leaks PII and holds nothing but ids when any field of a sample is replaced', () => {
    const samples = fixtures().map(([, event]) => event);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.jsonValue(), (which, where, replacement) => {
        const sample = samples[which % samples.length]!;
        const paths = objectPaths(sample);
        const output = translateWebhook(withField(sample, paths[where % paths.length]!, replacement));
        expect(isKnownShape(output)).toBe(true);
        expect(leakedValues(output)).toEqual([]);
        expect(onlyIds(output)).toBe(true);
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
