// The judgement: what PayPal's API shows, matched against our own checkout, → billing events with ids that name
// the fact (so every road that learns it produces the same event), or the reason it is not confirmed.
import { describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../common/clock';
import type { BillingEvent } from '../../server/billing/events';
import { licenseState } from '../../server/billing';
import { PayPalCheckoutProvider } from '../../server/providers/paypal/checkout-provider';
import { PayPalClient } from '../../server/providers/paypal/client';
import { PayPalApiError } from '../../server/providers/paypal/errors';
import { fetchTruth, type TruthSource } from '../../server/providers/paypal/fetch-truth';
import { subscriptionFacts } from '../../server/providers/paypal/subscription-facts';
import {
  activationEvent, failureEvent, judgeCapture, judgeCaptureTrigger, judgeDispute, judgeRefund, judgeSale, judgeSubscription,
  type CheckoutFacts, type Judgement, type ProviderTruth,
} from '../../server/providers/paypal/to-billing-events';
import { translateWebhook, type Trigger } from '../../server/providers/paypal/translate';
import type { Fetch } from '../../server/providers/paypal/transport';
import {
  parseCapture, parseCaptureRefund, parseDispute, parseOrder, parseSale, parseSaleRefund, parseSubscription,
  parseSubscriptionTransactions, type PlanView,
} from '../../server/providers/paypal/views';
import type { CheckoutRecord } from '../../server/store/checkouts';
import {
  CAPTURE_ID, CHECKOUT_ID, DISPUTE_ID, ORDER_ID, PLAN_ID, REFUND_ID, SALE_ID, SALE_REFUND_ID, SALE_REVERSAL_ID, SUBSCRIPTION_ID,
  captureEvent, captureRefundResource, captureRefunded, captureResource, capturedOrderResource, disputeEvent, disputeResource,
  leakedValues, oneTimeCheckout, recurringCheckout, saleCompleted, saleRefundResource, saleRefunded, saleResource,
  saleReversedDocumented, saleReversedSimulator, subscriptionEvent, subscriptionResource, subscriptionTransaction,
  subscriptionTransactionsResource, vector, withField, type Path,
} from './paypal-translate-fixtures';

const NOW = Date.parse('2024-07-01T00:00:00Z');
const OTHER_ORDER = '8RU61172JS455403V';
const OTHER_CAPTURE = '9XY12345AB6789012';
const OTHER_SALE = '3AB45678CD9012345';
const OTHER_SUBSCRIPTION = 'I-OTHER0000001';
const USD49 = { value: '49.00', currency: 'USD' };
const USD9 = { value: '9.00', currency: 'USD' };
const MONTHLY: PlanView = { id: PLAN_ID, interval: { unit: 'MONTH', count: 1 } };
const ms = (iso: string) => Date.parse(iso);

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('fixture did not parse');
  return value;
}

function triggerOf<K extends Trigger['kind']>(event: unknown, kind: K): Extract<Trigger, { kind: K }> {
  const reading = translateWebhook(event);
  if (reading.kind !== 'trigger' || reading.trigger.kind !== kind) throw new Error(`not a ${kind} trigger: ${JSON.stringify(reading)}`);
  return reading.trigger as Extract<Trigger, { kind: K }>;
}

const capture = (status = 'COMPLETED', changes: Array<[Path, unknown]> = []) =>
  must(parseCapture(changes.reduce((resource, [path, value]) => withField(resource, path, value), captureResource(status))));
const subscription = (status = 'ACTIVE', billing: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}) =>
  must(parseSubscription({ ...subscriptionResource(status, billing), ...overrides }));
const sale = (state = 'completed', overrides: Record<string, unknown> = {}) => must(parseSale({ ...saleResource(state), ...overrides }));
const dispute = (outcome?: string) => must(parseDispute(disputeResource(outcome)));
const captureRefund = (status = 'COMPLETED', captureId = CAPTURE_ID, value = '49.00') => must(parseCaptureRefund(captureRefundResource(status, captureId, value)));
const saleRefund = (state = 'completed', saleId = SALE_ID, id = SALE_REFUND_ID) => must(parseSaleRefund(saleRefundResource(state, saleId, id)));

const refused = (reason: string): Judgement => ({ ok: false, reason } as Judgement);
const eventsOf = (judgement: Judgement): BillingEvent[] => {
  if (!judgement.ok) throw new Error(`not confirmed: ${judgement.reason}`);
  return judgement.events;
};
/** The money-back events of a refund's judgement (the payment it refunds comes along; see its own test). */
const moneyBackOf = (judgement: Judgement): BillingEvent[] =>
  eventsOf(judgement).filter((e) => e.type === 'payment.refunded' || e.type === 'payment.reversed');

describe('views of API answers', () => {
  it('keep ids, statuses, amounts, custom ids and billing dates, and no payer data', () => {
    const order = must(parseOrder(capturedOrderResource()));
    expect(order).toEqual({
      id: ORDER_ID,
      status: 'COMPLETED',
      amount: USD49,
      customId: CHECKOUT_ID,
      invoiceId: CHECKOUT_ID,
      captures: [
        { id: CAPTURE_ID, status: 'COMPLETED', amount: USD49, orderId: ORDER_ID, customId: CHECKOUT_ID, invoiceId: CHECKOUT_ID, createTime: ms('2024-04-16T21:22:01Z') },
      ],
    });
    expect(subscription()).toEqual({
      id: SUBSCRIPTION_ID,
      status: 'ACTIVE',
      planId: PLAN_ID,
      customId: CHECKOUT_ID,
      startTime: ms('2024-05-01T10:00:00Z'),
      nextBillingTime: ms('2024-06-01T10:00:00Z'),
      cyclesCompleted: 1,
      lastPayment: { amount: USD9, time: ms('2024-05-01T10:00:01Z') },
      failedPaymentsCount: 0,
      lastFailedPaymentTime: null,
      statusUpdateTime: ms('2024-05-01T10:00:02Z'),
    });
    expect(sale()).toEqual({ id: SALE_ID, state: 'completed', amount: USD9, billingAgreementId: SUBSCRIPTION_ID, createTime: ms('2024-06-01T10:00:05Z') });
    expect(dispute('RESOLVED_BUYER_FAVOUR')).toEqual({
      id: DISPUTE_ID, status: 'RESOLVED', createTime: ms('2024-04-25T13:35:44.000Z'), updateTime: ms('2024-04-25T13:35:44.000Z'),
      outcome: 'RESOLVED_BUYER_FAVOUR', transactionIds: [CAPTURE_ID],
    });
    expect(captureRefund()).toEqual({ id: REFUND_ID, status: 'COMPLETED', amount: USD49, captureId: CAPTURE_ID, createTime: ms('2024-04-20T08:10:00Z') });
    expect(saleRefund()).toEqual({ id: SALE_REFUND_ID, state: 'completed', amount: USD9, saleId: SALE_ID, createTime: ms('2024-06-03T12:00:00Z') });
    const views = [order, subscription(), sale(), dispute(), capture(), captureRefund(), saleRefund()];
    for (const view of views) expect(leakedValues(view)).toEqual([]);
  });

  it('a v1 refund: the total read unsigned, the sale from sale_id or else its `sale` link', () => {
    expect(parseSaleRefund({ ...saleRefundResource(), amount: { total: '-9.00', currency: 'USD' } })?.amount).toEqual(USD9);
    expect(parseSaleRefund({ ...saleRefundResource(), sale_id: undefined })?.saleId).toBe(SALE_ID);
    expect(parseSaleRefund({ ...saleRefundResource(), sale_id: undefined, links: [] })?.saleId).toBeNull();
    // The simulator's refund resource (W16) as PayPal's API would answer it.
    const w16 = (vector('paypal-real', 'W16-sale-refunded-simulator-2024.json') as { resource: unknown }).resource;
    expect(parseSaleRefund(w16)).toEqual({
      id: '6YX43824R4443062K', state: 'completed', amount: { value: '0.01', currency: 'USD' }, saleId: '9T0916710M1105906', createTime: ms('2014-10-31T15:41:51Z'),
    });
    expect(parseSaleRefund({ ...saleRefundResource(), amount: { total: '--9.00', currency: 'USD' } })).toBeUndefined();
  });

  it('a v2 refund names its capture only by the `up` link', () => {
    expect(parseCaptureRefund({ ...captureRefundResource(), links: [] })?.captureId).toBeNull();
    const w10 = (vector('paypal-real', 'W10-capture-refunded-zencart-2018.json') as { resource: unknown }).resource;
    expect(parseCaptureRefund(w10)).toEqual({
      id: '1Y107995YT783435V', status: 'COMPLETED', amount: { value: '0.99', currency: 'USD' }, captureId: '0JF852973C016714D', createTime: ms('2018-08-15T19:13:29Z'),
    });
  });

  it('PayPal\'s real API answers (test/fixtures/paypal/paypal-real/R*)', () => {
    const r01 = vector('paypal-real', 'R01-get-order-completed-sandbox-2021.json') as { purchase_units: Array<{ payments: { captures: unknown[] } }> };
    expect(parseOrder(r01)).toMatchObject({ id: '8P2383463P998404G', status: 'COMPLETED', amount: { value: '120.25', currency: 'INR' }, customId: null });
    // A capture on its own reaches its order only through its `up` link.
    expect(parseCapture(r01.purchase_units[0]!.payments.captures[0])).toEqual({
      id: '4K647514CH713603H', status: 'COMPLETED', amount: { value: '120.25', currency: 'INR' }, orderId: '8P2383463P998404G',
      customId: null, invoiceId: null, createTime: ms('2021-02-20T05:31:28Z'),
    });
    // Cancelled: no custom_id, no next_billing_time, trial cycles before the REGULAR one.
    expect(parseSubscription(vector('paypal-real', 'R04-get-subscription-cancelled-sandbox-2021.json'))).toEqual({
      id: 'I-2FBAXW3SJMBB', status: 'CANCELLED', planId: 'P-54784117B2433041XMAXA4KQ', customId: null, startTime: ms('2021-02-18T21:42:05Z'),
      nextBillingTime: null, cyclesCompleted: 0, lastPayment: { amount: { value: '11.0', currency: 'USD' }, time: ms('2021-02-18T21:46:54Z') },
      failedPaymentsCount: 0, lastFailedPaymentTime: null, statusUpdateTime: ms('2021-02-18T21:48:45Z'),
    });
    // A classic payment's sale: no subscription behind it.
    expect(parseSale(vector('paypal-real', 'R06-get-sale-sandbox-2014-php-sdk.json'))).toEqual({
      id: '4RR959492F879224U', state: 'completed', amount: { value: '7.47', currency: 'USD' }, billingAgreementId: null, createTime: ms('2014-10-28T19:27:39Z'),
    });
    const w25 = (vector('paypal-real', 'W25-subscription-payment-failed-simulator-2024.json') as { resource: unknown }).resource;
    expect(parseSubscription(w25)).toMatchObject({ failedPaymentsCount: 2, lastFailedPaymentTime: ms('2019-01-01T01:20:49Z'), cyclesCompleted: 1 });
  });

  it('a subscription\'s transaction list: payments kept, refund lines and malformed entries skipped, payer data never read', () => {
    const listed = subscriptionTransactionsResource([
      subscriptionTransaction('TRFGHNJKOIIOJKL', 'COMPLETED', '9.00', '2024-05-01T10:00:01.940Z'),
      subscriptionTransaction('VDFG45345FFGS', 'REFUNDED', '9.00', '2024-06-01T10:00:05Z'),
      subscriptionTransaction('VDFG45345FFGT', 'COMPLETED', '-9.00', '2024-06-03T12:00:00Z'),
      { ...subscriptionTransaction('VDFG45345FFGU', 'COMPLETED', '9.00', '2024-07-01T10:00:05Z'), time: 'yesterday' },
      { ...subscriptionTransaction('not an id', 'COMPLETED', '9.00', '2024-07-01T10:00:05Z') },
      'TRFGHNJKOIIOJKL',
    ]);
    const parsed = parseSubscriptionTransactions(listed);
    expect(parsed).toEqual([
      { id: 'TRFGHNJKOIIOJKL', status: 'COMPLETED', amount: USD9, time: ms('2024-05-01T10:00:01.940Z') },
      { id: 'VDFG45345FFGS', status: 'REFUNDED', amount: USD9, time: ms('2024-06-01T10:00:05Z') },
    ]);
    expect(leakedValues(listed).length).toBeGreaterThan(0);
    expect(leakedValues(parsed)).toEqual([]);
    expect(parseSubscriptionTransactions({ links: [] })).toEqual([]);
    expect(parseSubscriptionTransactions([listed])).toBeUndefined();
    expect(parseSubscriptionTransactions('transactions')).toBeUndefined();
  });

  it('refuse answers that do not have the documented shape', () => {
    expect(parseCapture({ ...captureResource(), status: 'SETTLED' })).toBeUndefined();
    expect(parseCapture({ ...captureResource(), amount: { value: 49, currency_code: 'USD' } })).toBeUndefined();
    expect(parseOrder({ ...capturedOrderResource(), id: 42 })).toBeUndefined();
    expect(parseSubscription({ ...subscriptionResource(), id: ORDER_ID })).toBeUndefined();
    expect(parseSale({ ...saleResource(), amount: { value: '9.00', currency_code: 'USD' } })).toBeUndefined();
    expect(parseSale({ ...saleResource(), amount: { total: '-9.00', currency: 'USD' } })).toBeUndefined();
    expect(parseCaptureRefund({ ...captureRefundResource(), status: 'completed' })).toBeUndefined();
    expect(parseCaptureRefund({ ...captureRefundResource(), amount: undefined })).toBeUndefined();
    expect(parseSaleRefund({ ...saleRefundResource(), id: undefined })).toBeUndefined();
  });
});

describe('judgeCapture / judgeCaptureTrigger', () => {
  const completed: BillingEvent = {
    id: `paypal:payment.completed:${CAPTURE_ID}`, at: ms('2024-04-16T21:22:01Z'), type: 'payment.completed', transactionId: CAPTURE_ID, amount: USD49,
  };
  const refs = [{ provider: 'paypal', ref: CAPTURE_ID, kind: 'capture' }, { provider: 'paypal', ref: ORDER_ID, kind: 'order' }];

  it('a completed capture of the checkout\'s own order and custom_id → payment.completed, named by the capture and dated by PayPal', () => {
    expect(judgeCapture(capture(), oneTimeCheckout(), NOW)).toEqual({ ok: true, events: [completed], refs });
    // "49.0" is the checkout's "49.00".
    expect(eventsOf(judgeCapture(capture('COMPLETED', [[['amount', 'value'], '49.0']]), oneTimeCheckout(), NOW))).toEqual([{ ...completed, amount: { value: '49.0', currency: 'USD' } }]);
    // Undated by PayPal: dated now.
    expect(eventsOf(judgeCapture(capture('COMPLETED', [[['create_time'], undefined]]), oneTimeCheckout(), NOW))[0]?.at).toBe(NOW);
  });

  it('a capture of our checkout that is not (yet) completed tells its story: pending, failed; refunded still completed', () => {
    expect(eventsOf(judgeCapture(capture('PENDING'), oneTimeCheckout(), NOW))).toEqual([
      { id: `paypal:payment.pending:${CAPTURE_ID}`, at: completed.at, type: 'payment.pending', transactionId: CAPTURE_ID },
    ]);
    for (const status of ['DECLINED', 'FAILED']) {
      expect(eventsOf(judgeCapture(capture(status), oneTimeCheckout(), NOW))).toEqual([
        { id: `paypal:payment.failed:${CAPTURE_ID}`, at: completed.at, type: 'payment.failed', transactionId: CAPTURE_ID, reason: status },
      ]);
    }
    for (const status of ['REFUNDED', 'PARTIALLY_REFUNDED']) expect(eventsOf(judgeCapture(capture(status), oneTimeCheckout(), NOW))).toEqual([completed]);
  });

  it('a capture of another order, or for a checkout that has no order → order_mismatch', () => {
    const otherOrder = capture('COMPLETED', [[['supplementary_data', 'related_ids', 'order_id'], OTHER_ORDER]]);
    expect(judgeCapture(otherOrder, oneTimeCheckout(), NOW)).toEqual(refused('order_mismatch'));
    expect(judgeCapture(capture(), oneTimeCheckout({ providerOrderId: null }), NOW)).toEqual(refused('order_mismatch'));
    expect(judgeCapture(capture(), recurringCheckout(), NOW)).toEqual(refused('order_mismatch'));
  });

  it('custom_id: another checkout\'s is refused; absent, the capture\'s order decides; neither → custom_id_mismatch', () => {
    expect(judgeCapture(capture('COMPLETED', [[['custom_id'], 'someone-else']]), oneTimeCheckout(), NOW)).toEqual(refused('custom_id_mismatch'));
    const noCustomId = capture('COMPLETED', [[['custom_id'], undefined]]);
    expect(judgeCapture(noCustomId, oneTimeCheckout(), NOW)).toEqual({ ok: true, events: [completed], refs });
    const unlinked = capture('COMPLETED', [[['custom_id'], undefined], [['supplementary_data'], undefined], [['links'], []]]);
    expect(unlinked.orderId).toBeNull();
    expect(judgeCapture(unlinked, oneTimeCheckout(), NOW)).toEqual(refused('custom_id_mismatch'));
  });

  it('amount and currency must be the checkout\'s, whatever the status', () => {
    expect(judgeCapture(capture('COMPLETED', [[['amount', 'currency_code'], 'EUR']]), oneTimeCheckout(), NOW)).toEqual(refused('currency_mismatch'));
    expect(judgeCapture(capture('COMPLETED', [[['amount', 'value'], '0.49']]), oneTimeCheckout(), NOW)).toEqual(refused('amount_mismatch'));
    expect(judgeCapture(capture('COMPLETED', [[['amount', 'value'], '490.00']]), oneTimeCheckout(), NOW)).toEqual(refused('amount_mismatch'));
    expect(judgeCapture(capture('PENDING', [[['amount', 'value'], '1.00']]), oneTimeCheckout(), NOW)).toEqual(refused('amount_mismatch'));
    expect(judgeCapture(capture('COMPLETED'), oneTimeCheckout({ currency: 'JPY', amount: '49' }), NOW)).toEqual(refused('currency_mismatch'));
  });

  it('judgeCaptureTrigger: the API must know the capture the body names, and it is judged like any capture', () => {
    const trigger = triggerOf(captureEvent(), 'capture');
    expect(judgeCaptureTrigger(trigger, {}, oneTimeCheckout(), NOW)).toEqual(refused('not_found'));
    expect(judgeCaptureTrigger(trigger, { capture: capture('COMPLETED', [[['id'], OTHER_CAPTURE]]) }, oneTimeCheckout(), NOW)).toEqual(refused('wrong_resource'));
    expect(judgeCaptureTrigger(trigger, { capture: capture() }, oneTimeCheckout(), NOW)).toEqual({ ok: true, events: [completed], refs });
    // The body says COMPLETED; the API's PENDING is what counts.
    expect(eventsOf(judgeCaptureTrigger(trigger, { capture: capture('PENDING') }, oneTimeCheckout(), NOW))[0]?.type).toBe('payment.pending');
    expect(judgeCaptureTrigger(trigger, { capture: capture('COMPLETED', [[['custom_id'], 'someone-else']]) }, oneTimeCheckout(), NOW)).toEqual(refused('custom_id_mismatch'));
  });
});

describe('judgeRefund: Orders v2 (a refund of a capture)', () => {
  const refund = triggerOf(captureRefunded(), 'refund');
  const reversal = triggerOf(captureRefunded('PAYMENT.CAPTURE.REVERSED'), 'refund');
  const refundedAt = ms('2024-04-20T08:10:00Z');

  it('a completed refund of our capture → payment.refunded named by the refund; full only when the capture shows REFUNDED', () => {
    expect(judgeRefund(refund, { captureRefund: captureRefund(), capture: capture('REFUNDED') }, oneTimeCheckout(), NOW)).toEqual({
      ok: true,
      events: [
        // The payment it returns comes along, under its one fact id: a refund may arrive before it was recorded.
        eventsOf(judgeCapture(capture('REFUNDED'), oneTimeCheckout(), NOW))[0]!,
        { id: `paypal:payment.refunded:${REFUND_ID}`, at: refundedAt, type: 'payment.refunded', transactionId: CAPTURE_ID, amount: USD49, full: true },
      ],
      refs: [{ provider: 'paypal', ref: CAPTURE_ID, kind: 'capture' }, { provider: 'paypal', ref: REFUND_ID, kind: 'refund' }],
    });
    const partial = { captureRefund: captureRefund('COMPLETED', CAPTURE_ID, '10.00'), capture: capture('PARTIALLY_REFUNDED') };
    expect(moneyBackOf(judgeRefund(refund, partial, oneTimeCheckout(), NOW))).toEqual([
      { id: `paypal:payment.refunded:${REFUND_ID}`, at: refundedAt, type: 'payment.refunded', transactionId: CAPTURE_ID, amount: { value: '10.00', currency: 'USD' }, full: false },
    ]);
  });

  it('a "reversal" is the refund the API shows: v2 cannot tell a chargeback from a refund, so the body\'s word is not taken', () => {
    // Same fact, same id, as the PAYMENT.CAPTURE.REFUNDED of that refund.
    expect(moneyBackOf(judgeRefund(reversal, { captureRefund: captureRefund(), capture: capture('REFUNDED') }, oneTimeCheckout(), NOW))).toEqual([
      { id: `paypal:payment.refunded:${REFUND_ID}`, at: refundedAt, type: 'payment.refunded', transactionId: CAPTURE_ID, amount: USD49, full: true },
    ]);
    // A partial refund re-labelled as a chargeback ends nothing.
    const partial = { captureRefund: captureRefund('COMPLETED', CAPTURE_ID, '10.00'), capture: capture('PARTIALLY_REFUNDED') };
    expect(moneyBackOf(judgeRefund(reversal, partial, oneTimeCheckout(), NOW))).toMatchObject([{ type: 'payment.refunded', full: false }]);
  });

  it('money back the API shows by no refund id counts only when the capture shows all of it gone', () => {
    expect(judgeRefund(refund, { capture: capture('PARTIALLY_REFUNDED') }, oneTimeCheckout(), NOW)).toEqual(refused('not_confirmed'));
    expect(judgeRefund(reversal, { capture: capture('PARTIALLY_REFUNDED') }, oneTimeCheckout(), NOW)).toEqual(refused('not_confirmed'));
  });

  it('without a refund the API shows, the capture the body names is the fact, once per capture', () => {
    expect(moneyBackOf(judgeRefund(refund, { capture: capture('REFUNDED') }, oneTimeCheckout(), NOW))).toEqual([
      { id: `paypal:payment.refunded:${CAPTURE_ID}`, at: NOW, type: 'payment.refunded', transactionId: CAPTURE_ID, amount: USD49, full: true },
    ]);
    const namesOther = { ...refund, transactionIds: [OTHER_CAPTURE] };
    expect(judgeRefund(namesOther, { capture: capture('REFUNDED') }, oneTimeCheckout(), NOW)).toEqual(refused('wrong_resource'));
  });

  it('a refund naming another capture → wrong_resource; a capture of another order → order_mismatch', () => {
    expect(judgeRefund(refund, { captureRefund: captureRefund('COMPLETED', OTHER_CAPTURE), capture: capture('REFUNDED') }, oneTimeCheckout(), NOW)).toEqual(refused('wrong_resource'));
    const otherOrder = capture('REFUNDED', [[['supplementary_data', 'related_ids', 'order_id'], OTHER_ORDER]]);
    expect(judgeRefund(refund, { captureRefund: captureRefund(), capture: otherOrder }, oneTimeCheckout(), NOW)).toEqual(refused('order_mismatch'));
    expect(judgeRefund(refund, { captureRefund: captureRefund(), capture: capture('REFUNDED') }, recurringCheckout(), NOW)).toEqual(refused('order_mismatch'));
    expect(judgeRefund(refund, {}, oneTimeCheckout(), NOW)).toEqual(refused('not_found'));
  });

  it('a capture for another custom_id → custom_id_mismatch', () => {
    const foreign = capture('REFUNDED', [[['custom_id'], 'someone-else']]);
    expect(judgeRefund(refund, { captureRefund: captureRefund(), capture: foreign }, oneTimeCheckout(), NOW)).toEqual(refused('custom_id_mismatch'));
  });

  it('a capture the checkout was granted by (its own order, no custom_id shown) can be refunded too', () => {
    const noCustomId = capture('REFUNDED', [[['custom_id'], undefined]]);
    // The same capture, completed, grants: money taken back from it must end what it granted.
    expect(judgeCapture(capture('COMPLETED', [[['custom_id'], undefined]]), oneTimeCheckout(), NOW)).toMatchObject({ ok: true });
    expect(judgeRefund(refund, { captureRefund: captureRefund(), capture: noCustomId }, oneTimeCheckout(), NOW)).toMatchObject({
      ok: true, events: [{ type: 'payment.completed', transactionId: CAPTURE_ID }, { type: 'payment.refunded', transactionId: CAPTURE_ID, full: true }],
    });
  });

  it('the refund must be COMPLETED and the capture must show it: otherwise not_confirmed', () => {
    for (const status of ['PENDING', 'CANCELLED', 'FAILED']) {
      expect(judgeRefund(refund, { captureRefund: captureRefund(status), capture: capture('REFUNDED') }, oneTimeCheckout(), NOW), status).toEqual(refused('not_confirmed'));
    }
    expect(judgeRefund(refund, { captureRefund: captureRefund(), capture: capture('COMPLETED') }, oneTimeCheckout(), NOW)).toEqual(refused('not_confirmed'));
    const euros = must(parseCaptureRefund({ ...captureRefundResource(), amount: { currency_code: 'EUR', value: '49.00' } }));
    expect(judgeRefund(refund, { captureRefund: euros, capture: capture('REFUNDED') }, oneTimeCheckout(), NOW)).toEqual(refused('currency_mismatch'));
  });
});

describe('judgeRefund: v1 (a refund or reversal of a subscription sale)', () => {
  const refunded = triggerOf(saleRefunded(), 'refund');
  const documented = triggerOf(saleReversedDocumented(), 'refund');
  const simulator = triggerOf(saleReversedSimulator(), 'refund');
  const reversalRefund = () => saleRefund('completed', SALE_ID, SALE_REVERSAL_ID);

  it('a refund of our subscription\'s sale → payment.refunded named by the refund; full unless partially refunded', () => {
    expect(judgeRefund(refunded, { saleRefund: saleRefund(), sale: sale('refunded') }, recurringCheckout(), NOW)).toEqual({
      ok: true,
      events: [{ id: `paypal:payment.refunded:${SALE_REFUND_ID}`, at: ms('2024-06-03T12:00:00Z'), type: 'payment.refunded', transactionId: SALE_ID, amount: USD9, full: true }],
      refs: [{ provider: 'paypal', ref: SALE_ID, kind: 'sale' }, { provider: 'paypal', ref: SALE_REFUND_ID, kind: 'refund' }],
    });
    expect(eventsOf(judgeRefund(refunded, { saleRefund: saleRefund(), sale: sale('partially_refunded') }, recurringCheckout(), NOW))).toMatchObject([{ full: false }]);
    expect(judgeRefund(refunded, { saleRefund: saleRefund(), sale: sale('completed') }, recurringCheckout(), NOW)).toEqual(refused('not_confirmed'));
  });

  it('the sale it returns comes along as the paid cycle it was, when the API\'s subscription is ours', () => {
    const judged = eventsOf(judgeRefund(refunded, { saleRefund: saleRefund(), sale: sale('refunded'), subscription: subscription() }, recurringCheckout(), NOW));
    expect(judged.map((e) => [e.type, e.id])).toEqual([
      ['subscription.renewed', `paypal:subscription.renewed:${SALE_ID}`],
      ['payment.refunded', `paypal:payment.refunded:${SALE_REFUND_ID}`],
    ]);
    // Applied to a license that never saw the sale, the refund ends what the sale paid for.
    expect(licenseState([...judged]).status).toBe('refunded');
    // Another customer's subscription: only the money back, which belongs to nothing of ours.
    const theirs = subscription('ACTIVE', {}, { id: OTHER_SUBSCRIPTION });
    expect(moneyBackOf(judgeRefund(refunded, { saleRefund: saleRefund(), sale: sale('refunded'), subscription: theirs }, recurringCheckout(), NOW))).toHaveLength(1);
  });

  it('PayPal\'s documented and simulated reversal bodies of one reversal are the same fact', () => {
    const truth = { saleRefund: reversalRefund(), sale: sale('reversed') };
    const expected: BillingEvent[] = [
      { id: `paypal:payment.reversed:${SALE_REVERSAL_ID}`, at: ms('2024-06-03T12:00:00Z'), type: 'payment.reversed', transactionId: SALE_ID, amount: USD9 },
    ];
    expect(eventsOf(judgeRefund(documented, truth, recurringCheckout(), NOW))).toEqual(expected);
    expect(eventsOf(judgeRefund(simulator, truth, recurringCheckout(), NOW))).toEqual(expected);
  });

  it('a reversal needs the sale to show `reversed`', () => {
    for (const state of ['completed', 'refunded', 'partially_refunded']) {
      expect(judgeRefund(documented, { saleRefund: reversalRefund(), sale: sale(state) }, recurringCheckout(), NOW), state).toEqual(refused('not_confirmed'));
    }
  });

  it('a sale of another subscription → subscription_mismatch; a refund naming another sale → wrong_resource', () => {
    const foreign = sale('refunded', { billing_agreement_id: OTHER_SUBSCRIPTION });
    expect(judgeRefund(refunded, { saleRefund: saleRefund(), sale: foreign }, recurringCheckout(), NOW)).toEqual(refused('subscription_mismatch'));
    const classic = sale('refunded', { billing_agreement_id: undefined });
    expect(judgeRefund(refunded, { saleRefund: saleRefund(), sale: classic }, recurringCheckout(), NOW)).toEqual(refused('subscription_mismatch'));
    expect(judgeRefund(refunded, { saleRefund: saleRefund(), sale: sale('refunded') }, oneTimeCheckout(), NOW)).toEqual(refused('subscription_mismatch'));
    expect(judgeRefund(refunded, { saleRefund: saleRefund('completed', OTHER_SALE), sale: sale('refunded') }, recurringCheckout(), NOW)).toEqual(refused('wrong_resource'));
    expect(judgeRefund(refunded, {}, recurringCheckout(), NOW)).toEqual(refused('not_found'));
  });

  it('without a refund the API knows, the sale the body names is the fact; a sale it does not name is refused', () => {
    expect(eventsOf(judgeRefund(documented, { sale: sale('reversed') }, recurringCheckout(), NOW))).toEqual([
      { id: `paypal:payment.reversed:${SALE_ID}`, at: NOW, type: 'payment.reversed', transactionId: SALE_ID, amount: USD9 },
    ]);
    expect(judgeRefund(simulator, { sale: sale('reversed') }, recurringCheckout(), NOW)).toEqual(refused('wrong_resource'));
  });

  it('a refund that did not complete is no money back', () => {
    // The sale shows an earlier partial refund; this later one failed: no refund of its amount happened.
    for (const state of ['failed', 'pending', 'cancelled']) {
      expect(judgeRefund(refunded, { saleRefund: saleRefund(state), sale: sale('partially_refunded') }, recurringCheckout(), NOW), state).toEqual(refused('not_confirmed'));
    }
  });
});

describe('judgeSubscription', () => {
  const trigger = (type: string, overrides: Partial<Trigger> = {}) =>
    ({ ...triggerOf(subscriptionEvent(`BILLING.SUBSCRIPTION.${type}`), 'subscription'), ...overrides }) as Extract<Trigger, { kind: 'subscription' }>;
  const changedAt = ms('2024-05-01T10:00:02Z');
  const refs = [{ provider: 'paypal', ref: SUBSCRIPTION_ID, kind: 'subscription' }];
  const activated: BillingEvent = {
    id: `paypal:subscription.activated:${SUBSCRIPTION_ID}:${changedAt}`, at: changedAt, type: 'subscription.activated',
    subscriptionId: SUBSCRIPTION_ID, paidThrough: ms('2024-06-01T10:00:00Z'),
  };
  const judged = (type: string, truth: ProviderTruth, facts: CheckoutFacts = recurringCheckout()) => judgeSubscription(trigger(type), truth, facts, NOW);

  it('ACTIVATED / RE-ACTIVATED of the active subscription → subscription.activated, paid through next_billing_time', () => {
    expect(judged('ACTIVATED', { subscription: subscription() })).toEqual({ ok: true, events: [activated], refs });
    expect(judged('RE-ACTIVATED', { subscription: subscription() })).toEqual({ ok: true, events: [activated], refs });
  });

  it('the plan must be the checkout\'s, and custom_id when PayPal shows one', () => {
    expect(judged('ACTIVATED', { subscription: subscription() }, recurringCheckout({ providerPlanId: 'P-OTHERPLAN0000000000000' }))).toEqual(refused('plan_mismatch'));
    expect(judged('ACTIVATED', { subscription: subscription() }, recurringCheckout({ providerPlanId: null }))).toEqual(refused('plan_mismatch'));
    expect(judged('CANCELLED', { subscription: subscription('CANCELLED', {}, { plan_id: 'P-OTHERPLAN0000000000000' }) })).toEqual(refused('plan_mismatch'));
    expect(judged('ACTIVATED', { subscription: subscription('ACTIVE', {}, { custom_id: 'someone-else' }) })).toEqual(refused('custom_id_mismatch'));
    expect(judged('SUSPENDED', { subscription: subscription('SUSPENDED', {}, { custom_id: 'someone-else' }) })).toEqual(refused('custom_id_mismatch'));
    expect(judged('ACTIVATED', { subscription: subscription('ACTIVE', {}, { custom_id: undefined }) })).toEqual({ ok: true, events: [activated], refs });
  });

  it('the subscription must be the checkout\'s own and the one the body names', () => {
    expect(judged('ACTIVATED', { subscription: subscription() }, recurringCheckout({ providerSubscriptionId: OTHER_SUBSCRIPTION }))).toEqual(refused('subscription_mismatch'));
    expect(judged('ACTIVATED', { subscription: subscription() }, oneTimeCheckout())).toEqual(refused('subscription_mismatch'));
    const other = subscription('ACTIVE', {}, { id: OTHER_SUBSCRIPTION });
    expect(judged('ACTIVATED', { subscription: other }, recurringCheckout({ providerSubscriptionId: OTHER_SUBSCRIPTION }))).toEqual(refused('wrong_resource'));
    expect(judged('ACTIVATED', {})).toEqual(refused('not_found'));
  });

  it('not yet activated (APPROVAL_PENDING, APPROVED) → not_confirmed for every event type', () => {
    for (const status of ['APPROVAL_PENDING', 'APPROVED']) {
      for (const type of ['ACTIVATED', 'SUSPENDED', 'CANCELLED', 'PAYMENT.FAILED']) {
        expect(judged(type, { subscription: subscription(status, { failed_payments_count: 1 }) }), `${type} ${status}`).toEqual(refused('not_confirmed'));
      }
    }
  });

  it('each activation is its own fact: suspend → reactivate gives a new id; the same activation read twice the same id', () => {
    const first = activationEvent(subscription(), undefined, NOW);
    expect(activationEvent(subscription(), undefined, NOW + 86_400_000)).toEqual(first);
    const reactivated = subscription('ACTIVE', {}, { status_update_time: '2024-05-20T08:00:00Z' });
    const again = activationEvent(reactivated, undefined, NOW);
    expect(again?.id).toBe(`paypal:subscription.activated:${SUBSCRIPTION_ID}:${ms('2024-05-20T08:00:00Z')}`);
    expect(again?.id).not.toBe(first?.id);
    expect(eventsOf(judged('RE-ACTIVATED', { subscription: reactivated }))).toEqual([again]);
    // Without a status time, the start names the (first) activation.
    const undated = subscription('ACTIVE', {}, { status_update_time: undefined });
    expect(activationEvent(undated, undefined, NOW)).toEqual({ ...activated, id: `paypal:subscription.activated:${SUBSCRIPTION_ID}:${ms('2024-05-01T10:00:00Z')}`, at: NOW });
  });

  it('an activation the subscription has since left is not applied on the body\'s word (its time is the sender\'s)', () => {
    const since = { next_billing_time: undefined };
    const suspendedLater = subscription('SUSPENDED', since, { status_update_time: '2024-05-20T00:00:00Z' });
    expect(judged('ACTIVATED', { subscription: suspendedLater, plan: MONTHLY })).toEqual(refused('not_confirmed'));
    expect(judged('ACTIVATED', { subscription: subscription('CANCELLED', since), plan: MONTHLY })).toEqual(refused('not_confirmed'));
  });

  it('ACTIVE without next_billing_time and without a plan to tell → no_paid_through', () => {
    expect(judged('ACTIVATED', { subscription: subscription('ACTIVE', { next_billing_time: undefined }) })).toEqual(refused('no_paid_through'));
  });

  it('SUSPENDED: the current suspension is named and dated by its status time; one the API no longer shows is not applied', () => {
    const suspendedAt = ms('2024-05-05T00:00:00Z');
    const current = subscription('SUSPENDED', { next_billing_time: undefined }, { status_update_time: '2024-05-05T00:00:00Z' });
    expect(judged('SUSPENDED', { subscription: current })).toEqual({
      ok: true, events: [{ id: `paypal:subscription.suspended:${SUBSCRIPTION_ID}:${suspendedAt}`, at: suspendedAt, type: 'subscription.suspended', subscriptionId: SUBSCRIPTION_ID }], refs,
    });
    const reactivatedLater = subscription('ACTIVE', {}, { status_update_time: '2024-05-08T00:00:00Z' });
    expect(judged('SUSPENDED', { subscription: reactivatedLater })).toEqual(refused('not_confirmed'));
    expect(judged('SUSPENDED', { subscription: subscription('CANCELLED', { next_billing_time: undefined }) })).toEqual(refused('not_confirmed'));
    expect(judged('SUSPENDED', { subscription: subscription() })).toEqual(refused('not_confirmed'));
  });

  it('CANCELLED and EXPIRED need the subscription in that state; one fact per subscription, dated by its status change', () => {
    const cancelled = subscription('CANCELLED', { next_billing_time: undefined }, { status_update_time: '2024-05-15T00:00:00Z' });
    expect(judged('CANCELLED', { subscription: cancelled })).toEqual({
      ok: true, events: [{ id: `paypal:subscription.cancelled:${SUBSCRIPTION_ID}`, at: ms('2024-05-15T00:00:00Z'), type: 'subscription.cancelled', subscriptionId: SUBSCRIPTION_ID }], refs,
    });
    expect(judged('CANCELLED', { subscription: subscription() })).toEqual(refused('not_confirmed'));
    expect(judged('CANCELLED', { subscription: subscription('EXPIRED') })).toEqual(refused('not_confirmed'));
    expect(eventsOf(judged('EXPIRED', { subscription: subscription('EXPIRED') }))).toEqual([
      { id: `paypal:subscription.expired:${SUBSCRIPTION_ID}`, at: changedAt, type: 'subscription.expired', subscriptionId: SUBSCRIPTION_ID },
    ]);
    expect(judged('EXPIRED', { subscription: cancelled })).toEqual(refused('not_confirmed'));
  });

  it('PAYMENT.FAILED: named and dated by last_failed_payment; without it (nothing PayPal dates) → not_confirmed', () => {
    const failedAt = ms('2024-06-01T10:00:03Z');
    const lastFailed = { amount: { currency_code: 'USD', value: '9.00' }, time: '2024-06-01T10:00:03Z', reason_code: 'PAYMENT_DENIED' };
    expect(eventsOf(judged('PAYMENT.FAILED', { subscription: subscription('ACTIVE', { failed_payments_count: 1, last_failed_payment: lastFailed }) }))).toEqual([
      { id: `paypal:subscription.payment_failed:${SUBSCRIPTION_ID}:${failedAt}`, at: failedAt, type: 'subscription.payment_failed', subscriptionId: SUBSCRIPTION_ID },
    ]);
    // The body's own time is the sender's to choose: a failure PayPal does not date is not recorded on its word.
    expect(judged('PAYMENT.FAILED', { subscription: subscription('ACTIVE', { failed_payments_count: 1 }) })).toEqual(refused('not_confirmed'));
    expect(judged('PAYMENT.FAILED', { subscription: subscription() })).toEqual(refused('not_confirmed'));
  });

  it('PayPal\'s real bodies: the cancelled sandbox subscription (no custom_id, no next_billing_time) ends; the simulator\'s failure is dated', () => {
    const cancelled = must(parseSubscription(vector('paypal-real', 'R04-get-subscription-cancelled-sandbox-2021.json')));
    const facts = recurringCheckout({ id: 'chk_AAAAAAAAAAAAAAAA', providerSubscriptionId: 'I-2FBAXW3SJMBB', providerPlanId: 'P-54784117B2433041XMAXA4KQ', amount: '11.0' });
    const w22 = triggerOf(vector('paypal-real', 'W22-subscription-cancelled-sandbox-2021.json'), 'subscription');
    expect(judgeSubscription(w22, { subscription: cancelled }, facts, NOW)).toEqual({
      ok: true,
      events: [{ id: 'paypal:subscription.cancelled:I-2FBAXW3SJMBB', at: ms('2021-02-18T21:48:45Z'), type: 'subscription.cancelled', subscriptionId: 'I-2FBAXW3SJMBB' }],
      refs: [{ provider: 'paypal', ref: 'I-2FBAXW3SJMBB', kind: 'subscription' }],
    });
    const w25 = vector('paypal-real', 'W25-subscription-payment-failed-simulator-2024.json') as { resource: unknown };
    const failing = must(parseSubscription(w25.resource));
    const w25Facts = recurringCheckout({ providerSubscriptionId: 'I-BW452GLLEP1G', providerPlanId: 'P-5ML4271244454362WXNWU5NQ', amount: '500.00' });
    expect(eventsOf(judgeSubscription(triggerOf(w25, 'subscription'), { subscription: failing }, w25Facts, NOW))).toEqual([
      { id: `paypal:subscription.payment_failed:I-BW452GLLEP1G:${ms('2019-01-01T01:20:49Z')}`, at: ms('2019-01-01T01:20:49Z'), type: 'subscription.payment_failed', subscriptionId: 'I-BW452GLLEP1G' },
    ]);
  });
});

describe('failureEvent', () => {
  const lastFailed = { last_failed_payment: { amount: { currency_code: 'USD', value: '9.00' }, time: '2024-06-01T10:00:03Z' } };

  it('is named and dated by last_failed_payment.time: the same failure read twice is one fact', () => {
    const failing = subscription('ACTIVE', { failed_payments_count: 2, ...lastFailed });
    const dated = failureEvent(failing);
    expect(dated).toEqual({ id: `paypal:subscription.payment_failed:${SUBSCRIPTION_ID}:${ms('2024-06-01T10:00:03Z')}`, at: ms('2024-06-01T10:00:03Z'), type: 'subscription.payment_failed', subscriptionId: SUBSCRIPTION_ID });
    expect(failureEvent(subscription('SUSPENDED', { failed_payments_count: 3, ...lastFailed }))).toEqual(dated);
  });

  it('without last_failed_payment there is no failure to speak of', () => {
    expect(failureEvent(subscription('ACTIVE', { failed_payments_count: 1 }))).toBeNull();
    expect(failureEvent(subscription('SUSPENDED'))).toBeNull();
  });
});

describe('judgeSale', () => {
  const trigger = triggerOf(saleCompleted(), 'sale');
  const renewed: BillingEvent = {
    id: `paypal:subscription.renewed:${SALE_ID}`, at: ms('2024-06-01T10:00:05Z'), type: 'subscription.renewed',
    subscriptionId: SUBSCRIPTION_ID, transactionId: SALE_ID, amount: USD9, paidThrough: ms('2024-06-01T10:00:00Z'),
  };
  const judged = (truth: ProviderTruth, facts = recurringCheckout()) => judgeSale(trigger, truth, facts, NOW);

  it('a paid sale of our subscription for the checkout\'s price → subscription.renewed named by the sale', () => {
    expect(judged({ sale: sale(), subscription: subscription() })).toEqual({
      ok: true,
      events: [renewed],
      refs: [{ provider: 'paypal', ref: SALE_ID, kind: 'sale' }, { provider: 'paypal', ref: SUBSCRIPTION_ID, kind: 'subscription' }],
    });
    // A sale later refunded or reversed was paid all the same; its refund is a fact of its own.
    for (const state of ['partially_refunded', 'refunded', 'reversed']) expect(eventsOf(judged({ sale: sale(state), subscription: subscription() }))).toEqual([renewed]);
  });

  it('amount and currency are the checkout\'s: its price, or whole cycles of it (an outstanding cycle collected with the next)', () => {
    expect(judged({ sale: sale('completed', { amount: { total: '4.50', currency: 'USD' } }), subscription: subscription() })).toEqual(refused('amount_mismatch'));
    expect(judged({ sale: sale('completed', { amount: { total: '10.00', currency: 'USD' } }), subscription: subscription() })).toEqual(refused('amount_mismatch'));
    expect(judged({ sale: sale('completed', { amount: { total: '9.001', currency: 'USD' } }), subscription: subscription() })).toEqual(refused('amount_mismatch'));
    expect(judged({ sale: sale('completed', { amount: { total: '117.00', currency: 'USD' } }), subscription: subscription() })).toEqual(refused('amount_mismatch'));
    expect(eventsOf(judged({ sale: sale('completed', { amount: { total: '18.00', currency: 'USD' } }), subscription: subscription() }))).toMatchObject([{ type: 'subscription.renewed' }]);
    expect(judged({ sale: sale('completed', { amount: { total: '9.00', currency: 'EUR' } }), subscription: subscription() })).toEqual(refused('currency_mismatch'));
    expect(eventsOf(judged({ sale: sale('completed', { amount: { total: '9.0', currency: 'USD' } }), subscription: subscription() }))).toMatchObject([{ type: 'subscription.renewed' }]);
    expect(judged({ sale: sale(), subscription: subscription() }, recurringCheckout({ amount: '19.00' }))).toEqual(refused('amount_mismatch'));
  });

  it('a sale of another subscription is refused however the body dresses it', () => {
    // The API's sale hangs from another subscription than the one fetched: a lie about the link.
    expect(judged({ sale: sale('completed', { billing_agreement_id: OTHER_SUBSCRIPTION }), subscription: subscription() })).toEqual(refused('wrong_resource'));
    // The API's sale and its own subscription are another customer's.
    const theirs = subscription('ACTIVE', {}, { id: OTHER_SUBSCRIPTION });
    expect(judged({ sale: sale('completed', { billing_agreement_id: OTHER_SUBSCRIPTION }), subscription: theirs })).toEqual(refused('subscription_mismatch'));
    expect(judged({ sale: sale(), subscription: subscription('ACTIVE', {}, { plan_id: 'P-OTHERPLAN0000000000000' }) })).toEqual(refused('plan_mismatch'));
    expect(judged({ sale: sale('completed', { id: OTHER_SALE }), subscription: subscription() })).toEqual(refused('wrong_resource'));
    expect(judged({ sale: sale() })).toEqual(refused('not_found'));
    expect(judged({ subscription: subscription() })).toEqual(refused('not_found'));
  });

  it('a sale not paid → not_confirmed', () => {
    for (const state of ['pending', 'denied']) expect(judged({ sale: sale(state), subscription: subscription() }), state).toEqual(refused('not_confirmed'));
  });
});

describe('judgeDispute', () => {
  const created = triggerOf(disputeEvent(), 'dispute');
  const openedAt = ms('2024-04-25T13:35:44.000Z');

  it('CREATED → dispute.opened per disputed transaction, named by dispute and transaction, dated by PayPal', () => {
    expect(judgeDispute(created, dispute(), CAPTURE_ID, NOW)).toEqual({
      ok: true,
      events: [{ id: `paypal:dispute.opened:${DISPUTE_ID}:${CAPTURE_ID}`, at: openedAt, type: 'dispute.opened', disputeId: DISPUTE_ID, transactionId: CAPTURE_ID }],
      refs: [{ provider: 'paypal', ref: DISPUTE_ID, kind: 'dispute' }],
    });
    const one = disputeResource();
    const two = must(parseDispute(withField(one, ['disputed_transactions', 1], { ...one.disputed_transactions[0], seller_transaction_id: SALE_ID })));
    expect(eventsOf(judgeDispute(created, two, SALE_ID, NOW))).toMatchObject([{ id: `paypal:dispute.opened:${DISPUTE_ID}:${SALE_ID}`, transactionId: SALE_ID }]);
    const undated = must(parseDispute({ ...disputeResource(), create_time: undefined }));
    expect(eventsOf(judgeDispute(created, undated, CAPTURE_ID, NOW))[0]?.at).toBe(ms('2024-04-25T13:36:33.000Z'));
  });

  it('a transaction the API does not list, another dispute or none → refused', () => {
    expect(judgeDispute(created, dispute(), OTHER_CAPTURE, NOW)).toEqual(refused('wrong_resource'));
    expect(judgeDispute({ ...created, disputeId: 'PP-D-99999' }, dispute(), CAPTURE_ID, NOW)).toEqual(refused('wrong_resource'));
    expect(judgeDispute(created, undefined, CAPTURE_ID, NOW)).toEqual(refused('not_found'));
  });

  it('RESOLVED → dispute.resolved for the buyer or the seller by PayPal\'s outcome; no known outcome → not_confirmed', () => {
    const resolved = triggerOf(disputeEvent('RESOLVED_BUYER_FAVOUR'), 'dispute');
    const outcomes: Array<[string, 'buyer' | 'seller']> = [
      ['RESOLVED_BUYER_FAVOUR', 'buyer'], ['ACCEPTED', 'buyer'], ['RESOLVED_WITH_PAYOUT', 'buyer'],
      ['RESOLVED_SELLER_FAVOUR', 'seller'], ['CANCELED_BY_BUYER', 'seller'], ['DENIED', 'seller'],
    ];
    for (const [code, outcome] of outcomes) {
      expect(eventsOf(judgeDispute(resolved, dispute(code), CAPTURE_ID, NOW)), code).toEqual([
        { id: `paypal:dispute.resolved:${DISPUTE_ID}`, at: openedAt, type: 'dispute.resolved', disputeId: DISPUTE_ID, outcome },
      ]);
    }
    // The body claims a resolution the API does not show (yet).
    expect(judgeDispute(resolved, dispute(), CAPTURE_ID, NOW)).toEqual(refused('not_confirmed'));
    expect(judgeDispute(resolved, dispute('NONE'), CAPTURE_ID, NOW)).toEqual(refused('not_confirmed'));
  });
});

describe('subscriptionFacts (reconciliation): the same facts, under the same ids, as the webhooks', () => {
  const transactions = (...entries: Array<[string, string, string, string]>) =>
    must(parseSubscriptionTransactions(subscriptionTransactionsResource(entries.map(([id, status, value, time]) => subscriptionTransaction(id, status, value, time)))));

  it('an active subscription\'s payments → renewals named as PAYMENT.SALE.COMPLETED names them, and its activation', () => {
    const listed = transactions([SALE_ID, 'COMPLETED', '9.00', '2024-06-01T10:00:05Z'], ['TRFGHNJKOIIOJKL', 'DECLINED', '9.00', '2024-06-02T10:00:05Z']);
    const facts = subscriptionFacts(subscription(), undefined, listed, recurringCheckout(), NOW);
    const webhookSale = eventsOf(judgeSale(triggerOf(saleCompleted(), 'sale'), { sale: sale(), subscription: subscription() }, recurringCheckout(), NOW));
    const webhookActivation = eventsOf(judgeSubscription(triggerOf(subscriptionEvent(), 'subscription'), { subscription: subscription() }, recurringCheckout(), NOW));
    expect(facts).toEqual({
      ok: true,
      events: [...webhookSale, ...webhookActivation],
      refs: [{ provider: 'paypal', ref: SUBSCRIPTION_ID, kind: 'subscription' }, { provider: 'paypal', ref: SALE_ID, kind: 'sale' }],
      skipped: [],
    });
  });

  it('suspension, cancellation and a dated failure carry the webhooks\' ids', () => {
    const lastFailed = { failed_payments_count: 3, next_billing_time: undefined, last_failed_payment: { amount: { currency_code: 'USD', value: '9.00' }, time: '2024-06-01T10:00:03Z' } };
    const suspended = subscription('SUSPENDED', lastFailed, { status_update_time: '2024-06-01T10:00:04Z' });
    const reconciled = subscriptionFacts(suspended, undefined, [], recurringCheckout(), NOW);
    const bySuspension = eventsOf(judgeSubscription(triggerOf(subscriptionEvent('BILLING.SUBSCRIPTION.SUSPENDED'), 'subscription'), { subscription: suspended }, recurringCheckout(), NOW));
    const byFailure = eventsOf(judgeSubscription(triggerOf(subscriptionEvent('BILLING.SUBSCRIPTION.PAYMENT.FAILED'), 'subscription'), { subscription: suspended }, recurringCheckout(), NOW));
    expect(reconciled).toMatchObject({ ok: true, events: [...bySuspension, ...byFailure] });
    const cancelled = subscription('CANCELLED', { next_billing_time: undefined }, { status_update_time: '2024-06-10T00:00:00Z' });
    const byCancel = eventsOf(judgeSubscription(triggerOf(subscriptionEvent('BILLING.SUBSCRIPTION.CANCELLED'), 'subscription'), { subscription: cancelled }, recurringCheckout(), NOW));
    expect(subscriptionFacts(cancelled, MONTHLY, [], recurringCheckout(), NOW)).toMatchObject({ ok: true, events: byCancel });
  });

  it('payments of another amount are skipped with their reason; another plan or custom_id refuses the whole subscription', () => {
    const listed = transactions(['TRFGHNJKOIIOJKL', 'COMPLETED', '10.00', '2024-06-01T10:00:05Z']);
    expect(subscriptionFacts(subscription(), undefined, listed, recurringCheckout(), NOW)).toMatchObject({
      ok: true, skipped: [{ transactionId: 'TRFGHNJKOIIOJKL', reason: 'amount_mismatch' }],
    });
    expect(subscriptionFacts(subscription(), undefined, listed, recurringCheckout({ providerPlanId: 'P-OTHERPLAN0000000000000' }), NOW)).toEqual({ ok: false, reason: 'plan_mismatch' });
    expect(subscriptionFacts(subscription('ACTIVE', {}, { custom_id: 'someone-else' }), undefined, [], recurringCheckout(), NOW)).toEqual({ ok: false, reason: 'custom_id_mismatch' });
  });

  it('a refunded payment the list shows is a paid cycle; the refund itself is the fact its own webhook names', () => {
    const listed = transactions([SALE_ID, 'REFUNDED', '9.00', '2024-06-01T10:00:05Z']);
    const reconciled = subscriptionFacts(subscription(), undefined, listed, recurringCheckout(), NOW);
    if (!reconciled.ok) throw new Error(reconciled.reason);
    // The list names no refund: a refund event made from it would be a second name for the webhook's fact.
    expect(reconciled.events.filter((e) => e.type === 'payment.refunded')).toEqual([]);
    expect(reconciled.events.filter((e) => e.type === 'subscription.renewed').map((e) => e.id)).toEqual([`paypal:subscription.renewed:${SALE_ID}`]);
    const byWebhook = eventsOf(judgeRefund(triggerOf(saleRefunded(), 'refund'), { saleRefund: saleRefund(), sale: sale('refunded') }, recurringCheckout(), NOW));
    expect(byWebhook).toMatchObject([{ type: 'payment.refunded', transactionId: SALE_ID }]);
  });
});

describe('fact ids: the return road (checkout-provider settle) produces the webhook road\'s events', () => {
  /** A PayPalClient whose transport answers from `routes` ("METHOD /path" → body), 404 otherwise. */
  function scriptedClient(routes: Record<string, unknown>): PayPalClient {
    const answer = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body) });
    const fetch: Fetch = async (url, init) => {
      const path = new URL(url).pathname;
      if (path === '/v1/oauth2/token') return answer(200, { access_token: 'A21AAscripted', token_type: 'Bearer', expires_in: 32_400 });
      const key = `${init.method} ${path}`;
      return key in routes ? answer(init.method === 'POST' ? 201 : 200, routes[key]) : answer(404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
    };
    return new PayPalClient({ baseUrl: 'https://api-m.sandbox.paypal.com', clientId: 'client', clientSecret: 'secret', clock: new AdjustableClock(), timeoutMs: 5_000, fetch });
  }
  const record = (overrides: Partial<CheckoutRecord>): CheckoutRecord => ({
    id: CHECKOUT_ID, anchor: 'anchor-a', planId: 'enterprise-lifetime', kind: 'one_time', provider: 'paypal', providerOrderId: ORDER_ID,
    providerSubscriptionId: null, amount: '49.00', currency: 'USD', status: 'approved', failureReason: null, pollTokenHash: 'hash', licenseId: null,
    createdAt: NOW, updatedAt: NOW, expiresAt: NOW + 3_600_000, replacesSubscriptionId: null, ...overrides,
  });
  const plans = new Map([['enterprise-monthly', PLAN_ID]]);

  it('a captured order: the same payment.completed and references as PAYMENT.CAPTURE.COMPLETED confirmed', async () => {
    const provider = new PayPalCheckoutProvider(scriptedClient({ [`POST /v2/checkout/orders/${ORDER_ID}/capture`]: capturedOrderResource() }), plans);
    const settled = await provider.settle(record({}), NOW + 60_000);
    const webhook = judgeCaptureTrigger(triggerOf(captureEvent(), 'capture'), { capture: capture() }, oneTimeCheckout(), NOW);
    if (!webhook.ok) throw new Error(webhook.reason);
    expect(settled).toEqual({ kind: 'events', events: webhook.events, refs: webhook.refs });
  });

  it('an active subscription: the same subscription.activated as BILLING.SUBSCRIPTION.ACTIVATED confirmed', async () => {
    const provider = new PayPalCheckoutProvider(scriptedClient({ [`GET /v1/billing/subscriptions/${SUBSCRIPTION_ID}`]: subscriptionResource() }), plans);
    const checkout = record({ kind: 'recurring', planId: 'enterprise-monthly', providerOrderId: null, providerSubscriptionId: SUBSCRIPTION_ID, amount: '9.00' });
    const settled = await provider.settle(checkout, NOW + 60_000);
    const webhook = eventsOf(judgeSubscription(triggerOf(subscriptionEvent(), 'subscription'), { subscription: subscription() }, recurringCheckout(), NOW));
    expect(settled).toMatchObject({ kind: 'events', events: webhook });
  });
});

describe('fetchTruth: what is read before a trigger is believed', () => {
  const notFound = (operation: string) => Promise.reject(new PayPalApiError('not_found', { operation, status: 404 }));

  /** A TruthSource answering from the given views (by id), recording each call. */
  function source(known: { captures?: unknown[]; captureRefunds?: unknown[]; sales?: unknown[]; saleRefunds?: unknown[]; subscriptions?: unknown[] }) {
    const calls: string[] = [];
    const find = <T extends { id: string }>(list: unknown[] | undefined, parse: (v: unknown) => T | undefined, id: string, operation: string) => {
      calls.push(`${operation} ${id}`);
      const found = (list ?? []).map((v) => must(parse(v))).find((v) => v.id === id);
      return found ? Promise.resolve(found) : notFound(operation);
    };
    const api: TruthSource = {
      getCapture: (id) => find(known.captures, parseCapture, id, 'getCapture'),
      getCaptureRefund: (id) => find(known.captureRefunds, parseCaptureRefund, id, 'getCaptureRefund'),
      getSale: (id) => find(known.sales, parseSale, id, 'getSale'),
      getSaleRefund: (id) => find(known.saleRefunds, parseSaleRefund, id, 'getSaleRefund'),
      getSubscription: (id) => find(known.subscriptions, parseSubscription, id, 'getSubscription'),
      getPlan: (id) => { calls.push(`getPlan ${id}`); return Promise.resolve(MONTHLY); },
      getDispute: (id) => { calls.push(`getDispute ${id}`); return Promise.resolve(dispute()); },
      listSubscriptionTransactions: () => Promise.reject(new Error('a webhook never lists transactions')),
    };
    return { api, calls };
  }

  it('a v2 refund: the refund first, then the capture its `up` link names', async () => {
    const { api, calls } = source({ captureRefunds: [captureRefundResource()], captures: [captureResource('REFUNDED')] });
    expect(await fetchTruth(api, triggerOf(captureRefunded(), 'refund'))).toEqual({ captureRefund: captureRefund(), capture: capture('REFUNDED') });
    expect(calls).toEqual([`getCaptureRefund ${REFUND_ID}`, `getCapture ${CAPTURE_ID}`]);
  });

  it('the refund\'s capture is the API\'s, not the body\'s', async () => {
    const { api, calls } = source({ captureRefunds: [captureRefundResource('COMPLETED', OTHER_CAPTURE)], captures: [captureResource(), { ...captureResource(), id: OTHER_CAPTURE }] });
    const truth = await fetchTruth(api, triggerOf(captureRefunded(), 'refund'));
    expect(truth.capture?.id).toBe(OTHER_CAPTURE);
    expect(calls).toEqual([`getCaptureRefund ${REFUND_ID}`, `getCapture ${OTHER_CAPTURE}`]);
  });

  it('a refund PayPal does not know: the named capture is read directly; nothing known → nothing', async () => {
    const known = source({ captures: [captureResource('REFUNDED')] });
    expect(await fetchTruth(known.api, triggerOf(captureRefunded(), 'refund'))).toEqual({ capture: capture('REFUNDED') });
    expect(known.calls).toEqual([`getCaptureRefund ${REFUND_ID}`, `getCapture ${CAPTURE_ID}`]);
    expect(await fetchTruth(source({}).api, triggerOf(captureRefunded(), 'refund'))).toEqual({});
  });

  it('PayPal\'s documented sale reversal: the refund in the self link, then the sale its answer names', async () => {
    const reversalRefund = saleRefundResource('completed', SALE_ID, SALE_REVERSAL_ID);
    const { api, calls } = source({ saleRefunds: [reversalRefund], sales: [saleResource('reversed')], subscriptions: [subscriptionResource()] });
    expect(await fetchTruth(api, triggerOf(saleReversedDocumented(), 'refund'))).toEqual({ saleRefund: must(parseSaleRefund(reversalRefund)), sale: sale('reversed'), subscription: subscription() });
    // The sale's subscription too (the API's link): the payment itself is judged with the money back.
    expect(calls).toEqual([`getSaleRefund ${SALE_REVERSAL_ID}`, `getSale ${SALE_ID}`, `getSubscription ${SUBSCRIPTION_ID}`]);
  });

  it('the simulator\'s sale reversal, naming only the refund: the API\'s refund names the sale', async () => {
    const reversalRefund = saleRefundResource('completed', SALE_ID, SALE_REVERSAL_ID);
    const { api, calls } = source({ saleRefunds: [reversalRefund], sales: [saleResource('reversed')] });
    expect(await fetchTruth(api, triggerOf(saleReversedSimulator(), 'refund'))).toEqual({ saleRefund: must(parseSaleRefund(reversalRefund)), sale: sale('reversed') });
    expect(calls).toEqual([`getSaleRefund ${SALE_REVERSAL_ID}`, `getSale ${SALE_ID}`, `getSubscription ${SUBSCRIPTION_ID}`]);
  });

  it('a trigger costs a bounded number of calls, whatever its body lists', async () => {
    const { api, calls } = source({});
    const many = { ...triggerOf(saleRefunded(), 'refund'), refundIds: Array.from({ length: 50 }, (_, i) => `R${i}`), transactionIds: Array.from({ length: 50 }, (_, i) => `S${i}`) };
    expect(await fetchTruth(api, many)).toEqual({});
    expect(calls.length).toBeLessThanOrEqual(4);
  });

  it('a sale: its subscription is the one the API\'s sale names, never the body\'s billing_agreement_id', async () => {
    const { api, calls } = source({ sales: [saleResource()], subscriptions: [subscriptionResource()] });
    const lying = { ...triggerOf(saleCompleted(), 'sale'), subscriptionHint: OTHER_SUBSCRIPTION };
    expect(await fetchTruth(api, lying)).toEqual({ sale: sale(), subscription: subscription() });
    expect(calls).toEqual([`getSale ${SALE_ID}`, `getSubscription ${SUBSCRIPTION_ID}`]);
    const classic = source({ sales: [{ ...saleResource(), billing_agreement_id: undefined }] });
    expect(await fetchTruth(classic.api, triggerOf(saleCompleted(), 'sale'))).toEqual({ sale: sale('completed', { billing_agreement_id: undefined }) });
    expect(classic.calls).toEqual([`getSale ${SALE_ID}`]);
  });

  it('an approved order needs no call; a capture, subscription or dispute reads just that', async () => {
    const { api, calls } = source({ captures: [captureResource()], subscriptions: [subscriptionResource()] });
    const approved = translateWebhook({ ...captureEvent(), event_type: 'CHECKOUT.ORDER.APPROVED', resource: { id: ORDER_ID } });
    if (approved.kind !== 'trigger') throw new Error('not a trigger');
    expect(await fetchTruth(api, approved.trigger)).toEqual({});
    expect(await fetchTruth(api, triggerOf(captureEvent(), 'capture'))).toEqual({ capture: capture() });
    expect(await fetchTruth(api, triggerOf(subscriptionEvent(), 'subscription'))).toEqual({ subscription: subscription() });
    expect(await fetchTruth(api, triggerOf(disputeEvent(), 'dispute'))).toEqual({ dispute: dispute() });
    expect(calls).toEqual([`getCapture ${CAPTURE_ID}`, `getSubscription ${SUBSCRIPTION_ID}`, `getDispute ${DISPUTE_ID}`]);
    expect(await fetchTruth(source({}).api, triggerOf(captureEvent(), 'capture'))).toEqual({});
  });

  it('PayPal unreachable is thrown (the delivery is retried), not taken for "unknown"', async () => {
    const { api } = source({});
    const down: TruthSource = { ...api, getCaptureRefund: () => Promise.reject(new PayPalApiError('provider_unavailable', { operation: 'getCaptureRefund', cause: 'timeout' })) };
    await expect(fetchTruth(down, triggerOf(captureRefunded(), 'refund'))).rejects.toMatchObject({ code: 'provider_unavailable' });
  });
});
