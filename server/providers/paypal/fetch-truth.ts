// What to GET from PayPal's API before believing a webhook reference: the resource it names, in its
// current state. The answer goes to toBillingEvents with the reference.
import type { PayPalClient } from './client';
import type { ProviderTruth } from './to-billing-events';
import type { ActionableReference } from './translate';
import type { SubscriptionView } from './views';

export type TruthSource = Pick<PayPalClient, 'getCapture' | 'getSale' | 'getSubscription' | 'getPlan' | 'getDispute'>;

/** Throws the client's PayPalApiError: `not_found` for an id PayPal does not know (a forged reference). */
export async function fetchTruth(client: TruthSource, reference: ActionableReference): Promise<ProviderTruth> {
  switch (reference.kind) {
    case 'order-approved':
      return {};
    case 'capture':
      return { capture: await client.getCapture(reference.captureId) };
    case 'refund':
    case 'reversal':
      return reference.transaction === 'capture'
        ? { capture: await client.getCapture(reference.captureId) }
        : { sale: await client.getSale(reference.captureId) };
    case 'subscription': {
      const subscription = await client.getSubscription(reference.subscriptionId);
      if (reference.eventType !== 'BILLING.SUBSCRIPTION.ACTIVATED') return { subscription };
      return { subscription, ...(await planIfNeeded(client, subscription)) };
    }
    case 'sale': {
      const [sale, subscription] = await Promise.all([
        client.getSale(reference.saleId),
        client.getSubscription(reference.subscriptionId),
      ]);
      return { sale, subscription, ...(await planIfNeeded(client, subscription)) };
    }
    case 'dispute':
      return { dispute: await client.getDispute(reference.disputeId) };
  }
}

/** A payment's paid-through date is next_billing_time while PayPal shows one; after that, the plan's cycle
 *  tells it (see to-billing-events.ts). */
async function planIfNeeded(client: TruthSource, subscription: SubscriptionView): Promise<Pick<ProviderTruth, 'plan'>> {
  if (subscription.nextBillingTime !== null || subscription.planId === null) return {};
  return { plan: await client.getPlan(subscription.planId) };
}
