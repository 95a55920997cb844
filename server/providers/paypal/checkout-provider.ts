// The PayPal side of a checkout: start it (order or subscription), and settle it — capture the order or
// read the subscription, check the answer against the checkout, and say which billing events it stands for.
import type { CheckoutRecord } from '../../store/checkouts';
import type { CheckoutPort, SettleOutcome, StartInput, Started } from '../port';
import { requestIds, type PayPalClient } from './client';
import { isPayPalApiError } from './errors';
import { matchesSubscriptionCheckout } from './matches-checkout';
import { checkoutFacts } from './resolve-trigger';
import { activationEvent, judgeCapture, type Judgement } from './to-billing-events';

export type { SettleOutcome, StartInput, Started } from '../port';

function outcomeOf(judgement: Judgement): SettleOutcome {
  return judgement.ok ? { kind: 'events', events: judgement.events, refs: judgement.refs } : { kind: 'mismatch', reason: judgement.reason };
}

export class PayPalCheckoutProvider implements CheckoutPort {
  readonly name = 'paypal';

  constructor(
    protected readonly client: PayPalClient,
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
    const planId = this.providerPlanId(checkout.planId);
    if (!planId) throw new Error(`no PayPal plan configured for plan ${checkout.planId}`);
    const subscription = await this.client.createSubscription({
      planId,
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

  /** A one-time checkout is worth capturing once PayPal shows its order approved or completed; a subscription
   *  is read anyway. */
  async mayHaveBeenPaid(checkout: CheckoutRecord): Promise<boolean> {
    if (checkout.kind !== 'one_time') return true;
    if (!checkout.providerOrderId) return false;
    const order = await this.client.getOrder(checkout.providerOrderId);
    return order.status === 'APPROVED' || order.status === 'COMPLETED';
  }

  /** PayPal's return URL carries the order id (token) or the subscription id (subscription_id). */
  ownsReturnRef(checkout: CheckoutRecord, ref: string): boolean {
    return ref === checkout.providerOrderId || ref === checkout.providerSubscriptionId;
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

  /** PayPal's cancel is immediate. It answers 422 for a subscription it no longer bills (cancelled or expired
   *  already, e.g. by an earlier attempt whose answer was lost). */
  async cancelSubscription(subscriptionId: string, reason: string): Promise<'cancelled' | 'not_billing'> {
    try {
      await this.client.cancelSubscription(subscriptionId, reason);
      return 'cancelled';
    } catch (error) {
      if (isPayPalApiError(error, 'provider_rejected') && error.status === 422) return 'not_billing';
      throw error;
    }
  }
}
