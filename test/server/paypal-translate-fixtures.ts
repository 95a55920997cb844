// PayPal webhook bodies and API answers shaped after PayPal's documented samples, carrying payer PII where
// PayPal puts it, so that tests can prove none of it survives translation. Genuine bodies PayPal sent or
// published are under test/fixtures/paypal/ (their sources in its README and paypal-real/SOURCES.md).
import { readdirSync, readFileSync } from 'node:fs';
import type { CheckoutFacts } from '../../server/providers/paypal/to-billing-events';
import { paypalVector } from '../support/paypal-vectors';

/** Every PII value planted below; none may appear anywhere in a translation's output. */
export const PII = {
  email: 'jordan.testbuyer@personal.example.com',
  givenName: 'Jordan',
  surname: 'Testbuyer',
  fullName: 'Jordan Testbuyer',
  payerId: 'QYR5Z8XDVJNXQ',
  phone: '4085550123',
  line1: '2211 N First Street',
  line2: 'Building 17',
  city: 'San Jose',
  postalCode: '95131',
  message: 'I never got my licence key, call me on 4085550123',
} as const;

/** Not PII but not ours to keep either: must not be copied. */
export const MERCHANT = { email: 'sb-merchant@business.example.com', merchantId: '7KNGBPH2U58GQ' } as const;

export const CHECKOUT_ID = '3f0c9a52-7d1e-4b8a-9c61-2a5e8d7f1b04';
export const ORDER_ID = '5O190127TN364715T';
export const CAPTURE_ID = '27M47624FP291604U';
export const REFUND_ID = '1Y107995YT783435V';
export const SUBSCRIPTION_ID = 'I-BW452GLLEP1G';
export const PLAN_ID = 'P-5ML4271244454362WXNWU5NQ';
export const SALE_ID = '80021663DE681814L';
export const SALE_REFUND_ID = '5BR01837J3291213S';
export const SALE_REVERSAL_ID = '77689802DL785834G';
export const DISPUTE_ID = 'PP-D-27803';
export const API = 'https://api-m.sandbox.paypal.com';

/** Our one-time checkout the samples' order, capture and refund belong to. */
export function oneTimeCheckout(overrides: Partial<CheckoutFacts> = {}): CheckoutFacts {
  return { id: CHECKOUT_ID, kind: 'one_time', amount: '49.00', currency: 'USD', providerOrderId: ORDER_ID, providerSubscriptionId: null, providerPlanId: null, ...overrides };
}

/** Our monthly checkout the samples' subscription, sales and refunds belong to. */
export function recurringCheckout(overrides: Partial<CheckoutFacts> = {}): CheckoutFacts {
  return { id: CHECKOUT_ID, kind: 'recurring', amount: '9.00', currency: 'USD', providerOrderId: null, providerSubscriptionId: SUBSCRIPTION_ID, providerPlanId: PLAN_ID, ...overrides };
}

const payer = {
  name: { given_name: PII.givenName, surname: PII.surname },
  email_address: PII.email,
  payer_id: PII.payerId,
  phone: { phone_type: 'MOBILE', phone_number: { national_number: PII.phone } },
  address: {
    address_line_1: PII.line1,
    address_line_2: PII.line2,
    admin_area_2: PII.city,
    admin_area_1: 'CA',
    postal_code: PII.postalCode,
    country_code: 'US',
  },
};

const shipping = {
  name: { full_name: PII.fullName },
  address: payer.address,
};

function envelope<R extends object>(id: string, eventType: string, resourceType: string, resource: R, createTime: string) {
  return {
    id,
    event_version: '1.0',
    create_time: createTime,
    resource_type: resourceType,
    resource_version: '2.0',
    event_type: eventType,
    summary: `${eventType} for ${PII.fullName}`,
    resource,
    links: [
      { href: `${API}/v1/notifications/webhooks-events/${id}`, rel: 'self', method: 'GET' },
      { href: `${API}/v1/notifications/webhooks-events/${id}/resend`, rel: 'resend', method: 'POST' },
    ],
  };
}

export function orderApproved() {
  return envelope('WH-COC11055RA711503B-4YM959094A144403T', 'CHECKOUT.ORDER.APPROVED', 'checkout-order', {
    update_time: '2024-04-16T21:21:49Z',
    create_time: '2024-04-16T21:21:30Z',
    purchase_units: [
      {
        reference_id: 'default',
        amount: { currency_code: 'USD', value: '49.00' },
        payee: { email_address: MERCHANT.email, merchant_id: MERCHANT.merchantId },
        custom_id: CHECKOUT_ID,
        invoice_id: CHECKOUT_ID,
        description: 'Hardbound Enterprise (lifetime)',
        shipping,
      },
    ],
    links: [
      { href: `${API}/v2/checkout/orders/${ORDER_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v2/checkout/orders/${ORDER_ID}/capture`, rel: 'capture', method: 'POST' },
    ],
    id: ORDER_ID,
    intent: 'CAPTURE',
    payer,
    payment_source: { paypal: { email_address: PII.email, account_id: PII.payerId, name: payer.name, address: payer.address } },
    status: 'APPROVED',
  }, '2024-04-16T21:21:49.000Z');
}

export function captureEvent(eventType = 'PAYMENT.CAPTURE.COMPLETED', status = 'COMPLETED') {
  return envelope('WH-58D329510W468432D-8HN650336L201105X', eventType, 'capture', {
    amount: { currency_code: 'USD', value: '49.00' },
    seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
    supplementary_data: { related_ids: { order_id: ORDER_ID } },
    update_time: '2024-04-16T21:22:01Z',
    create_time: '2024-04-16T21:22:01Z',
    final_capture: true,
    seller_receivable_breakdown: {
      gross_amount: { currency_code: 'USD', value: '49.00' },
      paypal_fee: { currency_code: 'USD', value: '1.91' },
      net_amount: { currency_code: 'USD', value: '47.09' },
    },
    custom_id: CHECKOUT_ID,
    invoice_id: CHECKOUT_ID,
    payee: { email_address: MERCHANT.email, merchant_id: MERCHANT.merchantId },
    links: [
      { href: `${API}/v2/payments/captures/${CAPTURE_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v2/payments/captures/${CAPTURE_ID}/refund`, rel: 'refund', method: 'POST' },
      { href: `${API}/v2/checkout/orders/${ORDER_ID}`, rel: 'up', method: 'GET' },
    ],
    id: CAPTURE_ID,
    status,
    ...(status === 'PENDING' ? { status_details: { reason: 'PENDING_REVIEW' } } : {}),
  }, '2024-04-16T21:22:07.940Z');
}

export function captureRefunded(eventType = 'PAYMENT.CAPTURE.REFUNDED') {
  return envelope('WH-1GE84257G0350133W-6RW800890C634293G', eventType, 'refund', {
    seller_payable_breakdown: {
      gross_amount: { currency_code: 'USD', value: '49.00' },
      paypal_fee: { currency_code: 'USD', value: '0.00' },
      net_amount: { currency_code: 'USD', value: '49.00' },
      total_refunded_amount: { currency_code: 'USD', value: '49.00' },
    },
    amount: { currency_code: 'USD', value: '49.00' },
    update_time: '2024-04-20T08:10:00Z',
    create_time: '2024-04-20T08:10:00Z',
    custom_id: CHECKOUT_ID,
    invoice_id: CHECKOUT_ID,
    note_to_payer: `Refund for ${PII.fullName}`,
    links: [
      { href: `${API}/v2/payments/refunds/${REFUND_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v2/payments/captures/${CAPTURE_ID}`, rel: 'up', method: 'GET' },
    ],
    id: REFUND_ID,
    status: 'COMPLETED',
  }, '2024-04-20T08:10:05.123Z');
}

export function subscriptionEvent(eventType = 'BILLING.SUBSCRIPTION.ACTIVATED', status = 'ACTIVE') {
  return envelope('WH-77687562XN25889J8-8Y6T55435R66168T6', eventType, 'subscription', subscriptionResource(status), '2024-05-01T10:00:04.000Z');
}

/** GET /v1/billing/subscriptions/{id} and the resource of BILLING.SUBSCRIPTION.* webhooks. */
export function subscriptionResource(status = 'ACTIVE', billing: Record<string, unknown> = {}) {
  return {
    quantity: '1',
    subscriber: {
      name: payer.name,
      email_address: PII.email,
      payer_id: PII.payerId,
      shipping_address: shipping,
    },
    create_time: '2024-05-01T09:59:30Z',
    custom_id: CHECKOUT_ID,
    plan_overridden: false,
    start_time: '2024-05-01T10:00:00Z',
    update_time: '2024-05-01T10:00:02Z',
    billing_info: {
      outstanding_balance: { currency_code: 'USD', value: '0.00' },
      cycle_executions: [{ tenure_type: 'REGULAR', sequence: 1, cycles_completed: 1, cycles_remaining: 0, total_cycles: 0 }],
      last_payment: { amount: { currency_code: 'USD', value: '9.00' }, time: '2024-05-01T10:00:01Z' },
      next_billing_time: '2024-06-01T10:00:00Z',
      failed_payments_count: 0,
      ...billing,
    },
    links: [{ href: `${API}/v1/billing/subscriptions/${SUBSCRIPTION_ID}`, rel: 'self', method: 'GET' }],
    id: SUBSCRIPTION_ID,
    plan_id: PLAN_ID,
    status,
    status_update_time: '2024-05-01T10:00:02Z',
  };
}

export function saleCompleted() {
  return envelope('WH-2WR32451HC0233532-67976317FL4543714', 'PAYMENT.SALE.COMPLETED', 'sale', saleResource('completed'), '2024-06-01T10:00:09.000Z');
}

/** GET /v1/payments/sale/{id} and the resource of PAYMENT.SALE.COMPLETED. */
export function saleResource(state = 'completed') {
  return {
    id: SALE_ID,
    state,
    amount: { total: '9.00', currency: 'USD', details: { subtotal: '9.00' } },
    payment_mode: 'INSTANT_TRANSFER',
    protection_eligibility: 'ELIGIBLE',
    protection_eligibility_type: 'ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE',
    transaction_fee: { value: '0.56', currency: 'USD' },
    billing_agreement_id: SUBSCRIPTION_ID,
    create_time: '2024-06-01T10:00:05Z',
    update_time: '2024-06-01T10:00:08Z',
    links: [
      { href: `${API}/v1/payments/sale/${SALE_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v1/payments/sale/${SALE_ID}/refund`, rel: 'refund', method: 'POST' },
    ],
  };
}

export function saleRefunded(eventType = 'PAYMENT.SALE.REFUNDED') {
  return envelope('WH-0U6530236T8946223-3RR34297RJ6455245', eventType, 'refund', {
    sale_id: SALE_ID,
    parent_payment: 'PAYID-MZ2OHQBQ5437236047802405',
    update_time: '2024-06-03T12:00:00Z',
    amount: { total: '-9.00', currency: 'USD' },
    create_time: '2024-06-03T12:00:00Z',
    links: [
      { href: `${API}/v1/payments/refund/${SALE_REFUND_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v1/payments/sale/${SALE_ID}`, rel: 'sale', method: 'GET' },
    ],
    id: SALE_REFUND_ID,
    state: 'completed',
  }, '2024-06-03T12:00:03.000Z');
}

/** GET /v1/customer/disputes/{id} and the resource of CUSTOMER.DISPUTE.* webhooks. */
export function disputeResource(outcome?: string) {
  return {
    dispute_id: DISPUTE_ID,
    create_time: '2024-04-25T13:35:44.000Z',
    update_time: '2024-04-25T13:35:44.000Z',
    disputed_transactions: [
      {
        buyer_transaction_id: '4FA43282R11958234',
        seller_transaction_id: CAPTURE_ID,
        create_time: '2024-04-16T21:22:01.000Z',
        transaction_status: 'COMPLETED',
        gross_amount: { currency_code: 'USD', value: '49.00' },
        buyer: { name: PII.fullName, email: PII.email, payer_id: PII.payerId },
        seller: { email: MERCHANT.email, merchant_id: MERCHANT.merchantId, name: 'Hardbound Demo Vendor' },
        items: [],
        seller_protection_eligible: true,
      },
    ],
    reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
    status: outcome === undefined ? 'OPEN' : 'RESOLVED',
    dispute_amount: { currency_code: 'USD', value: '49.00' },
    dispute_life_cycle_stage: 'INQUIRY',
    dispute_channel: 'INTERNAL',
    messages: [{ posted_by: 'BUYER', time_posted: '2024-04-25T13:35:52.000Z', content: PII.message }],
    ...(outcome === undefined
      ? {}
      : { dispute_outcome: { outcome_code: outcome, amount_refunded: { currency_code: 'USD', value: '49.00' } } }),
    links: [{ href: `${API}/v1/customer/disputes/${DISPUTE_ID}`, rel: 'self', method: 'GET' }],
  };
}

export function disputeEvent(outcome?: string) {
  const type = outcome === undefined ? 'CUSTOMER.DISPUTE.CREATED' : 'CUSTOMER.DISPUTE.RESOLVED';
  return envelope('WH-4M0448861G563140B-9EX36365822141321', type, 'dispute', disputeResource(outcome), '2024-04-25T13:36:33.000Z');
}

/** GET /v2/checkout/orders/{id} after capture: payer and shipping PII included, as PayPal returns it. */
export function capturedOrderResource(captureStatus = 'COMPLETED') {
  const approved = orderApproved().resource;
  const unit = approved.purchase_units[0]!;
  return {
    ...approved,
    status: 'COMPLETED',
    purchase_units: [
      {
        ...unit,
        payments: {
          captures: [
            {
              id: CAPTURE_ID,
              status: captureStatus,
              amount: { currency_code: 'USD', value: '49.00' },
              final_capture: true,
              custom_id: CHECKOUT_ID,
              invoice_id: CHECKOUT_ID,
              create_time: '2024-04-16T21:22:01Z',
              update_time: '2024-04-16T21:22:01Z',
            },
          ],
        },
      },
    ],
  };
}

/** GET /v2/payments/captures/{id}. */
export function captureResource(status = 'COMPLETED') {
  return captureEvent('PAYMENT.CAPTURE.COMPLETED', status).resource;
}

/** GET /v2/payments/refunds/{id}: the `up` link names the refunded capture. */
export function captureRefundResource(status = 'COMPLETED', captureId = CAPTURE_ID, value = '49.00') {
  return {
    id: REFUND_ID,
    amount: { currency_code: 'USD', value },
    seller_payable_breakdown: {
      gross_amount: { currency_code: 'USD', value },
      paypal_fee: { currency_code: 'USD', value: '0.00' },
      net_amount: { currency_code: 'USD', value },
      total_refunded_amount: { currency_code: 'USD', value },
    },
    custom_id: CHECKOUT_ID,
    invoice_id: CHECKOUT_ID,
    note_to_payer: `Refund for ${PII.fullName}`,
    status,
    create_time: '2024-04-20T08:10:00Z',
    update_time: '2024-04-20T08:10:00Z',
    links: [
      { href: `${API}/v2/payments/refunds/${REFUND_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v2/payments/captures/${captureId}`, rel: 'up', method: 'GET' },
    ],
  };
}

/** GET /v1/payments/refund/{id}: `sale_id` names the refunded sale; the API's total is positive. */
export function saleRefundResource(state = 'completed', saleId = SALE_ID, id = SALE_REFUND_ID, total = '9.00') {
  return {
    id,
    create_time: '2024-06-03T12:00:00Z',
    update_time: '2024-06-03T12:00:00Z',
    state,
    amount: { total, currency: 'USD' },
    sale_id: saleId,
    parent_payment: 'PAYID-MZ2OHQBQ5437236047802405',
    links: [
      { href: `${API}/v1/payments/refund/${id}`, rel: 'self', method: 'GET' },
      { href: `${API}/v1/payments/payment/PAYID-MZ2OHQBQ5437236047802405`, rel: 'parent_payment', method: 'GET' },
      { href: `${API}/v1/payments/sale/${saleId}`, rel: 'sale', method: 'GET' },
    ],
  };
}

/** PayPal's documented PAYMENT.SALE.REVERSED (its 2014 sample, with our ids): the resource is the sale itself,
 *  negated, and only its `self` link names the refund the reversal made. */
export function saleReversedDocumented() {
  return envelope('WH-3EC545679X386831C-3D038940937933201', 'PAYMENT.SALE.REVERSED', 'sale', {
    amount: { total: '-9.00', currency: 'USD', details: { subtotal: '-9.00' } },
    id: SALE_ID,
    state: 'completed',
    create_time: '2024-06-05T00:19:12Z',
    links: [{ href: `${API}/v1/payments/refund/${SALE_REVERSAL_ID}`, rel: 'self', method: 'GET' }],
  }, '2024-06-05T00:19:27Z');
}

/** PayPal's webhook simulator's PAYMENT.SALE.REVERSED: the resource is the reversal's refund, and nothing in the
 *  body names the sale (only the v1 payment it belongs to). */
export function saleReversedSimulator() {
  return envelope('WH-1B7245786P3591631-6KG99346U4362062L', 'PAYMENT.SALE.REVERSED', 'refund', {
    id: SALE_REVERSAL_ID,
    state: 'completed',
    amount: { total: '-9.00', currency: 'USD' },
    reason_code: 'CHARGEBACK',
    parent_payment: 'PAYID-MZ2OHQBQ5437236047802405',
    create_time: '2024-06-05T00:19:12Z',
    update_time: '2024-06-05T00:19:12Z',
    links: [
      { href: `${API}/v1/payments/refund/${SALE_REVERSAL_ID}`, rel: 'self', method: 'GET' },
      { href: `${API}/v1/payments/payment/PAYID-MZ2OHQBQ5437236047802405`, rel: 'parent_payment', method: 'GET' },
    ],
  }, '2024-06-05T00:19:27Z');
}

/** One entry of a subscription's transaction list, as PayPal documents it (payer name and email included). */
export function subscriptionTransaction(id: string, status: string, value: string, time: string) {
  return {
    id,
    status,
    payer_email: PII.email,
    payer_name: { given_name: PII.givenName, surname: PII.surname },
    amount_with_breakdown: {
      gross_amount: { currency_code: 'USD', value },
      fee_amount: { currency_code: 'USD', value: '0.56' },
      net_amount: { currency_code: 'USD', value: '8.44' },
    },
    time,
  };
}

/** GET /v1/billing/subscriptions/{id}/transactions, shaped after PayPal's documented example. */
export function subscriptionTransactionsResource(transactions: unknown[]) {
  return {
    transactions,
    links: [
      {
        href: `${API}/v1/billing/subscriptions/${SUBSCRIPTION_ID}/transactions?start_time=2024-04-01T00:00:00.000Z&end_time=2024-08-01T00:00:00.000Z`,
        rel: 'SELF',
        method: 'GET',
      },
    ],
  };
}

export type VectorSet = 'paypal-real' | 'paypal-sdk-2015-2016' | 'paypal-java-sdk-2019';


/** The genuine bodies of a set (every JSON body in it, not the delivery headers kept beside some), by file name. */
export function vectorNames(set: VectorSet): string[] {
  return readdirSync(paypalVector(set)).filter((name) => name.endsWith('.json') && !name.startsWith('signed-deliveries')).sort();
}

/** A genuine body, byte for byte as PayPal sent or published it. */
export function vectorText(set: VectorSet, name: string): string {
  return readFileSync(paypalVector(set, name), 'utf8');
}

export function vector(set: VectorSet, name: string): unknown {
  return JSON.parse(vectorText(set, name));
}

/** Every string and key reachable from `value`. */
export function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const item of value) allStrings(item, out);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      allStrings(item, out);
    }
  }
  return out;
}

/** The PII values (and merchant identifiers) found anywhere in `value`. */
export function leakedValues(value: unknown): string[] {
  const strings = allStrings(value);
  const secrets = [...Object.values(PII), ...Object.values(MERCHANT)];
  return secrets.filter((secret) => strings.some((text) => text.includes(secret)));
}

export type Path = ReadonlyArray<string | number>;

/** A deep copy of `value` with the field at `path` set to `replacement` (any type: tests break shapes). */
export function withField<T>(value: T, path: Path, replacement: unknown): T {
  const copy = structuredClone(value);
  let current = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) current = current[key] as Record<string | number, unknown>;
  current[path[path.length - 1]!] = replacement;
  return copy;
}
