// The sentences the License panel, the Manage subscription section and the cancel dialog say about a
// subscription, in one place so all three agree on the dates.
import type { EntitlementSummary, SubscriptionManagement, SubscriptionStanding } from '../common/app-state';
import type { Tier } from '../common/plans';
import { providerPhrase, type BillingProvider } from './billing-provider';
import { formatDate } from './format';

/** For selectors before main's first state: one shared value, as a fresh object each time would re-render forever. */
export const IDLE_MANAGEMENT: SubscriptionManagement = { step: 'idle' };

/** The standings the server lets the buyer cancel from (an already cancelled or ended one has nothing to cancel). */
export function isCancellable(standing: SubscriptionStanding): boolean {
  return standing.kind === 'renewing' || standing.kind === 'past_due' || standing.kind === 'disputed';
}

export function pastDueBanner(standing: Extract<SubscriptionStanding, { kind: 'past_due' }>, provider: BillingProvider | null): string {
  const failed = `Your last payment failed — Enterprise continues until ${formatDate(standing.enterpriseUntil)}.`;
  // A provider without a page the app can open (Paystack: its card-update link is per subscription and arrives
  // by e-mail) is named with where the buyer finds it instead.
  if (provider && !provider.hasPaymentPage) {
    return `${failed} Update your card with the link in the e-mail ${provider.name ?? 'your payment provider'} sent about this subscription, so the next attempt goes through.`;
  }
  return `${failed} Update your payment method at ${providerPhrase(provider)} so the next attempt goes through.`;
}

/** What the confirmation states before anything is cancelled: when access ends. */
export function cancelConsequence(standing: SubscriptionStanding, provider: BillingProvider | null): string {
  const who = providerPhrase(provider);
  switch (standing.kind) {
    case 'renewing':
      return `${capitalized(who)} will not charge you again. Enterprise continues until ${formatDate(standing.renewsOn)}, then this computer returns to Free.`;
    case 'past_due':
      return `Your paid period ended on ${formatDate(standing.paidThrough)}, so Enterprise ends as soon as the cancellation is recorded. ${capitalized(who)} will not try the payment again.`;
    case 'disputed':
      return `${capitalized(who)} will not charge you again. Enterprise continues at most until ${formatDate(standing.paidThrough)}, the end of the period paid for.`;
    case 'canceled':
    case 'ended':
      return 'This subscription has nothing left to cancel.';
  }
}

/** A cancellation main has made for this license that the entitlement does not show yet (the provider's notice is on its way). */
export function pendingCancellation(manage: SubscriptionManagement, entitlement: EntitlementSummary): Extract<SubscriptionManagement, { step: 'done' }> | null {
  return manage.step === 'done' && manage.licenseId === entitlement.licenseId && entitlement.subscription?.kind !== 'canceled' ? manage : null;
}

/** The outcome of a cancellation, as the dialog shows and the live region speaks it. */
export function cancelOutcome(manage: SubscriptionManagement, tier: Tier, provider: BillingProvider | null): string {
  switch (manage.step) {
    case 'idle':
    case 'cancelling':
      return 'Cancelling your subscription…';
    case 'done': {
      const ends = tier === 'enterprise' ? `Enterprise continues until ${formatDate(manage.endsAt)}.` : 'Enterprise has ended on this computer.';
      const later = manage.recorded ? '' : ` The license shows the cancellation after ${providerPhrase(provider)} confirms it, at the next refresh.`;
      return `Your subscription is cancelled. ${ends}${later}`;
    }
    case 'failed':
      return manage.message;
  }
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
