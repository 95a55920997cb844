import { describe, expect, it } from 'vitest';
import {
  matchesCheckout, matchesSubscriptionCheckout, toBillingEvents, translateWebhook, type ActionableReference,
} from '../../server/providers/paypal/translate';
import { parseCapture, parseDispute, parseOrder, parseSale, parseSubscription } from '../../server/providers/paypal/views';
import {
  CAPTURE_ID, CHECKOUT_ID, DISPUTE_ID, ORDER_ID, PLAN_ID, SALE_ID, SUBSCRIPTION_ID, captureEvent, captureRefunded,
  captureResource, capturedOrderResource, disputeEvent, disputeResource, leakedValues, orderApproved, saleCompleted,
  saleRefunded, saleResource, subscriptionEvent, subscriptionResource, withField, type Path,
} from './paypal-translate-fixtures';

function reference(event: unknown): ActionableReference {
  const translated = translateWebhook(event);
  if (translated.kind === 'ignored' || translated.kind === 'invalid') throw new Error(`not actionable: ${translated.kind}`);
  return translated;
}

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture did not parse');
  return value;
}

const capture = (status = 'COMPLETED', path: Path = [], value?: unknown) =>
  must(parseCapture(path.length === 0 ? captureResource(status) : withField(captureResource(status), path, value)));
const subscription = (status = 'ACTIVE', billing: Record<string, unknown> = {}, statusUpdateTime?: string) =>
  must(parseSubscription({ ...subscriptionResource(status, billing), ...(statusUpdateTime ? { status_update_time: statusUpdateTime } : {}) }));
const sale = (state = 'completed') => must(parseSale(saleResource(state)));
const dispute = (outcome?: string) => must(parseDispute(disputeResource(outcome)));

describe('views of API answers', () => {
  it('keep ids, statuses, amounts, custom ids and billing dates, and no payer data', () => {
    const order = must(parseOrder(capturedOrderResource()));
    expect(order).toEqual({
      id: ORDER_ID,
      status: 'COMPLETED',
      amount: { value: '49.00', currency: 'USD' },
      customId: CHECKOUT_ID,
      invoiceId: CHECKOUT_ID,
      captures: [
        { id: CAPTURE_ID, status: 'COMPLETED', amount: { value: '49.00', currency: 'USD' }, orderId: ORDER_ID, customId: CHECKOUT_ID, invoiceId: CHECKOUT_ID, createTime: Date.parse('2024-04-16T21:22:01Z') },
      ],
    });
    expect(subscription()).toEqual({
      id: SUBSCRIPTION_ID,
      status: 'ACTIVE',
      planId: PLAN_ID,
      customId: CHECKOUT_ID,
      startTime: Date.parse('2024-05-01T10:00:00Z'),
      nextBillingTime: Date.parse('2024-06-01T10:00:00Z'),
      cyclesCompleted: 1,
      lastPayment: { amount: { value: '9.00', currency: 'USD' }, time: Date.parse('2024-05-01T10:00:01Z') },
      failedPaymentsCount: 0,
      statusUpdateTime: Date.parse('2024-05-01T10:00:02Z'),
    });
    expect(sale()).toEqual({
      id: SALE_ID, state: 'completed', amount: { value: '9.00', currency: 'USD' }, billingAgreementId: SUBSCRIPTION_ID, createTime: Date.parse('2024-06-01T10:00:05Z'),
    });
    expect(dispute('RESOLVED_BUYER_FAVOUR')).toEqual({ id: DISPUTE_ID, status: 'RESOLVED', outcome: 'RESOLVED_BUYER_FAVOUR', transactionIds: [CAPTURE_ID] });
    for (const view of [order, subscription(), sale(), dispute(), capture()]) expect(leakedValues(view)).toEqual([]);
  });

  it('refuse answers that do not have the documented shape', () => {
    expect(parseCapture({ ...captureResource(), status: 'SETTLED' })).toBeUndefined();
    expect(parseCapture({ ...captureResource(), amount: { value: 49, currency_code: 'USD' } })).toBeUndefined();
    expect(parseOrder({ ...capturedOrderResource(), id: 42 })).toBeUndefined();
    expect(parseSubscription({ ...subscriptionResource(), id: ORDER_ID })).toBeUndefined();
    expect(parseSale({ ...saleResource(), amount: { value: '9.00', currency_code: 'USD' } })).toBeUndefined();
  });
});

describe('toBillingEvents: orders and captures', () => {
  const at = Date.parse('2024-04-16T21:22:07.940Z');
  const id = 'WH-58D329510W468432D-8HN650336L201105X';

  it('an approved order asks for a capture and grants nothing', () => {
    expect(toBillingEvents(reference(orderApproved()), {})).toEqual({ ok: true, events: [] });
  });

  it('a completed capture → payment.completed with the API amount, the event id and the event time', () => {
    const truth = capture('COMPLETED', ['amount', 'value'], '49.0');
    expect(toBillingEvents(reference(captureEvent()), { capture: truth })).toEqual({
      ok: true,
      events: [{ id, at, type: 'payment.completed', transactionId: CAPTURE_ID, amount: { value: '49.0', currency: 'USD' } }],
    });
  });

  it('the API status wins over the webhook claim', () => {
    const claimedCompleted = reference(captureEvent());
    expect(toBillingEvents(claimedCompleted, { capture: capture('PENDING') })).toEqual({
      ok: true,
      events: [{ id, at, type: 'payment.pending', transactionId: CAPTURE_ID }],
    });
    expect(toBillingEvents(reference(captureEvent('PAYMENT.CAPTURE.DENIED', 'DECLINED')), { capture: capture('DECLINED') })).toEqual({
      ok: true,
      events: [{ id, at, type: 'payment.failed', transactionId: CAPTURE_ID, reason: 'DECLINED' }],
    });
    const pendingThenDone = reference(captureEvent('PAYMENT.CAPTURE.PENDING', 'PENDING'));
    expect(toBillingEvents(pendingThenDone, { capture: capture('COMPLETED') })).toMatchObject({ ok: true, events: [{ type: 'payment.completed' }] });
  });

  it('refuses a truth about another capture or order, or none', () => {
    const ref = reference(captureEvent());
    expect(toBillingEvents(ref, {})).toEqual({ ok: false, reason: 'missing_truth' });
    expect(toBillingEvents(ref, { capture: capture('COMPLETED', ['id'], '9XY12345AB6789012') })).toEqual({ ok: false, reason: 'wrong_resource' });
    const otherOrder = capture('COMPLETED', ['supplementary_data', 'related_ids', 'order_id'], '8RU61172JS455403V');
    expect(toBillingEvents(ref, { capture: otherOrder })).toEqual({ ok: false, reason: 'wrong_resource' });
  });

  it('a refund → payment.refunded, full only when the capture now shows REFUNDED', () => {
    const ref = reference(captureRefunded());
    const base = { id: 'WH-1GE84257G0350133W-6RW800890C634293G', at: Date.parse('2024-04-20T08:10:05.123Z'), transactionId: CAPTURE_ID, amount: { value: '49.00', currency: 'USD' } };
    expect(toBillingEvents(ref, { capture: capture('REFUNDED') })).toEqual({ ok: true, events: [{ ...base, type: 'payment.refunded', full: true }] });
    expect(toBillingEvents(ref, { capture: capture('PARTIALLY_REFUNDED') })).toEqual({ ok: true, events: [{ ...base, type: 'payment.refunded', full: false }] });
    expect(toBillingEvents(ref, { capture: capture('COMPLETED') })).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(toBillingEvents(reference(captureRefunded('PAYMENT.CAPTURE.REVERSED')), { capture: capture('REFUNDED') })).toEqual({
      ok: true,
      events: [{ ...base, id: 'WH-1GE84257G0350133W-6RW800890C634293G', type: 'payment.reversed' }],
    });
  });

  it('a sale refund is checked against the sale', () => {
    const ref = reference(saleRefunded());
    expect(toBillingEvents(ref, { sale: sale('refunded') })).toMatchObject({ ok: true, events: [{ type: 'payment.refunded', transactionId: SALE_ID, full: true }] });
    expect(toBillingEvents(ref, { sale: sale('partially_refunded') })).toMatchObject({ ok: true, events: [{ full: false }] });
    expect(toBillingEvents(ref, { sale: sale('completed') })).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(toBillingEvents(ref, { capture: capture('REFUNDED') })).toEqual({ ok: false, reason: 'missing_truth' });
    expect(toBillingEvents(reference(saleRefunded('PAYMENT.SALE.REVERSED')), { sale: sale('reversed') })).toMatchObject({
      ok: true,
      events: [{ type: 'payment.reversed', transactionId: SALE_ID }],
    });
  });
});

describe('toBillingEvents: subscriptions, renewals and disputes', () => {
  const subscriptionAt = Date.parse('2024-05-01T10:00:04.000Z');
  const paidThrough = Date.parse('2024-06-01T10:00:00Z');
  const subscriptionRef = (type: string) => reference(subscriptionEvent(`BILLING.SUBSCRIPTION.${type}`));
  const base = { id: 'WH-77687562XN25889J8-8Y6T55435R66168T6', at: subscriptionAt, subscriptionId: SUBSCRIPTION_ID };

  it('ACTIVATED → subscription.activated, paid through billing_info.next_billing_time', () => {
    expect(toBillingEvents(subscriptionRef('ACTIVATED'), { subscription: subscription() })).toEqual({
      ok: true,
      events: [{ ...base, type: 'subscription.activated', paidThrough }],
    });
    expect(toBillingEvents(subscriptionRef('ACTIVATED'), { subscription: subscription('APPROVAL_PENDING') })).toEqual({ ok: false, reason: 'not_confirmed' });
    const ended = subscription('CANCELLED', { next_billing_time: undefined });
    expect(toBillingEvents(subscriptionRef('ACTIVATED'), { subscription: ended })).toEqual({ ok: false, reason: 'no_paid_through' });
  });

  it('CANCELLED and EXPIRED need the subscription to be in that state', () => {
    expect(toBillingEvents(subscriptionRef('CANCELLED'), { subscription: subscription('CANCELLED') })).toEqual({ ok: true, events: [{ ...base, type: 'subscription.cancelled' }] });
    expect(toBillingEvents(subscriptionRef('CANCELLED'), { subscription: subscription('ACTIVE') })).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(toBillingEvents(subscriptionRef('EXPIRED'), { subscription: subscription('EXPIRED') })).toEqual({ ok: true, events: [{ ...base, type: 'subscription.expired' }] });
    expect(toBillingEvents(subscriptionRef('EXPIRED'), { subscription: subscription('CANCELLED') })).toEqual({ ok: false, reason: 'not_confirmed' });
  });

  it('SUSPENDED and RE-ACTIVATED are believed when current, or when the status changed again after the event', () => {
    const later = '2024-05-02T00:00:00Z';
    const earlier = '2024-05-01T10:00:00Z';
    expect(toBillingEvents(subscriptionRef('SUSPENDED'), { subscription: subscription('SUSPENDED') })).toEqual({ ok: true, events: [{ ...base, type: 'subscription.suspended' }] });
    expect(toBillingEvents(subscriptionRef('SUSPENDED'), { subscription: subscription('ACTIVE', {}, later) })).toMatchObject({ ok: true });
    expect(toBillingEvents(subscriptionRef('SUSPENDED'), { subscription: subscription('ACTIVE', {}, earlier) })).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(toBillingEvents(subscriptionRef('RE-ACTIVATED'), { subscription: subscription('ACTIVE') })).toEqual({ ok: true, events: [{ ...base, type: 'subscription.reactivated' }] });
    expect(toBillingEvents(subscriptionRef('RE-ACTIVATED'), { subscription: subscription('SUSPENDED', {}, earlier) })).toEqual({ ok: false, reason: 'not_confirmed' });
  });

  it('PAYMENT.FAILED needs a failed payment on record', () => {
    expect(toBillingEvents(subscriptionRef('PAYMENT.FAILED'), { subscription: subscription('ACTIVE', { failed_payments_count: 1 }) })).toEqual({
      ok: true,
      events: [{ ...base, type: 'subscription.payment_failed' }],
    });
    expect(toBillingEvents(subscriptionRef('PAYMENT.FAILED'), { subscription: subscription('ACTIVE') })).toEqual({ ok: false, reason: 'not_confirmed' });
  });

  it('refuses another subscription', () => {
    const other = must(parseSubscription({ ...subscriptionResource(), id: 'I-OTHER0000001' }));
    expect(toBillingEvents(subscriptionRef('ACTIVATED'), { subscription: other })).toEqual({ ok: false, reason: 'wrong_resource' });
  });

  it('PAYMENT.SALE.COMPLETED → subscription.renewed with the sale amount and the new paid-through date', () => {
    const ref = reference(saleCompleted());
    expect(toBillingEvents(ref, { sale: sale(), subscription: subscription() })).toEqual({
      ok: true,
      events: [
        {
          id: 'WH-2WR32451HC0233532-67976317FL4543714',
          at: Date.parse('2024-06-01T10:00:09.000Z'),
          type: 'subscription.renewed',
          subscriptionId: SUBSCRIPTION_ID,
          transactionId: SALE_ID,
          amount: { value: '9.00', currency: 'USD' },
          paidThrough,
        },
      ],
    });
    expect(toBillingEvents(ref, { sale: sale('pending'), subscription: subscription() })).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(toBillingEvents(ref, { sale: sale() })).toEqual({ ok: false, reason: 'missing_truth' });
    const foreignSale = must(parseSale({ ...saleResource(), billing_agreement_id: 'I-OTHER0000001' }));
    expect(toBillingEvents(ref, { sale: foreignSale, subscription: subscription() })).toEqual({ ok: false, reason: 'wrong_resource' });
  });

  it('disputes: opened per disputed transaction; resolved for the buyer or the seller by outcome code', () => {
    const created = reference(disputeEvent());
    const at = Date.parse('2024-04-25T13:36:33.000Z');
    const id = 'WH-4M0448861G563140B-9EX36365822141321';
    expect(toBillingEvents(created, { dispute: dispute() })).toEqual({
      ok: true,
      events: [{ id, at, type: 'dispute.opened', disputeId: DISPUTE_ID, transactionId: CAPTURE_ID }],
    });
    const one = disputeResource();
    const two = withField(one, ['disputed_transactions', 1], { ...one.disputed_transactions[0], seller_transaction_id: SALE_ID });
    const opened = toBillingEvents(created, { dispute: must(parseDispute(two)) });
    expect(opened).toMatchObject({ ok: true, events: [{ id: `${id}:${CAPTURE_ID}` }, { id: `${id}:${SALE_ID}`, transactionId: SALE_ID }] });

    const outcomes: Array<[string, 'buyer' | 'seller']> = [
      ['RESOLVED_BUYER_FAVOUR', 'buyer'],
      ['ACCEPTED', 'buyer'],
      ['RESOLVED_SELLER_FAVOUR', 'seller'],
      ['CANCELED_BY_BUYER', 'seller'],
    ];
    for (const [code, outcome] of outcomes) {
      const resolved = reference(disputeEvent(code));
      expect(toBillingEvents(resolved, { dispute: dispute(code) })).toEqual({
        ok: true,
        events: [{ id, at, type: 'dispute.resolved', disputeId: DISPUTE_ID, outcome }],
      });
    }
    // The webhook claims a resolution the API does not show (yet): nothing happens.
    expect(toBillingEvents(reference(disputeEvent('RESOLVED_BUYER_FAVOUR')), { dispute: dispute() })).toEqual({ ok: false, reason: 'not_confirmed' });
    expect(toBillingEvents(reference(disputeEvent('NONE')), { dispute: dispute('NONE') })).toEqual({ ok: false, reason: 'not_confirmed' });
  });
});

describe('matchesCheckout', () => {
  const checkout = { id: CHECKOUT_ID, amount: '49.00', currency: 'USD' };

  it('accepts our completed capture of the right amount', () => {
    expect(matchesCheckout(capture(), checkout)).toEqual({ ok: true });
    expect(matchesCheckout(capture(), { ...checkout, amount: '49' })).toEqual({ ok: true });
  });

  it('names what does not match', () => {
    expect(matchesCheckout(capture('COMPLETED', ['custom_id'], 'someone-else'), checkout)).toEqual({ ok: false, reason: 'custom_id_mismatch' });
    expect(matchesCheckout(capture('COMPLETED', ['amount', 'currency_code'], 'EUR'), checkout)).toEqual({ ok: false, reason: 'currency_mismatch' });
    expect(matchesCheckout(capture('COMPLETED', ['amount', 'value'], '0.49'), checkout)).toEqual({ ok: false, reason: 'amount_mismatch' });
    expect(matchesCheckout(capture('COMPLETED', ['amount', 'value'], '490.00'), checkout)).toEqual({ ok: false, reason: 'amount_mismatch' });
    expect(matchesCheckout(capture('PENDING'), checkout)).toEqual({ ok: false, reason: 'status_not_completed' });
    expect(matchesCheckout(capture('REFUNDED'), checkout)).toEqual({ ok: false, reason: 'status_not_completed' });
  });

  it('a capture without custom_id is not ours', () => {
    expect(matchesCheckout(capture('COMPLETED', ['custom_id'], undefined), checkout)).toEqual({ ok: false, reason: 'custom_id_mismatch' });
  });

  it('subscriptions: our custom_id, the chosen plan, active', () => {
    const wanted = { id: CHECKOUT_ID, planId: PLAN_ID };
    expect(matchesSubscriptionCheckout(subscription(), wanted)).toEqual({ ok: true });
    expect(matchesSubscriptionCheckout(subscription(), { ...wanted, id: 'other' })).toEqual({ ok: false, reason: 'custom_id_mismatch' });
    expect(matchesSubscriptionCheckout(subscription(), { ...wanted, planId: 'P-OTHER' })).toEqual({ ok: false, reason: 'plan_mismatch' });
    expect(matchesSubscriptionCheckout(subscription('APPROVED'), wanted)).toEqual({ ok: false, reason: 'status_not_active' });
  });
});
