// The PayPal side of a checkout: start it (order or subscription), and settle it — capture the order or
// read the subscription, check the answer against the checkout, and say which billing events it stands for.
import type { BillingEvent } from '../../billing/events';
import type { CheckoutRecord } from '../../store/checkouts';
import type { ProviderRefEntry } from '../../store/provider-refs';
import { requestIds, type PayPalClient } from './client';
import { matchesSubscriptionCheckout } from './matches-checkout';
import { checkoutFacts } from './resolve-trigger';
import { activationEvent, judgeCapture, type Judgement, type NotConfirmedReason } from './to-billing-events';

export type SettleOutcome =
  | { kind: 'events'; events: BillingEvent[]; refs: Omit<ProviderRefEntry, 'licenseId' | 'checkoutId'>[] }
  /** The buyer has not approved yet: nothing to do until they do (or the webhook says so). */
  | { kind: 'not-approved' }
  /** PayPal reports something other than what this checkout asked for; nothing is granted. */
  | { kind: 'mismatch'; reason: NotConfirmedReason };

function outcomeOf(judgement: Judgement): SettleOutcome {
  return judgement.ok ? { kind: 'events', events: judgement.events, refs: judgement.refs } : { kind: 'mismatch', reason: judgement.reason };
}

export interface StartInput {
  checkout: Pick<CheckoutRecord, 'id' | 'kind' | 'amount' | 'currency'>;
  description: string;
  brandName: string;
  returnUrl: string;
  cancelUrl: string;
  /** The provider's plan id (recurring plans only). */
  providerPlanId?: string;
}

export type Started = { approveUrl: string } & ({ providerOrderId: string } | { providerSubscriptionId: string });

export class PayPalCheckoutProvider {
  readonly name = 'paypal';

  constructor(
    private readonly client: PayPalClient,
    /** Our plan id → PayPal plan id (P-…), for recurring plans. */
    private readonly providerPlanIds: ReadonlyMap<string, string>,
  ) {}

  providerPlanId(planId: string): string | undefined {
    return this.providerPlanIds.get(planId);
  }

  async start(input: StartInput): Promise<Started> {
    const { checkout } = input;
    if (checkout.kind === 'one_time') {
      const order = await this.client.createOrder({
        checkoutId: checkout.id,
        amount: checkout.amount,
        currency: checkout.currency,
        description: input.description,
        brandName: input.brandName,
        returnUrl: input.returnUrl,
        cancelUrl: input.cancelUrl,
      });
      return { providerOrderId: order.orderId, approveUrl: order.approveUrl };
    }
    if (!input.providerPlanId) throw new Error(`no PayPal plan configured for checkout ${checkout.id}`);
    const subscription = await this.client.createSubscription({
      planId: input.providerPlanId,
      checkoutId: checkout.id,
      brandName: input.brandName,
      returnUrl: input.returnUrl,
      cancelUrl: input.cancelUrl,
    });
    return { providerSubscriptionId: subscription.subscriptionId, approveUrl: subscription.approveUrl };
  }

  /** Safe to call on every road and any number of times: the capture request id is the checkout's own. */
  async settle(checkout: CheckoutRecord, now: number): Promise<SettleOutcome> {
    if (checkout.providerOrderId) return this.settleOrder(checkout, checkout.providerOrderId, now);
    if (checkout.providerSubscriptionId) return this.settleSubscription(checkout, checkout.providerSubscriptionId, now);
    return { kind: 'not-approved' };
  }

  private async settleOrder(checkout: CheckoutRecord, orderId: string, now: number): Promise<SettleOutcome> {
    const result = await this.client.captureOrder(orderId, requestIds.captureOrder(checkout.id));
    if (result.kind === 'not-approved') return { kind: 'not-approved' };
    return outcomeOf(judgeCapture(result.capture, checkoutFacts(checkout, (id) => this.providerPlanId(id)), now));
  }

  private async settleSubscription(checkout: CheckoutRecord, subscriptionId: string, now: number): Promise<SettleOutcome> {
    const subscription = await this.client.getSubscription(subscriptionId);
    if (subscription.status === 'APPROVAL_PENDING' || subscription.status === 'APPROVED') return { kind: 'not-approved' };
    const match = matchesSubscriptionCheckout(subscription, { id: checkout.id, planId: this.providerPlanIds.get(checkout.planId) ?? '' });
    if (!match.ok) return { kind: 'mismatch', reason: match.reason };
    const activated = activationEvent(subscription, undefined, now);
    if (activated === null) return { kind: 'mismatch', reason: 'status_not_active' };
    return { kind: 'events', events: [activated], refs: [{ provider: this.name, ref: subscription.id, kind: 'subscription' }] };
  }

  cancelSubscription(subscriptionId: string, reason: string): Promise<void> {
    return this.client.cancelSubscription(subscriptionId, reason);
  }
}
