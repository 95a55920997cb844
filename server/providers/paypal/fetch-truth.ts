// What to GET from PayPal's API before believing a webhook trigger: the resource it names and whatever that
// resource hangs from, in their current state. A refund is looked up by the refund's id first (its answer names
// the capture or sale); only when PayPal knows none of the candidate refund ids is a candidate transaction read
// directly. Bounded: a trigger costs at most a handful of calls, whatever its body lists.
import { isPayPalApiError } from './errors';
import type { PayPalClient } from './client';
import type { ProviderTruth } from './to-billing-events';
import type { Trigger, RefundTrigger } from './translate';
import type { SubscriptionView } from './views';

export type TruthSource = Pick<
  PayPalClient,
  'getCapture' | 'getCaptureRefund' | 'getSale' | 'getSaleRefund' | 'getSubscription' | 'getPlan' | 'getDispute' | 'listSubscriptionTransactions'
>;

const MAX_CANDIDATES = 2;

/** Throws the client's PayPalApiError for an unreachable PayPal; an id PayPal does not know leaves its field out. */
export async function fetchTruth(api: TruthSource, trigger: Trigger): Promise<ProviderTruth> {
  switch (trigger.kind) {
    case 'order-approved':
      return {};
    case 'capture':
      return { ...(await known(() => api.getCapture(trigger.captureId), 'capture')) };
    case 'refund':
      return refundTruth(api, trigger);
    case 'subscription': {
      const subscription = await known(() => api.getSubscription(trigger.subscriptionId), 'subscription');
      return { ...subscription, ...(await planIfNeeded(api, subscription.subscription)) };
    }
    case 'sale': {
      const { sale } = await known(() => api.getSale(trigger.saleId), 'sale');
      // The subscription is the one the API's sale names, never the body's billing_agreement_id.
      if (sale?.billingAgreementId == null) return { ...(sale ? { sale } : {}) };
      const { subscription } = await known(() => api.getSubscription(sale.billingAgreementId!), 'subscription');
      return { sale, ...(subscription ? { subscription } : {}), ...(await planIfNeeded(api, subscription)) };
    }
    case 'dispute':
      return { ...(await known(() => api.getDispute(trigger.disputeId), 'dispute')) };
  }
}

async function refundTruth(api: TruthSource, trigger: RefundTrigger): Promise<ProviderTruth> {
  if (trigger.api === 'v2') {
    for (const id of trigger.refundIds.slice(0, MAX_CANDIDATES)) {
      const { captureRefund } = await known(() => api.getCaptureRefund(id), 'captureRefund');
      if (captureRefund?.captureId) return { captureRefund, ...(await known(() => api.getCapture(captureRefund.captureId!), 'capture')) };
    }
    for (const id of trigger.transactionIds.slice(0, MAX_CANDIDATES)) {
      const found = await known(() => api.getCapture(id), 'capture');
      if (found.capture) return found;
    }
    return {};
  }
  for (const id of trigger.refundIds.slice(0, MAX_CANDIDATES)) {
    const { saleRefund } = await known(() => api.getSaleRefund(id), 'saleRefund');
    if (saleRefund?.saleId) return withSubscription(api, { saleRefund, ...(await known(() => api.getSale(saleRefund.saleId!), 'sale')) });
  }
  for (const id of trigger.transactionIds.slice(0, MAX_CANDIDATES)) {
    const found = await known(() => api.getSale(id), 'sale');
    if (found.sale) return withSubscription(api, found);
  }
  return {};
}

/** The refunded sale's subscription (the API's link), so the payment itself can be judged too: money can come
 *  back before the payment was ever recorded here. */
async function withSubscription(api: TruthSource, truth: ProviderTruth): Promise<ProviderTruth> {
  const agreement = truth.sale?.billingAgreementId;
  if (!agreement) return truth;
  const { subscription } = await known(() => api.getSubscription(agreement), 'subscription');
  return subscription ? { ...truth, subscription, ...(await planIfNeeded(api, subscription)) } : truth;
}

/** The answer under `key`, or nothing when PayPal does not know the id (a forged or foreign reference). */
async function known<K extends keyof ProviderTruth>(call: () => Promise<NonNullable<ProviderTruth[K]>>, key: K): Promise<Pick<ProviderTruth, K>> {
  try {
    return { [key]: await call() } as Pick<ProviderTruth, K>;
  } catch (error) {
    if (isPayPalApiError(error, 'not_found')) return {} as Pick<ProviderTruth, K>;
    throw error;
  }
}

/** A payment's paid-through date is next_billing_time while PayPal shows one; after that, the plan's cycle
 *  tells it (see to-billing-events.ts). */
export async function planIfNeeded(api: Pick<TruthSource, 'getPlan'>, subscription: SubscriptionView | undefined): Promise<Pick<ProviderTruth, 'plan'>> {
  if (subscription === undefined || subscription.nextBillingTime !== null || subscription.planId === null) return {};
  return known(() => api.getPlan(subscription.planId!), 'plan');
}
