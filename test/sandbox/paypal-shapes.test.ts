// The sandbox's own bodies against PayPal's genuine ones (test/fixtures/paypal/paypal-real/): for each kind of
// event or API response, the same key paths and the same value formats (id patterns, time precision and zone,
// amount decimals and sign, link rels). Every difference that remains is listed below with its reason; a new
// difference, or one that went away, fails.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdjustableClock } from '../../common/clock';
import { startSandbox, type Sandbox } from '../../sandbox/index';
import { accessToken } from './support-auth';
import { compareShapes, type ShapeDiff } from './support-shape-compare';
import { vector, type VectorJson, type VectorName } from './support-vectors';

type Json = VectorJson;

let sandbox: Sandbox;
let token: string;
const bodies = new Map<VectorName, Json>();

const get = async (path: string): Promise<Json> => {
  const reply = await fetch(`${sandbox.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  if (reply.status !== 200) throw new Error(`${path} answered ${reply.status}`);
  return reply.json();
};
const post = async (path: string, body: unknown): Promise<Json> => {
  const reply = await fetch(`${sandbox.baseUrl}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (reply.status !== 201) throw new Error(`${path} answered ${reply.status}: ${await reply.text()}`);
  return reply.json();
};
/** The last event of a type whose resource satisfies `match`, as delivered (parsed from its exact body). */
const event = (eventType: string, match: (resource: Json) => boolean): Json => {
  const found = sandbox.control.listEvents().filter((e) => e.eventType === eventType).map((e) => JSON.parse(e.body) as Json)
    .filter((e) => match(e.resource));
  if (found.length === 0) throw new Error(`no ${eventType} event`);
  return found[found.length - 1];
};

async function order(extra: Record<string, unknown> = {}): Promise<string> {
  const created = await post('/v2/checkout/orders', {
    intent: 'CAPTURE',
    purchase_units: [{ amount: { currency_code: 'EUR', value: '100.00' }, custom_id: 'chk_shape', invoice_id: 'INV-shape', ...extra }],
  });
  sandbox.control.approveOrder(created.id);
  return created.id;
}
const captureOf = (captured: Json): Json => captured.purchase_units[0].payments.captures[0];

beforeAll(async () => {
  sandbox = await startSandbox({
    port: 0,
    retryDelaysMs: [],
    clock: new AdjustableClock({ now: () => Date.UTC(2021, 4, 19, 0, 36, 48) }),
    plans: [{ id: 'P-29P74184YY2575448MBXDWAA', productName: 'Hardbound Enterprise', name: 'Enterprise monthly',
      interval: { unit: 'MONTH', count: 1 }, price: { currency_code: 'USD', value: '100.00' }, paymentFailureThreshold: 3 }],
  });
  token = await accessToken(sandbox);

  // One-time payments: a plain order (as W01 and R01 show one) and one with the merchant's ids (W02).
  const plain = await order({ custom_id: undefined, invoice_id: undefined });
  bodies.set('W01-order-approved-sandbox-2021', event('CHECKOUT.ORDER.APPROVED', (r) => r.id === plain));
  const plainCapture = captureOf(sandbox.control.captureOrder(plain));
  bodies.set('R01-get-order-completed-sandbox-2021', await get(`/v2/checkout/orders/${plain}`));
  const refund = sandbox.control.refundCapture(plainCapture.id, '10.00');
  bodies.set('W10-capture-refunded-zencart-2018', event('PAYMENT.CAPTURE.REFUNDED', (r) => r.id === refund.id));

  const capture = captureOf(sandbox.control.captureOrder(await order()));
  bodies.set('W02-capture-completed-paypal-docs-apm-2021', event('PAYMENT.CAPTURE.COMPLETED', (r) => r.id === capture.id));
  const dispute = sandbox.control.openDispute(capture.id);
  bodies.set('W26-dispute-created-2018-docs', event('CUSTOMER.DISPUTE.CREATED', (r) => r.dispute_id === dispute.dispute_id));

  // A pending capture (W07 reaches its order only by the up link), then one denied (W08).
  sandbox.control.setResourceShapes({ captureOrder: 'up-only' });
  sandbox.control.setNextCaptureOutcome('PENDING', 'UNILATERAL');
  const pending = captureOf(sandbox.control.captureOrder(await order({ custom_id: undefined, invoice_id: undefined })));
  bodies.set('W07-capture-pending-zencart-2018', event('PAYMENT.CAPTURE.PENDING', (r) => r.id === pending.id));
  sandbox.control.setResourceShapes({ captureOrder: 'related-ids-and-up' });
  sandbox.control.setNextCaptureOutcome('PENDING');
  const denied = captureOf(sandbox.control.captureOrder(await order()));
  sandbox.control.denyPendingCapture(denied.id);
  bodies.set('W08-capture-denied-paypal-docs-apm-2021', event('PAYMENT.CAPTURE.DENIED', (r) => r.id === denied.id));

  // Subscriptions: activated with the first sale, refunded, reversed; cancelled; a failed renewal on a plan
  // with an end (W25's has one).
  const subscribe = async (planId = 'P-29P74184YY2575448MBXDWAA') => {
    const { id } = await post('/v1/billing/subscriptions', { plan_id: planId });
    sandbox.control.approveSubscription(id);
    return id as string;
  };
  const subscription = await subscribe();
  bodies.set('W21-subscription-activated-sandbox-2021', event('BILLING.SUBSCRIPTION.ACTIVATED', (r) => r.id === subscription));
  const sale = event('PAYMENT.SALE.COMPLETED', (r) => r.billing_agreement_id === subscription);
  bodies.set('W12-sale-completed-subscription-sandbox-2023-09', sale);
  bodies.set('R06-get-sale-sandbox-2014-php-sdk', await get(`/v1/payments/sale/${sale.resource.id}`));
  const saleRefund = sandbox.control.refundSale(sale.resource.id, '0.01');
  bodies.set('W16-sale-refunded-simulator-2024', event('PAYMENT.SALE.REFUNDED', (r) => r.id === saleRefund.id));
  sandbox.control.reverseSale(sale.resource.id);
  bodies.set('W20-sale-reversed-docs-sample-2014', event('PAYMENT.SALE.REVERSED', (r) => r.id === sale.resource.id));

  const cancelled = await subscribe();
  sandbox.control.cancelSubscription(cancelled, 'Testing');
  bodies.set('W22-subscription-cancelled-sandbox-2021', event('BILLING.SUBSCRIPTION.CANCELLED', (r) => r.id === cancelled));
  bodies.set('R04-get-subscription-cancelled-sandbox-2021', await get(`/v1/billing/subscriptions/${cancelled}`));

  const product = await post('/v1/catalogs/products', { name: 'Hardbound Enterprise', type: 'SERVICE' });
  const yearLong = await post('/v1/billing/plans', {
    product_id: product.id, name: 'Enterprise, twelve months',
    billing_cycles: [{ frequency: { interval_unit: 'MONTH', interval_count: 1 }, tenure_type: 'REGULAR', sequence: 1, total_cycles: 12,
      pricing_scheme: { fixed_price: { value: '500.00', currency_code: 'USD' } } }],
    payment_preferences: { payment_failure_threshold: 3 },
  });
  const failing = await subscribe(yearLong.id);
  sandbox.control.failRenewal(failing);
  bodies.set('W25-subscription-payment-failed-simulator-2024', event('BILLING.SUBSCRIPTION.PAYMENT.FAILED', (r) => r.id === failing));
});
afterAll(() => sandbox.close());

const none: ShapeDiff = { onlyGenuine: [], onlySandbox: [], formats: [] };

// Reasons shared by several bodies.
/** PayPal's 2018 envelopes carried encType on the event's own links; since 2019 (W02, W12, W21, W22) none do. */
const ENVELOPE_ENCTYPE_2018 = 'links[].encType';
/** Seller protection depends on the transaction; the sandbox's captures are ELIGIBLE with categories, as R01's. */
const SELLER_PROTECTION = {
  onlySandbox: ['resource.seller_protection.dispute_categories[]'],
  formats: ['resource.seller_protection.status: enum:NOT_ELIGIBLE | enum:ELIGIBLE'],
};
/** Orders v2 now answers payment_source.paypal with the payer's account (documented); the 2021 bodies predate it. */
const PAYMENT_SOURCE = ['account_id', 'account_status', 'address.country_code', 'email_address', 'name.given_name', 'name.surname']
  .map((p) => `payment_source.paypal.${p}`);
/** Trial billing cycles are not simulated (plans with a TRIAL cycle are refused with SANDBOX_UNSUPPORTED). */
const NO_TRIALS = 'billing_info.cycle_executions[].tenure_type: enum:REGULAR,enum:TRIAL | enum:REGULAR';
/** The 2014 bodies have no milliseconds in the event's create_time; every body since 2015 has (W01, W02, W12, W21). */
const EVENT_TIME_2014 = 'create_time: time:s:Z | time:ms3:Z';

const EXPECTED: Record<VectorName, ShapeDiff> = {
  'W01-order-approved-sandbox-2021': {
    onlyGenuine: [],
    onlySandbox: PAYMENT_SOURCE.map((p) => `resource.${p}`),
    // PATCH /v2/checkout/orders is not served, so the sandbox offers no `update` link.
    formats: [
      'resource.links[].method: enum:GET,enum:PATCH,enum:POST | enum:GET,enum:POST',
      'resource.links[].rel: enum:capture,enum:self,enum:update | enum:capture,enum:self',
    ],
  },
  'W02-capture-completed-paypal-docs-apm-2021': { onlyGenuine: [], ...SELLER_PROTECTION },
  'W07-capture-pending-zencart-2018': { onlyGenuine: [ENVELOPE_ENCTYPE_2018], ...SELLER_PROTECTION },
  'W08-capture-denied-paypal-docs-apm-2021': { onlyGenuine: [], ...SELLER_PROTECTION },
  'W10-capture-refunded-zencart-2018': { onlyGenuine: [ENVELOPE_ENCTYPE_2018], onlySandbox: [], formats: [] },
  'W12-sale-completed-subscription-sandbox-2023-09': none,
  'W16-sale-refunded-simulator-2024': { onlyGenuine: [], onlySandbox: [], formats: [EVENT_TIME_2014] },
  'W20-sale-reversed-docs-sample-2014': {
    // That sale had tax and shipping; a subscription's sales carry the subtotal only (W12).
    onlyGenuine: ['resource.amount.details.shipping', 'resource.amount.details.tax'],
    // The 2014 docs sample has no event_version; PayPal's events have had it since (W16, W12).
    onlySandbox: ['event_version'],
    formats: [EVENT_TIME_2014],
  },
  'W21-subscription-activated-sandbox-2021': {
    onlyGenuine: [],
    // This subscriber's address had no second line and no name; W22's and R04's have both, as the sandbox buyer's.
    onlySandbox: ['resource.subscriber.shipping_address.address.address_line_2', 'resource.subscriber.shipping_address.name.full_name'],
    formats: [],
  },
  'W22-subscription-cancelled-sandbox-2021': { onlyGenuine: [], onlySandbox: [], formats: [`resource.${NO_TRIALS}`] },
  'W25-subscription-payment-failed-simulator-2024': {
    // The sandbox does not retry a declined payment before the next cycle, so it names no retry date.
    onlyGenuine: ['resource.billing_info.last_failed_payment.next_payment_retry_date'],
    // The simulator leaves these out; PayPal's real subscription bodies (W21, W22, R04) have them.
    onlySandbox: ['resource.billing_info.cycle_executions[].total_cycles', 'resource.plan_overridden'],
    formats: [
      `resource.${NO_TRIALS}`,
      // The simulator writes two decimals; PayPal's real subscription bodies (W21, W22, R04) write "100.0".
      'resource.billing_info.last_failed_payment.amount.value: amount:positive:2dp | amount:positive:1dp',
      'resource.billing_info.last_payment.amount.value: amount:positive:2dp | amount:positive:1dp',
      'resource.billing_info.outstanding_balance.value: amount:positive:2dp | amount:positive:1dp',
      'resource.shipping_amount.value: amount:positive:2dp | amount:positive:1dp',
    ],
  },
  'W26-dispute-created-2018-docs': {
    onlyGenuine: [ENVELOPE_ENCTYPE_2018],
    // The Disputes API documents these on a disputed transaction; the 2018 docs body shows fewer.
    onlySandbox: ['buyer.name', 'create_time', 'custom', 'gross_amount.currency_code', 'gross_amount.value', 'invoice_number',
      'seller.email', 'transaction_status'].map((p) => `resource.disputed_transactions[].${p}`),
    formats: [],
  },
  'R01-get-order-completed-sandbox-2021': { onlyGenuine: [], onlySandbox: PAYMENT_SOURCE, formats: [] },
  'R04-get-subscription-cancelled-sandbox-2021': { onlyGenuine: [], onlySandbox: [], formats: [NO_TRIALS] },
  'R06-get-sale-sandbox-2014-php-sdk': {
    // R06 is a one-time v1 payment's sale; a subscription's sale has no parent payment and carries its
    // subscription, fee, invoice number and subtotal instead (W12).
    onlyGenuine: ['parent_payment'],
    onlySandbox: ['amount.details.subtotal', 'billing_agreement_id', 'invoice_number', 'transaction_fee.currency', 'transaction_fee.value'],
    formats: [
      'links[].href: url:/v1/payments/payment/{id},url:/v1/payments/sale/{id},url:/v1/payments/sale/{id}/refund | url:/v1/payments/sale/{id},url:/v1/payments/sale/{id}/refund',
      'links[].rel: enum:parent_payment,enum:refund,enum:self | enum:refund,enum:self',
    ],
  },
};

describe('the sandbox\'s bodies have the shapes of PayPal\'s', () => {
  it.each(Object.keys(EXPECTED) as VectorName[])('%s', (name) => {
    expect(compareShapes(vector(name).json, bodies.get(name))).toEqual(EXPECTED[name]);
  });

  it('compares every genuine body there is', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...bodies.keys()].sort());
    expect(bodies.size).toBe(15);
  });
});

describe('the comparison itself', () => {
  it('sees a changed sign, lost milliseconds, a missing key and an id of the wrong kind', () => {
    const genuine = vector('W16-sale-refunded-simulator-2024').json;
    const changed = structuredClone(genuine);
    changed.resource.amount.total = '0.01';
    changed.resource.create_time = '2014-10-31T15:41:51.000Z';
    delete changed.resource.sale_id;
    changed.resource.parent_payment = 'chk_123';
    expect(compareShapes(genuine, changed)).toEqual({
      onlyGenuine: ['resource.sale_id'],
      onlySandbox: [],
      formats: [
        'resource.amount.total: amount:negative:2dp | amount:positive:2dp',
        'resource.create_time: time:s:Z | time:ms3:Z',
        'resource.parent_payment: id:v1-payment | id:other',
      ],
    });
  });
});
