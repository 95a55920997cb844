// Provider-neutral billing events. Provider adapters (server/providers/*) translate their webhooks and API
// answers into these; the billing core never sees a provider's shapes.

export interface Money {
  /** Decimal string in the currency's major unit ("49.00"). */
  value: string;
  currency: string;
}

interface EventBase {
  /** Unique per license timeline: the provider's event id, or a synthetic id for server/support events. */
  id: string;
  /** When it happened according to its source (the provider's event time), epoch ms. */
  at: number;
}

export type BillingEvent = EventBase &
  (
    | { type: 'payment.pending'; transactionId: string }
    | { type: 'payment.completed'; transactionId: string; amount: Money }
    | { type: 'payment.failed'; transactionId: string | null; reason: string }
    | { type: 'payment.refunded'; transactionId: string; amount: Money; full: boolean }
    | { type: 'payment.reversed'; transactionId: string; amount: Money }
    | { type: 'subscription.activated'; subscriptionId: string; paidThrough: number }
    | { type: 'subscription.renewed'; subscriptionId: string; transactionId: string; amount: Money; paidThrough: number }
    | { type: 'subscription.payment_failed'; subscriptionId: string }
    | { type: 'subscription.suspended'; subscriptionId: string }
    | { type: 'subscription.reactivated'; subscriptionId: string }
    | { type: 'subscription.cancelled'; subscriptionId: string }
    | { type: 'subscription.expired'; subscriptionId: string }
    | { type: 'dispute.opened'; disputeId: string; transactionId: string }
    | { type: 'dispute.resolved'; disputeId: string; outcome: 'buyer' | 'seller' }
    | { type: 'license.revoked'; reason: string }
    /** Support undoes the revocation whose event id this names (restore.ts). */
    | { type: 'license.restored'; revocationId: string; reason: string }
  );

export type BillingEventType = BillingEvent['type'];
