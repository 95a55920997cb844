// Everything a subscription's current state and payment list say, as billing events: what reconciliation applies
// when webhooks may have gone missing. Refunds are not among them: the list names no refund, and a refund's fact
// is named by its own id (its webhook, or support's refund action, records it). Pure; the ids are the ones the webhooks produce for the same facts
// (fact-ids.ts), so a webhook arriving after reconciliation, or before it, changes nothing twice.
import type { BillingEvent } from '../../billing/events';
import {
  activationEvent, endEvent, failureEvent, matchesOurSubscription, renewal, suspensionEvent, type CheckoutFacts,
  type NotConfirmedReason, type ProviderRef,
} from './to-billing-events';
import type { PlanView, SubscriptionTransactionView, SubscriptionView } from './views';

export type SubscriptionFacts =
  | { ok: true; events: BillingEvent[]; refs: ProviderRef[]; skipped: { transactionId: string; reason: NotConfirmedReason }[] }
  | { ok: false; reason: NotConfirmedReason };

const PAID = new Set(['COMPLETED', 'PARTIALLY_REFUNDED', 'REFUNDED']);

export function subscriptionFacts(
  subscription: SubscriptionView,
  plan: PlanView | undefined,
  transactions: readonly SubscriptionTransactionView[],
  checkout: CheckoutFacts,
  now: number,
): SubscriptionFacts {
  const mismatch = matchesOurSubscription(subscription, checkout);
  if (mismatch !== null) return { ok: false, reason: mismatch };
  const events: BillingEvent[] = [];
  const refs: ProviderRef[] = [{ provider: 'paypal', ref: subscription.id, kind: 'subscription' }];
  const skipped: { transactionId: string; reason: NotConfirmedReason }[] = [];
  for (const transaction of transactions) {
    if (!PAID.has(transaction.status)) continue;
    const paid = renewal(transaction.id, transaction.amount, transaction.time, true, subscription, plan, checkout, now);
    if (!paid.ok) {
      skipped.push({ transactionId: transaction.id, reason: paid.reason });
      continue;
    }
    events.push(...paid.events);
    refs.push(...paid.refs.filter((r) => r.kind === 'sale'));
  }
  switch (subscription.status) {
    case 'ACTIVE': {
      const activated = activationEvent(subscription, plan, now);
      if (activated) events.push(activated);
      break;
    }
    case 'SUSPENDED': events.push(suspensionEvent(subscription, now)); break;
    case 'CANCELLED': events.push(endEvent(subscription, 'subscription.cancelled', now)); break;
    case 'EXPIRED': events.push(endEvent(subscription, 'subscription.expired', now)); break;
    default: break;
  }
  const failed = subscription.status === 'ACTIVE' || subscription.status === 'SUSPENDED' ? failureEvent(subscription) : null;
  if (failed) events.push(failed);
  return { ok: true, events, refs, skipped };
}
