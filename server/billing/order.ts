// The one order in which a license's events are applied, whatever order (and however often) they arrived.
import type { BillingEvent, BillingEventType } from './events';

/**
 * Tie-break for events carrying the same provider time: the order in which they happen in a payment's life
 * (a failure before the retry that succeeds, a payment before its refund, cancellation before expiry).
 * Revocation is last so that support's action is never overtaken by a provider event of the same instant.
 */
const RANK: Record<BillingEventType, number> = {
  'payment.pending': 0,
  'payment.failed': 1,
  'payment.completed': 2,
  'subscription.activated': 3,
  'subscription.payment_failed': 4,
  'subscription.suspended': 5,
  'subscription.renewed': 6,
  'subscription.reactivated': 7,
  'dispute.opened': 8,
  'dispute.resolved': 9,
  'payment.refunded': 10,
  'payment.reversed': 11,
  'subscription.cancelled': 12,
  'subscription.expired': 13,
  'license.revoked': 14,
  // Never folded (restore.ts takes it and the revocation it undoes out first); ranked for completeness.
  'license.restored': 15,
};

function compareKeys(a: BillingEvent, b: BillingEvent): number {
  if (a.at !== b.at) return a.at - b.at;
  if (a.type !== b.type) return RANK[a.type] - RANK[b.type];
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/**
 * Distinct events (one per id) sorted by (provider time, type rank, id). An id names one event; should two
 * deliveries under one id ever differ, the one sorting first by content is kept, so the choice depends on
 * the set of deliveries only, never on their arrival order.
 */
export function canonicalEvents(events: readonly BillingEvent[]): BillingEvent[] {
  const sorted = [...events].sort((a, b) => compareKeys(a, b) || compareContent(a, b));
  const seen = new Set<string>();
  return sorted.filter((event) => {
    if (seen.has(event.id)) return false;
    seen.add(event.id);
    return true;
  });
}

function compareContent(a: BillingEvent, b: BillingEvent): number {
  const left = JSON.stringify(a);
  const right = JSON.stringify(b);
  return left === right ? 0 : left < right ? -1 : 1;
}
