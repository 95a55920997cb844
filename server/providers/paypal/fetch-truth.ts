// What to GET from PayPal's API before believing a webhook reference: the resource it names, in its
// current state. The answer goes to toBillingEvents with the reference.
import type { PayPalClient } from './client';
import type { ProviderTruth } from './to-billing-events';
import type { ActionableReference } from './translate';

export type TruthSource = Pick<PayPalClient, 'getCapture' | 'getSale' | 'getSubscription' | 'getDispute'>;

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
    case 'subscription':
      return { subscription: await client.getSubscription(reference.subscriptionId) };
    case 'sale': {
      const [sale, subscription] = await Promise.all([
        client.getSale(reference.saleId),
        client.getSubscription(reference.subscriptionId),
      ]);
      return { sale, subscription };
    }
    case 'dispute':
      return { dispute: await client.getDispute(reference.disputeId) };
  }
}
