// Builders for normalized billing events in the billing tests: an event's id defaults to its type and time,
// so a test names only what it is about.
import type { BillingEvent, Money } from '../../server/billing';

export const DAY = 86_400_000;
export const T0 = Date.UTC(2025, 0, 1);
export const USD49: Money = { value: '49.00', currency: 'USD' };
export const USD9: Money = { value: '9.00', currency: 'USD' };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event without its id and time. */
export type EventBody = DistributiveOmit<BillingEvent, 'id' | 'at'>;

function event(at: number, body: EventBody, id?: string): BillingEvent {
  return { id: id ?? `WH-${body.type}-${at}`, at, ...body } as BillingEvent;
}

export const ev = {
  pending: (at: number, transactionId = 'CAP-1') => event(at, { type: 'payment.pending', transactionId }),
  completed: (at: number, transactionId = 'CAP-1', amount = USD49) =>
    event(at, { type: 'payment.completed', transactionId, amount }),
  failed: (at: number, transactionId: string | null = 'CAP-1', reason = 'INSTRUMENT_DECLINED') =>
    event(at, { type: 'payment.failed', transactionId, reason }),
  refunded: (at: number, transactionId = 'CAP-1', full = true, amount = USD49) =>
    event(at, { type: 'payment.refunded', transactionId, amount, full }),
  reversed: (at: number, transactionId = 'CAP-1', amount = USD49) =>
    event(at, { type: 'payment.reversed', transactionId, amount }),
  activated: (at: number, paidThrough: number, subscriptionId = 'I-SUB1') =>
    event(at, { type: 'subscription.activated', subscriptionId, paidThrough }),
  renewed: (at: number, transactionId: string, paidThrough: number, subscriptionId = 'I-SUB1', amount = USD9) =>
    event(at, { type: 'subscription.renewed', subscriptionId, transactionId, amount, paidThrough }),
  paymentFailed: (at: number, subscriptionId = 'I-SUB1') =>
    event(at, { type: 'subscription.payment_failed', subscriptionId }),
  suspended: (at: number, subscriptionId = 'I-SUB1') => event(at, { type: 'subscription.suspended', subscriptionId }),
  reactivated: (at: number, subscriptionId = 'I-SUB1') =>
    event(at, { type: 'subscription.reactivated', subscriptionId }),
  cancelled: (at: number, subscriptionId = 'I-SUB1') => event(at, { type: 'subscription.cancelled', subscriptionId }),
  expired: (at: number, subscriptionId = 'I-SUB1') => event(at, { type: 'subscription.expired', subscriptionId }),
  disputeOpened: (at: number, transactionId = 'CAP-1', disputeId = 'PP-D-1') =>
    event(at, { type: 'dispute.opened', disputeId, transactionId }),
  disputeResolved: (at: number, outcome: 'buyer' | 'seller', disputeId = 'PP-D-1') =>
    event(at, { type: 'dispute.resolved', disputeId, outcome }),
  revoked: (at: number, reason = 'chargeback fraud') => event(at, { type: 'license.revoked', reason }, `support-revoke-${at}`),
  withId: (id: string, e: BillingEvent): BillingEvent => ({ ...e, id }),
};

/** Support undoing the revocation with event id `revocationId`. */
export const restored = (at: number, revocationId: string, reason = 'revoked by mistake'): BillingEvent =>
  event(at, { type: 'license.restored', revocationId, reason }, `support-restore-${at}`);
