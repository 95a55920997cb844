// From a verified webhook trigger to what should happen: nothing (not ours), capture an approved order, apply
// confirmed events to our checkout(s), or nothing but a record that a claim was not borne out.
//
// Two steps. `route` looks every id the body names up in our own records, without calling PayPal: a delivery
// that names nothing of ours (most of an account's traffic, other integrations) costs no API call. `confirm` then
// reads the truth from PayPal's API and judges it against the checkout our records hold: the resource the API
// shows must hang from that checkout's own order or subscription, for its custom_id, plan, amount and currency,
// and the body's ids must all lead to that one checkout. A body that names one customer's resources and
// another's ids is a lie, whichever of them the API would bear out: nothing is applied.
import { isCheckoutId } from '../../ids';
import type { CheckoutRecord } from '../../store/checkouts';
import type { Application, OurRecords, Resolution, Route } from '../port';
import { fetchTruth, type TruthSource } from './fetch-truth';
import {
  judgeCaptureTrigger, judgeDispute, judgeRefund, judgeSale, judgeSubscription, type CheckoutFacts, type Judgement,
  type NotConfirmedReason, type ProviderTruth,
} from './to-billing-events';
import type { Trigger } from './translate';

export type { Application, OurRecords, RefOwner, Resolution, Route } from '../port';

export interface ResolverDeps {
  api: TruthSource;
  records: OurRecords;
  /** Our plan id → PayPal plan id (P-…), for recurring plans. */
  providerPlanId(planId: string): string | undefined;
  now(): number;
}

export class TriggerResolver {
  constructor(private readonly deps: ResolverDeps) {}

  /** Null when nothing the body names is ours. */
  async route(trigger: Trigger): Promise<Route | null> {
    const checkoutIds = new Set<string>();
    const add = async (...refs: (string | null)[]) => {
      for (const ref of refs) {
        if (ref === null) continue;
        const owner = await this.deps.records.refOwner(ref);
        if (owner?.checkoutId) checkoutIds.add(owner.checkoutId);
      }
    };
    const addCheckout = async (hint: string | null) => {
      // A hint that an id already led to needs no read of its own.
      if (hint !== null && !checkoutIds.has(hint) && isCheckoutId(hint) && (await this.deps.records.checkout(hint))) checkoutIds.add(hint);
    };
    switch (trigger.kind) {
      case 'order-approved':
        await add(trigger.orderId);
        await addCheckout(trigger.checkoutHint);
        break;
      case 'capture':
        await add(trigger.captureId, trigger.orderHint);
        await addCheckout(trigger.checkoutHint);
        break;
      case 'refund':
        await add(...trigger.transactionIds, ...trigger.refundIds);
        // Money can come back before the payment was recorded here (its answer lost, its webhook still on the
        // way), and some bodies name no transaction at all: only the API can tell whose refund it is.
        if (checkoutIds.size === 0) return { kind: 'ask' };
        break;
      case 'subscription':
        await add(trigger.subscriptionId);
        await addCheckout(trigger.checkoutHint);
        break;
      case 'sale': await add(trigger.saleId, trigger.subscriptionHint); break;
      case 'dispute':
        await add(trigger.disputeId, ...trigger.transactionHints);
        // Like a refund: which transactions a dispute is about is the API's to say, not the body's.
        if (checkoutIds.size === 0) return { kind: 'ask' };
        break;
    }
    return checkoutIds.size === 0 ? null : { kind: 'ours', checkoutIds: [...checkoutIds] };
  }

  /** Reads PayPal's API; throws its PayPalApiError when PayPal cannot be reached (the delivery is retried). */
  async confirm(trigger: Trigger, route: Route): Promise<Resolution> {
    if (trigger.kind === 'order-approved') {
      if (route.kind !== 'ours') return { kind: 'unmatched' };
      // Capturing reads the checkout's own order, whatever else the body says (checkout-provider.ts); but an
      // order of one checkout claimed for another is a lie, and nothing is done on its word.
      return route.checkoutIds.length === 1 ? { kind: 'settle', checkoutId: route.checkoutIds[0]! } : notConfirmed('wrong_resource', route.checkoutIds[0]!);
    }
    const truth = await fetchTruth(this.deps.api, trigger);
    if (trigger.kind === 'dispute') return this.disputes(trigger, truth, route);
    const owner = await this.ownerByTruth(trigger, truth);
    const routed = route.kind === 'ours' ? route.checkoutIds : null;
    // The body led to one checkout, the API's resource hangs from another (or from nothing of ours): a lie.
    if (owner === null) return routed === null ? { kind: 'unmatched' } : notConfirmed(truthFound(trigger, truth) ? 'wrong_resource' : 'not_found', routed[0]!);
    if (routed !== null && (routed.length !== 1 || routed[0] !== owner.id)) return notConfirmed('wrong_resource', routed.find((id) => id !== owner.id) ?? owner.id);
    return this.judged(owner, (facts, now) => {
      switch (trigger.kind) {
        case 'capture': return judgeCaptureTrigger(trigger, truth, facts, now);
        case 'refund': return judgeRefund(trigger, truth, facts, now);
        case 'subscription': return judgeSubscription(trigger, truth, facts, now);
        case 'sale': return judgeSale(trigger, truth, facts, now);
      }
    });
  }

  /** The checkout our records bind the API's resource to: by the order a capture belongs to, the
   *  subscription a sale or subscription event is about, the capture or sale a refund returns. */
  private async ownerByTruth(trigger: Exclude<Trigger, { kind: 'order-approved' | 'dispute' }>, truth: ProviderTruth): Promise<CheckoutRecord | null> {
    const refs: (string | null | undefined)[] = [];
    switch (trigger.kind) {
      case 'capture': refs.push(truth.capture?.orderId); break;
      case 'refund': refs.push(truth.capture?.orderId, truth.sale?.billingAgreementId); break;
      case 'subscription': refs.push(truth.subscription?.id); break;
      case 'sale': refs.push(truth.sale?.billingAgreementId); break;
    }
    for (const ref of refs) {
      if (!ref) continue;
      const owner = await this.deps.records.refOwner(ref);
      const checkout = owner?.checkoutId ? await this.deps.records.checkout(owner.checkoutId) : undefined;
      if (checkout) return checkout;
    }
    return null;
  }

  /** One application per disputed transaction (as the API lists them) that our records bind to a license. */
  private async disputes(trigger: Extract<Trigger, { kind: 'dispute' }>, truth: ProviderTruth, route: Route): Promise<Resolution> {
    const routed = route.kind === 'ours' ? route.checkoutIds[0]! : null;
    if (truth.dispute === undefined) return routed === null ? { kind: 'unmatched' } : notConfirmed('not_found', routed);
    const applications: Application[] = [];
    for (const transactionId of truth.dispute.transactionIds) {
      const owner = await this.deps.records.refOwner(transactionId);
      if (!owner?.licenseId || !owner.checkoutId) continue;
      const judgement = judgeDispute(trigger, truth.dispute, transactionId, this.deps.now());
      if (!judgement.ok) return notConfirmed(judgement.reason, owner.checkoutId);
      applications.push({ checkoutId: owner.checkoutId, events: judgement.events, refs: judgement.refs });
    }
    if (applications.length === 0) return routed === null ? { kind: 'unmatched' } : notConfirmed('wrong_resource', routed);
    // Every checkout the body named must be one the dispute is really about.
    const stray = route.kind === 'ours' ? route.checkoutIds.find((id) => !applications.some((a) => a.checkoutId === id)) : undefined;
    if (stray !== undefined) return notConfirmed('wrong_resource', stray);
    return { kind: 'apply', applications };
  }

  private async judged(checkout: CheckoutRecord, judge: (facts: CheckoutFacts, now: number) => Judgement): Promise<Resolution> {
    const judgement = judge(checkoutFacts(checkout, this.deps.providerPlanId), this.deps.now());
    if (!judgement.ok) return notConfirmed(judgement.reason, checkout.id);
    return { kind: 'apply', applications: [{ checkoutId: checkout.id, events: judgement.events, refs: judgement.refs }] };
  }
}

export function checkoutFacts(checkout: CheckoutRecord, providerPlanId: (planId: string) => string | undefined): CheckoutFacts {
  return {
    id: checkout.id,
    kind: checkout.kind,
    amount: checkout.amount,
    currency: checkout.currency,
    providerOrderId: checkout.providerOrderId,
    providerSubscriptionId: checkout.providerSubscriptionId,
    providerPlanId: checkout.kind === 'recurring' ? (providerPlanId(checkout.planId) ?? null) : null,
  };
}

function notConfirmed(reason: NotConfirmedReason, checkoutId: string | null): Resolution {
  return { kind: 'not_confirmed', reason, checkoutId };
}

/** Whether PayPal knew the resource at all (a lie about links) or not (an invented id). */
function truthFound(trigger: Trigger, truth: ProviderTruth): boolean {
  switch (trigger.kind) {
    case 'capture': return truth.capture !== undefined;
    case 'refund': return truth.capture !== undefined || truth.sale !== undefined;
    case 'subscription': return truth.subscription !== undefined;
    case 'sale': return truth.sale !== undefined;
    default: return false;
  }
}
