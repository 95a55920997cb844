// A verified PayPal webhook, reduced to a *trigger*: which kind of fact it announces and the ids under which to
// look for it. PayPal signs only crc32(body), so nothing in a body is believed: the ids are where the server
// starts looking (its own records first, then PayPal's API), and every status, amount, time and link between
// resources is read back from the API before anything is written (confirm.ts). Only whitelisted,
// format-checked ids are copied out, so payer data can never reach storage or logs through a trigger.
//
// Each event type's own rules decide which fields matter: a type we do not act on needs nothing but its id,
// and a malformed create_time matters to no type (the API's times date what we record).
import {
  asObject, eventType as readEventType, get, getArray, getObject, ids, linkedId, linkedIds, time, type Json,
} from './fields';
import { disputedTransactionIds } from './views';

interface EventRef {
  /** The webhook event id (WH-…): unique per event, the same on every redelivery. */
  eventId: string;
  /** The event's create_time, epoch ms, or null when absent or malformed. Only a fallback for dating a
   *  transition the API no longer shows; never a reason to refuse the event. */
  at: number | null;
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

export const REFUND_EVENT_TYPES = [
  'PAYMENT.CAPTURE.REFUNDED',
  'PAYMENT.CAPTURE.REVERSED',
  'PAYMENT.SALE.REFUNDED',
  'PAYMENT.SALE.REVERSED',
] as const;

/** Every event type the server acts on: what its PayPal webhook listener must subscribe (`paypal setup` creates
 *  it so; production's start check refuses a listener that misses one). */
export const ACTED_ON_EVENT_TYPES = [
  'CHECKOUT.ORDER.APPROVED',
  ...CAPTURE_EVENT_TYPES,
  ...REFUND_EVENT_TYPES,
  ...SUBSCRIPTION_EVENT_TYPES,
  'PAYMENT.SALE.COMPLETED',
  ...DISPUTE_EVENT_TYPES,
] as const;

export interface OrderApprovedTrigger extends EventRef {
  kind: 'order-approved';
  orderId: string;
  /** custom_id of the first purchase unit as the body has it: a lookup hint only. */
  checkoutHint: string | null;
}

export interface CaptureTrigger extends EventRef {
  kind: 'capture';
  captureId: string;
  /** The order the body links the capture to (supplementary_data or the `up` link): a lookup hint only. */
  orderHint: string | null;
  /** custom_id as the body has it: a lookup hint only. */
  checkoutHint: string | null;
}

/**
 * Money given back: a refund (merchant) or a reversal (chargeback), of an Orders v2 capture or a v1 sale.
 * PayPal's bodies differ in which resource they are about: the refund (naming its capture or sale in a link or
 * in `sale_id`, or not at all) or, for PAYMENT.SALE.REVERSED as documented, the sale itself with only a link to
 * the refund. So the body yields candidates, and the API decides which refund of which transaction it is.
 */
export interface RefundTrigger extends EventRef {
  kind: 'refund';
  reversal: boolean;
  api: 'v2' | 'v1';
  /** Ids that may be the refund (the resource, its `self` link). */
  refundIds: string[];
  /** Ids that may be the refunded capture or sale (`up`/`sale` links, `sale_id`, the resource itself). */
  transactionIds: string[];
}

export interface SubscriptionTrigger extends EventRef {
  kind: 'subscription';
  subscriptionId: string;
  /** custom_id as the body has it: a lookup hint only. */
  checkoutHint: string | null;
  eventType: SubscriptionEventType;
}

export interface SaleTrigger extends EventRef {
  kind: 'sale';
  saleId: string;
  /** billing_agreement_id as the body has it: a lookup hint only; the API's sale names the subscription. */
  subscriptionHint: string;
}

export interface DisputeTrigger extends EventRef {
  kind: 'dispute';
  disputeId: string;
  /** seller_transaction_id of each disputed transaction as the body has them: lookup hints only. */
  transactionHints: string[];
  eventType: DisputeEventType;
}

export type Trigger = OrderApprovedTrigger | CaptureTrigger | RefundTrigger | SubscriptionTrigger | SaleTrigger | DisputeTrigger;

/** Why a verified body of a type we act on could not be read: recorded (never the body) and answered 2xx. */
export type UnreadableReason =
  | 'missing_resource'
  | 'bad_resource_id'
  | 'no_refund_or_transaction'
  | 'bad_transactions';

/** Why a body is not a PayPal event at all: answered 400. */
export type InvalidReason = 'not_an_object' | 'bad_event_id' | 'bad_event_type';

export type WebhookReading =
  | { kind: 'ignored'; eventId: string; eventType: string }
  /** resourceId: the resource's own id when that much could be read, so support sees the delivery on the license it is about. */
  | { kind: 'unreadable'; eventId: string; eventType: string; reason: UnreadableReason; resourceId: string | null }
  | { kind: 'invalid'; reason: InvalidReason }
  | { kind: 'trigger'; eventId: string; eventType: string; trigger: Trigger };

export function translateWebhook(event: unknown): WebhookReading {
  const envelope = asObject(event);
  if (envelope === undefined) return { kind: 'invalid', reason: 'not_an_object' };
  const eventId = ids.event(get(envelope, 'id'));
  if (eventId === undefined) return { kind: 'invalid', reason: 'bad_event_id' };
  const type = readEventType(get(envelope, 'event_type'));
  if (type === undefined) return { kind: 'invalid', reason: 'bad_event_type' };
  const translator = Object.hasOwn(TRANSLATORS, type) ? TRANSLATORS[type] : undefined;
  if (translator === undefined) return { kind: 'ignored', eventId, eventType: type };
  const resource = getObject(envelope, 'resource');
  const base: EventRef = { eventId, at: time(get(envelope, 'create_time')) ?? null };
  const read = resource === undefined ? 'missing_resource' : translator(resource, base, type);
  if (typeof read === 'string') return { kind: 'unreadable', eventId, eventType: type, reason: read, resourceId: readableId(resource) };
  if (read === null) return { kind: 'ignored', eventId, eventType: type };
  return { kind: 'trigger', eventId, eventType: type, trigger: read };
}

/** The id of an unreadable event's resource, if that much is well formed (nothing else of the body is kept). */
function readableId(resource: Json | undefined): string | null {
  const id = get(resource, 'id');
  return ids.resource(id) ?? ids.subscription(id) ?? ids.dispute(get(resource, 'dispute_id')) ?? null;
}

/** A trigger, null for an event of this type that is not about anything of ours, or why it is unreadable. */
type Translator = (resource: Json, base: EventRef, eventType: string) => Trigger | null | UnreadableReason;

const TRANSLATORS: Record<string, Translator> = {
  'CHECKOUT.ORDER.APPROVED': orderApproved,
  ...Object.fromEntries(CAPTURE_EVENT_TYPES.map((type) => [type, capture])),
  'PAYMENT.CAPTURE.REFUNDED': (resource, base) => captureRefund(resource, base, false),
  'PAYMENT.CAPTURE.REVERSED': (resource, base) => captureRefund(resource, base, true),
  ...Object.fromEntries(SUBSCRIPTION_EVENT_TYPES.map((type) => [type, subscription])),
  'PAYMENT.SALE.COMPLETED': saleCompleted,
  'PAYMENT.SALE.REFUNDED': (resource, base) => saleRefund(resource, base, false),
  'PAYMENT.SALE.REVERSED': (resource, base) => saleRefund(resource, base, true),
  ...Object.fromEntries(DISPUTE_EVENT_TYPES.map((type) => [type, dispute])),
};

function orderApproved(resource: Json, base: EventRef): Trigger | UnreadableReason {
  const orderId = ids.resource(get(resource, 'id'));
  if (orderId === undefined) return 'bad_resource_id';
  const unit = asObject(getArray(resource, 'purchase_units')?.[0]);
  return { kind: 'order-approved', ...base, orderId, checkoutHint: ids.custom(get(unit, 'custom_id')) ?? null };
}

function capture(resource: Json, base: EventRef): Trigger | UnreadableReason {
  const captureId = ids.resource(get(resource, 'id'));
  if (captureId === undefined) return 'bad_resource_id';
  const orderHint =
    ids.resource(get(getObject(resource, 'supplementary_data', 'related_ids'), 'order_id')) ??
    linkedId(get(resource, 'links'), 'up', '/v2/checkout/orders/') ??
    null;
  return { kind: 'capture', ...base, captureId, orderHint, checkoutHint: ids.custom(get(resource, 'custom_id')) ?? null };
}

/** PAYMENT.CAPTURE.REFUNDED / REVERSED: the resource is the v2 refund; its `up` link names the capture. */
function captureRefund(resource: Json, base: EventRef, reversal: boolean): Trigger | UnreadableReason {
  const links = get(resource, 'links');
  const refundIds = distinct(ids.resource(get(resource, 'id')), linkedId(links, 'self', '/v2/payments/refunds/'));
  const transactionIds = distinct(linkedId(links, 'up', '/v2/payments/captures/'));
  if (refundIds.length === 0 && transactionIds.length === 0) return 'no_refund_or_transaction';
  return { kind: 'refund', ...base, reversal, api: 'v2', refundIds, transactionIds };
}

/**
 * PAYMENT.SALE.REFUNDED / REVERSED: usually the v1 refund (`sale_id`, a `sale` link); PayPal's documented
 * reversal sample is the sale itself with a `self` link to the refund; its simulator sends the refund with
 * nothing naming the sale. The resource id is a candidate for either; the API tells which.
 */
function saleRefund(resource: Json, base: EventRef, reversal: boolean): Trigger | UnreadableReason {
  const links = get(resource, 'links');
  const resourceId = ids.resource(get(resource, 'id'));
  const refundIds = distinct(linkedId(links, 'self', '/v1/payments/refund/'), resourceId);
  const transactionIds = distinct(
    ids.resource(get(resource, 'sale_id')),
    ...linkedIds(links, ['sale', 'up'], '/v1/payments/sale/'),
    linkedId(links, 'self', '/v1/payments/sale/'),
    resourceId,
  );
  if (refundIds.length === 0 && transactionIds.length === 0) return 'no_refund_or_transaction';
  return { kind: 'refund', ...base, reversal, api: 'v1', refundIds, transactionIds };
}

function subscription(resource: Json, base: EventRef, eventType: string): Trigger | UnreadableReason {
  const subscriptionId = ids.subscription(get(resource, 'id'));
  if (subscriptionId === undefined) return 'bad_resource_id';
  const type = SUBSCRIPTION_EVENT_TYPES.find((t) => t === eventType)!;
  return { kind: 'subscription', ...base, subscriptionId, checkoutHint: ids.custom(get(resource, 'custom_id')) ?? null, eventType: type };
}

function saleCompleted(resource: Json, base: EventRef): Trigger | null | UnreadableReason {
  const saleId = ids.resource(get(resource, 'id'));
  if (saleId === undefined) return 'bad_resource_id';
  // A sale outside any subscription is a classic PayPal payment of some other integration on the account.
  const agreement = get(resource, 'billing_agreement_id');
  if (agreement === undefined) return null;
  const subscriptionHint = ids.subscription(agreement);
  if (subscriptionHint === undefined) return 'bad_resource_id';
  return { kind: 'sale', ...base, saleId, subscriptionHint };
}

function dispute(resource: Json, base: EventRef, eventType: string): Trigger | UnreadableReason {
  const disputeId = ids.dispute(get(resource, 'dispute_id'));
  if (disputeId === undefined) return 'bad_resource_id';
  const transactionHints = disputedTransactionIds(resource);
  if (transactionHints === undefined) return 'bad_transactions';
  const type = DISPUTE_EVENT_TYPES.find((t) => t === eventType)!;
  return { kind: 'dispute', ...base, disputeId, transactionHints, eventType: type };
}

function distinct(...values: (string | undefined)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== undefined))];
}

/** The ids a trigger names, for the inbox row and logs. */
export function resourceIdOf(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'order-approved': return trigger.orderId;
    case 'capture': return trigger.captureId;
    case 'refund': return trigger.refundIds[0] ?? trigger.transactionIds[0]!;
    case 'subscription': return trigger.subscriptionId;
    case 'sale': return trigger.saleId;
    case 'dispute': return trigger.disputeId;
  }
}
