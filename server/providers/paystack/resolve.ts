// From a verified Paystack trigger to what should happen: settle a checkout whose transaction was paid, apply
// confirmed events, or nothing but a record that a claim was not borne out. `route` looks the body's ids up in our
// own records only (no API call for what is not ours); `confirm` reads Paystack's API and judges it against the
// checkout those records hold. Every id the body names must lead to that one checkout.
import type { CheckoutRecord } from '../../store/checkouts';
import { ProviderError } from '../errors';
import type { Judgement, OurRecords, Resolution, Route } from '../port';
import type { PaystackClient } from './client';
import { judgeDispute, judgeRefund, judgeRenewal, judgeSubscriptionChange, referenceOf, type PaystackCheckoutFacts } from './judge';
import type { Trigger } from './translate';

export interface PaystackResolverDeps {
  api: Pick<PaystackClient, 'verify' | 'getSubscription' | 'listRefunds' | 'getDispute' | 'listTransactions'>;
  records: OurRecords;
  /** Our plan id → Paystack plan code (PLN_…), for recurring plans. */
  planCode(planId: string): string | undefined;
  now(): number;
}

export function checkoutFacts(checkout: CheckoutRecord, planCode: (planId: string) => string | undefined): PaystackCheckoutFacts {
  return {
    id: checkout.id,
    kind: checkout.kind,
    amount: checkout.amount,
    currency: checkout.currency,
    reference: checkout.providerOrderId ?? referenceOf(checkout.id),
    planCode: checkout.kind === 'recurring' ? (planCode(checkout.planId) ?? null) : null,
  };
}

/** The answer, or undefined when Paystack does not know the id (a forged or foreign reference). */
async function known<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderError && (error.code === 'not_found' || (error.code === 'provider_rejected' && error.status === 400))) return undefined;
    throw error;
  }
}

export class PaystackResolver {
  constructor(private readonly deps: PaystackResolverDeps) {}

  async route(trigger: Trigger): Promise<Route | null> {
    const ids = new Set<string>();
    const add = async (...refs: (string | null)[]) => {
      for (const ref of refs) {
        if (ref === null) continue;
        const owner = await this.deps.records.refOwner(ref);
        if (owner?.checkoutId) ids.add(owner.checkoutId);
      }
    };
    switch (trigger.kind) {
      case 'charge': await add(trigger.reference); break;
      case 'subscription':
        await add(trigger.subscriptionCode);
        // Paystack creates a subscription just after the payment that starts it, so the return may have found
        // none yet: only the API can say which of our checkouts a new subscription belongs to.
        if (ids.size === 0 && trigger.eventType === 'subscription.create') return { kind: 'ask' };
        break;
      case 'invoice': await add(trigger.subscriptionCode, trigger.transactionReference); break;
      case 'refund': await add(trigger.transactionReference); break;
      case 'dispute':
        await add(trigger.disputeId, trigger.transactionHint);
        // Which transaction a dispute is about is the API's to say, not the body's.
        if (ids.size === 0) return { kind: 'ask' };
        break;
    }
    return ids.size === 0 ? null : { kind: 'ours', checkoutIds: [...ids] };
  }

  /** Reads Paystack's API; throws its ProviderError when Paystack cannot be reached (the delivery is retried). */
  async confirm(trigger: Trigger, route: Route): Promise<Resolution> {
    if (trigger.kind === 'dispute') return this.dispute(trigger, route);
    if (trigger.kind === 'subscription' && route.kind === 'ask') return this.newSubscription(trigger.subscriptionCode);
    if (route.kind !== 'ours') return { kind: 'unmatched' };
    // A body whose ids lead to two checkouts mixes one customer's resources with another's: a lie.
    if (route.checkoutIds.length !== 1) return notConfirmed('wrong_resource', route.checkoutIds[0]!);
    const checkout = await this.deps.records.checkout(route.checkoutIds[0]!);
    if (!checkout) return { kind: 'unmatched' };
    const facts = checkoutFacts(checkout, this.deps.planCode);
    const now = this.deps.now();
    switch (trigger.kind) {
      case 'charge':
        // The checkout's own transaction: settling verifies it, as the return does.
        return trigger.reference === facts.reference ? { kind: 'settle', checkoutId: checkout.id } : notConfirmed('wrong_resource', checkout.id);
      case 'subscription': {
        const subscription = await known(() => this.deps.api.getSubscription(trigger.subscriptionCode));
        if (!subscription) return notConfirmed('not_found', checkout.id);
        return this.judged(checkout.id, judgeSubscriptionChange(trigger.eventType, subscription, facts, now));
      }
      case 'invoice': {
        // An invoice not paid yet (invoice.create, or an update before the charge) claims nothing.
        if (trigger.transactionReference === null) return { kind: 'unmatched' };
        const [subscription, tx] = await Promise.all([
          known(() => this.deps.api.getSubscription(trigger.subscriptionCode)),
          known(() => this.deps.api.verify(trigger.transactionReference!)),
        ]);
        if (!subscription || !tx) return notConfirmed('not_found', checkout.id);
        if (tx.reference !== trigger.transactionReference) return notConfirmed('wrong_resource', checkout.id);
        // Not paid yet: an open invoice is no claim; a failed one comes as invoice.payment_failed.
        if (tx.status !== 'success' && tx.status !== 'reversed') return { kind: 'unmatched' };
        return this.judged(checkout.id, judgeRenewal(tx, subscription, facts, now));
      }
      case 'refund': {
        const tx = await known(() => this.deps.api.verify(trigger.transactionReference));
        if (!tx || tx.reference !== trigger.transactionReference) return notConfirmed('not_found', checkout.id);
        const refunds = await this.deps.api.listRefunds(tx.id);
        return this.judged(checkout.id, judgeRefund(tx, refunds, facts, now));
      }
    }
  }

  /** A subscription nothing of ours names yet: the checkout whose paid transaction started it (the customer's
   *  transactions on its plan carrying one of our checkout ids and references) is settled as its return would be;
   *  settling finds and judges the subscription itself. */
  private async newSubscription(code: string): Promise<Resolution> {
    const subscription = await known(() => this.deps.api.getSubscription(code));
    if (!subscription?.customerId || !subscription.planCode) return { kind: 'unmatched' };
    for (const tx of await this.deps.api.listTransactions(subscription.customerId)) {
      if (tx.planCode !== subscription.planCode || tx.checkoutId === null || (tx.status !== 'success' && tx.status !== 'reversed')) continue;
      const checkout = await this.deps.records.checkout(tx.checkoutId);
      if (checkout && checkout.kind === 'recurring' && checkout.providerOrderId === tx.reference && (checkout.status === 'pending' || checkout.status === 'approved')) {
        return { kind: 'settle', checkoutId: checkout.id };
      }
    }
    return { kind: 'unmatched' };
  }

  /** One dispute, over the transaction the API names, which our records must bind to a license. */
  private async dispute(trigger: Extract<Trigger, { kind: 'dispute' }>, route: Route): Promise<Resolution> {
    const routed = route.kind === 'ours' ? route.checkoutIds : null;
    const dispute = await known(() => this.deps.api.getDispute(trigger.disputeId));
    if (!dispute || dispute.id !== trigger.disputeId) return routed === null ? { kind: 'unmatched' } : notConfirmed('not_found', routed[0]!);
    const owner = dispute.transactionReference === null ? undefined : await this.deps.records.refOwner(dispute.transactionReference);
    if (!owner?.checkoutId || !owner.licenseId) return routed === null ? { kind: 'unmatched' } : notConfirmed('wrong_resource', routed[0]!);
    if (routed !== null && (routed.length !== 1 || routed[0] !== owner.checkoutId)) return notConfirmed('wrong_resource', routed.find((id) => id !== owner.checkoutId) ?? owner.checkoutId);
    return this.judged(owner.checkoutId, judgeDispute(dispute, trigger.resolve, this.deps.now()));
  }

  private judged(checkoutId: string, judgement: Judgement): Resolution {
    if (!judgement.ok) return notConfirmed(judgement.reason, checkoutId);
    return { kind: 'apply', applications: [{ checkoutId, events: judgement.events, refs: judgement.refs }] };
  }
}

function notConfirmed(reason: string, checkoutId: string | null): Resolution {
  return { kind: 'not_confirmed', reason, checkoutId };
}
