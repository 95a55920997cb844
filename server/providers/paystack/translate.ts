// A verified Paystack delivery, reduced to a trigger: which kind of fact it announces and the ids under which to
// look for it. Paystack's body is signed (HMAC), yet the body is still only a trigger: every status, amount and
// link is read back from the API and matched against our own checkout before anything is written. Only
// whitelisted, format-checked ids are copied out, so the customer's data in the body (e-mail, name, card) can
// never reach storage or logs.
//
// Paystack's events carry no event id, so one is derived from the event type and the ids of the fact it is about:
// a redelivery derives the same id (and is a duplicate in the inbox), two different facts never share one.
import { asObject, FORMATS, get, numericId, text } from './json';

export const ACTED_ON_EVENT_TYPES = [
  'charge.success',
  'subscription.create',
  'subscription.not_renew',
  'subscription.disable',
  'invoice.create',
  'invoice.update',
  'invoice.payment_failed',
  'refund.processed',
  'charge.dispute.create',
  'charge.dispute.remind',
  'charge.dispute.resolve',
] as const;

/** A transaction was paid: the first payment of a checkout (its reference is ours), or a subscription's. */
export interface ChargeTrigger { kind: 'charge'; reference: string }
/** A subscription changed: created, set not to renew, disabled, or a renewal failed. */
export interface SubscriptionTrigger {
  kind: 'subscription';
  subscriptionCode: string;
  eventType: 'subscription.create' | 'subscription.not_renew' | 'subscription.disable' | 'invoice.payment_failed';
}
/** An invoice of a subscription: paid (a renewal) or still open. */
export interface InvoiceTrigger { kind: 'invoice'; subscriptionCode: string; invoiceCode: string; transactionReference: string | null }
export interface RefundTrigger { kind: 'refund'; transactionReference: string }
export interface DisputeTrigger {
  kind: 'dispute';
  disputeId: string;
  /** The disputed transaction's reference as the body has it: a lookup hint only. */
  transactionHint: string | null;
  resolve: boolean;
}

export type Trigger = ChargeTrigger | SubscriptionTrigger | InvoiceTrigger | RefundTrigger | DisputeTrigger;

export type PaystackReading =
  | { kind: 'ignored'; eventId: string; eventType: string }
  | { kind: 'unreadable'; eventId: string; eventType: string; reason: string; resourceId: string | null }
  | { kind: 'invalid'; reason: string }
  | { kind: 'trigger'; eventId: string; eventType: string; trigger: Trigger };

const EVENT_TYPE = /^[a-z][a-z_.]{0,63}$/;

export function translateWebhook(body: unknown): PaystackReading {
  const envelope = asObject(body);
  if (envelope === undefined) return { kind: 'invalid', reason: 'not_an_object' };
  const eventType = text(get(envelope, 'event'), EVENT_TYPE);
  if (eventType === undefined) return { kind: 'invalid', reason: 'bad_event_type' };
  const data = asObject(get(envelope, 'data'));
  if (!(ACTED_ON_EVENT_TYPES as readonly string[]).includes(eventType)) {
    // Nothing is read of a type we do not act on; its id only tells a redelivery apart.
    return { kind: 'ignored', eventId: `${eventType}:${numericId(get(data, 'id')) ?? text(get(data, 'reference'), FORMATS.reference) ?? '-'}`, eventType };
  }
  const unreadable = (reason: string, resourceId: string | null = null): PaystackReading =>
    ({ kind: 'unreadable', eventId: `${eventType}:${resourceId ?? 'unreadable'}`, eventType, reason, resourceId });
  if (data === undefined) return unreadable('missing_data');
  const trigger = (eventId: string, t: Trigger): PaystackReading => ({ kind: 'trigger', eventId: `${eventType}:${eventId}`, eventType, trigger: t });
  switch (eventType) {
    case 'charge.success': {
      const reference = text(get(data, 'reference'), FORMATS.reference);
      return reference ? trigger(reference, { kind: 'charge', reference }) : unreadable('bad_reference');
    }
    case 'subscription.create':
    case 'subscription.not_renew':
    case 'subscription.disable': {
      const code = text(get(data, 'subscription_code'), FORMATS.subscriptionCode);
      return code ? trigger(code, { kind: 'subscription', subscriptionCode: code, eventType }) : unreadable('bad_subscription_code');
    }
    case 'invoice.payment_failed':
    case 'invoice.create':
    case 'invoice.update': {
      const code = text(get(data, 'subscription', 'subscription_code'), FORMATS.subscriptionCode);
      const invoice = text(get(data, 'invoice_code'), FORMATS.invoiceCode);
      if (!code || !invoice) return unreadable('bad_invoice', code ?? null);
      if (eventType === 'invoice.payment_failed') return trigger(`${code}:${invoice}`, { kind: 'subscription', subscriptionCode: code, eventType });
      const reference = text(get(data, 'transaction', 'reference'), FORMATS.reference) ?? null;
      return trigger(`${code}:${invoice}:${reference ?? '-'}`, { kind: 'invoice', subscriptionCode: code, invoiceCode: invoice, transactionReference: reference });
    }
    case 'refund.processed': {
      const reference = text(get(data, 'transaction_reference'), FORMATS.reference);
      if (!reference) return unreadable('bad_transaction_reference');
      const refund = numericId(get(data, 'id')) ?? text(get(data, 'refund_reference'), FORMATS.reference) ?? '-';
      return trigger(`${reference}:${refund}`, { kind: 'refund', transactionReference: reference });
    }
    default: {
      // charge.dispute.create | remind | resolve
      const disputeId = numericId(get(data, 'id'));
      if (!disputeId) return unreadable('bad_dispute_id');
      const transactionHint = text(get(data, 'transaction', 'reference'), FORMATS.reference) ?? null;
      return trigger(disputeId, { kind: 'dispute', disputeId, transactionHint, resolve: eventType === 'charge.dispute.resolve' });
    }
  }
}

export function resourceIdOf(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'charge': return trigger.reference;
    case 'subscription': return trigger.subscriptionCode;
    case 'invoice': return trigger.subscriptionCode;
    case 'refund': return trigger.transactionReference;
    case 'dispute': return trigger.disputeId;
  }
}
