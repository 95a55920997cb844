// A verified PayPal webhook, reduced to a "reference": which resource it is about and what it claims,
// read from whitelisted, format-checked fields only. A reference says what to fetch from the API; it is not
// trusted by itself (see to-billing-events.ts). Nothing else from the body is copied, so payer data can
// never reach storage or logs through it.
import type { Money } from '../../billing/events';
import {
  asObject, eventType as readEventType, get, getArray, getObject, ids, legacyMoney, linkedId, money, time,
  type Json,
} from './fields';
import { CAPTURE_STATUSES, disputeOutcome, disputedTransactionIds, type CaptureStatus } from './views';

export { toBillingEvents, type BillingResult, type ProviderTruth } from './to-billing-events';
export { matchesCheckout, matchesSubscriptionCheckout, type CheckoutMismatch } from './matches-checkout';

interface EventRef {
  /** The webhook event id (WH-…): unique per event, the same on every redelivery. */
  eventId: string;
  /** The event's create_time, epoch ms. */
  at: number;
}

export const CAPTURE_EVENT_TYPES = [
  'PAYMENT.CAPTURE.COMPLETED',
  'PAYMENT.CAPTURE.PENDING',
  'PAYMENT.CAPTURE.DENIED',
  'PAYMENT.CAPTURE.DECLINED',
] as const;

export const SUBSCRIPTION_EVENT_TYPES = [
  'BILLING.SUBSCRIPTION.ACTIVATED',
  'BILLING.SUBSCRIPTION.RE-ACTIVATED',
  'BILLING.SUBSCRIPTION.SUSPENDED',
  'BILLING.SUBSCRIPTION.CANCELLED',
  'BILLING.SUBSCRIPTION.EXPIRED',
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
] as const;
export type SubscriptionEventType = (typeof SUBSCRIPTION_EVENT_TYPES)[number];

export const DISPUTE_EVENT_TYPES = ['CUSTOMER.DISPUTE.CREATED', 'CUSTOMER.DISPUTE.RESOLVED'] as const;
export type DisputeEventType = (typeof DISPUTE_EVENT_TYPES)[number];

export interface OrderApprovedReference extends EventRef {
  kind: 'order-approved';
  orderId: string;
  checkoutId: string | null;
}

export interface CaptureReference extends EventRef {
  kind: 'capture';
  captureId: string;
  orderId: string | null;
  checkoutId: string | null;
  /** What the webhook claims; the capture fetched from the API decides. */
  status: CaptureStatus;
  amount: Money;
}

export interface RefundReference extends EventRef {
  kind: 'refund' | 'reversal';
  /** Whether the money came back from an Orders v2 capture or from a v1 sale (a subscription payment). */
  transaction: 'capture' | 'sale';
  /** The refunded transaction: a capture id, or a sale id when `transaction` is 'sale'. */
  captureId: string;
  refundId: string;
  amount: Money;
}

export interface SubscriptionReference extends EventRef {
  kind: 'subscription';
  subscriptionId: string;
  checkoutId: string | null;
  eventType: SubscriptionEventType;
}

export interface SaleReference extends EventRef {
  kind: 'sale';
  saleId: string;
  subscriptionId: string;
  amount: Money;
  eventType: 'PAYMENT.SALE.COMPLETED';
}

export interface DisputeReference extends EventRef {
  kind: 'dispute';
  disputeId: string;
  transactionIds: string[];
  /** dispute_outcome.outcome_code, present once resolved. */
  outcome?: string;
  eventType: DisputeEventType;
}

export type InvalidReason =
  | 'not_an_object'
  | 'bad_event_id'
  | 'bad_event_type'
  | 'bad_create_time'
  | 'missing_resource'
  | 'bad_resource_id'
  | 'bad_status'
  | 'bad_amount'
  | 'missing_capture_id'
  | 'missing_subscription_id'
  | 'bad_transactions'
  | 'bad_outcome';

export type ActionableReference =
  | OrderApprovedReference
  | CaptureReference
  | RefundReference
  | SubscriptionReference
  | SaleReference
  | DisputeReference;

export type WebhookReference =
  | { kind: 'ignored'; eventType: string }
  | { kind: 'invalid'; reason: InvalidReason }
  | ActionableReference;

const invalid = (reason: InvalidReason): WebhookReference => ({ kind: 'invalid', reason });

export function translateWebhook(event: unknown): WebhookReference {
  const envelope = asObject(event);
  if (envelope === undefined) return invalid('not_an_object');
  const eventId = ids.event(get(envelope, 'id'));
  if (eventId === undefined) return invalid('bad_event_id');
  const type = readEventType(get(envelope, 'event_type'));
  if (type === undefined) return invalid('bad_event_type');
  const at = time(get(envelope, 'create_time'));
  if (at === undefined) return invalid('bad_create_time');
  const translator = Object.hasOwn(TRANSLATORS, type) ? TRANSLATORS[type] : undefined;
  if (translator === undefined) return { kind: 'ignored', eventType: type };
  const resource = getObject(envelope, 'resource');
  if (resource === undefined) return invalid('missing_resource');
  return translator(resource, { eventId, at }, type);
}

type Translator = (resource: Json, base: EventRef, eventType: string) => WebhookReference;

const TRANSLATORS: Record<string, Translator> = {
  'CHECKOUT.ORDER.APPROVED': orderApproved,
  ...Object.fromEntries(CAPTURE_EVENT_TYPES.map((type) => [type, capture])),
  'PAYMENT.CAPTURE.REFUNDED': (resource, base) => captureRefund(resource, base, 'refund'),
  'PAYMENT.CAPTURE.REVERSED': (resource, base) => captureRefund(resource, base, 'reversal'),
  ...Object.fromEntries(SUBSCRIPTION_EVENT_TYPES.map((type) => [type, subscription])),
  'PAYMENT.SALE.COMPLETED': saleCompleted,
  'PAYMENT.SALE.REFUNDED': (resource, base) => saleRefund(resource, base, 'refund'),
  'PAYMENT.SALE.REVERSED': (resource, base) => saleRefund(resource, base, 'reversal'),
  ...Object.fromEntries(DISPUTE_EVENT_TYPES.map((type) => [type, dispute])),
};

/** Every event type the server acts on: what its PayPal webhook listener must subscribe (`paypal setup`
 *  creates it so; production's start check refuses a listener that misses one). */
export const HANDLED_EVENT_TYPES: readonly string[] = Object.freeze(Object.keys(TRANSLATORS));

/** Our checkout id, or null: a custom_id of another format belongs to some other integration on the same
 *  PayPal account (shops put JSON, names, order numbers there), is not ours and is never copied. */
function checkoutIdOf(value: unknown): string | null {
  return ids.custom(value) ?? null;
}

function orderApproved(resource: Json, base: EventRef): WebhookReference {
  const orderId = ids.resource(get(resource, 'id'));
  if (orderId === undefined) return invalid('bad_resource_id');
  const unit = asObject(getArray(resource, 'purchase_units')?.[0]);
  return { kind: 'order-approved', ...base, orderId, checkoutId: checkoutIdOf(get(unit, 'custom_id')) };
}

function capture(resource: Json, base: EventRef): WebhookReference {
  const captureId = ids.resource(get(resource, 'id'));
  if (captureId === undefined) return invalid('bad_resource_id');
  const status = CAPTURE_STATUSES.find((s) => s === get(resource, 'status'));
  if (status === undefined) return invalid('bad_status');
  const amount = money(get(resource, 'amount'));
  if (amount === undefined) return invalid('bad_amount');
  const checkoutId = checkoutIdOf(get(resource, 'custom_id'));
  const orderId =
    ids.resource(get(getObject(resource, 'supplementary_data', 'related_ids'), 'order_id')) ??
    linkedId(get(resource, 'links'), 'up', '/v2/checkout/orders/') ??
    null;
  return { kind: 'capture', ...base, captureId, orderId, checkoutId, status, amount };
}

/** The resource of PAYMENT.CAPTURE.REFUNDED / REVERSED is the refund; its `up` link names the capture. */
function captureRefund(resource: Json, base: EventRef, kind: 'refund' | 'reversal'): WebhookReference {
  const refundId = ids.resource(get(resource, 'id'));
  if (refundId === undefined) return invalid('bad_resource_id');
  const captureId = linkedId(get(resource, 'links'), 'up', '/v2/payments/captures/');
  if (captureId === undefined) return invalid('missing_capture_id');
  const amount = money(get(resource, 'amount'));
  if (amount === undefined) return invalid('bad_amount');
  return { kind, ...base, transaction: 'capture', captureId, refundId, amount };
}

function subscription(resource: Json, base: EventRef, eventType: string): WebhookReference {
  const subscriptionId = ids.subscription(get(resource, 'id'));
  if (subscriptionId === undefined) return invalid('bad_resource_id');
  const checkoutId = checkoutIdOf(get(resource, 'custom_id'));
  const type = SUBSCRIPTION_EVENT_TYPES.find((t) => t === eventType);
  if (type === undefined) return invalid('bad_event_type');
  return { kind: 'subscription', ...base, subscriptionId, checkoutId, eventType: type };
}

function saleCompleted(resource: Json, base: EventRef, eventType: string): WebhookReference {
  const saleId = ids.resource(get(resource, 'id'));
  if (saleId === undefined) return invalid('bad_resource_id');
  // A sale outside any subscription belongs to some other integration on the account: nothing of ours.
  if (get(resource, 'billing_agreement_id') === undefined) return { kind: 'ignored', eventType };
  const subscriptionId = ids.subscription(get(resource, 'billing_agreement_id'));
  if (subscriptionId === undefined) return invalid('missing_subscription_id');
  const amount = legacyMoney(get(resource, 'amount'));
  if (amount === undefined) return invalid('bad_amount');
  return { kind: 'sale', ...base, saleId, subscriptionId, amount, eventType: 'PAYMENT.SALE.COMPLETED' };
}

/** The resource of PAYMENT.SALE.REFUNDED / REVERSED is a v1 refund naming its sale in `sale_id`. */
function saleRefund(resource: Json, base: EventRef, kind: 'refund' | 'reversal'): WebhookReference {
  const refundId = ids.resource(get(resource, 'id'));
  if (refundId === undefined) return invalid('bad_resource_id');
  const saleId = ids.resource(get(resource, 'sale_id'));
  if (saleId === undefined) return invalid('missing_capture_id');
  const amount = legacyMoney(get(resource, 'amount'), { unsigned: true });
  if (amount === undefined) return invalid('bad_amount');
  return { kind, ...base, transaction: 'sale', captureId: saleId, refundId, amount };
}

function dispute(resource: Json, base: EventRef, eventType: string): WebhookReference {
  const disputeId = ids.dispute(get(resource, 'dispute_id'));
  if (disputeId === undefined) return invalid('bad_resource_id');
  const transactionIds = disputedTransactionIds(resource);
  if (transactionIds === undefined) return invalid('bad_transactions');
  const type = DISPUTE_EVENT_TYPES.find((t) => t === eventType);
  if (type === undefined) return invalid('bad_event_type');
  const outcome = disputeOutcome(resource);
  if (get(resource, 'dispute_outcome') !== undefined && outcome === undefined) return invalid('bad_outcome');
  return { kind: 'dispute', ...base, disputeId, transactionIds, eventType: type, ...(outcome ? { outcome } : {}) };
}
