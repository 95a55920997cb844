// PayPal behind the provider port: checkouts (checkout-provider.ts), what happens after the purchase (cancel,
// refund, the live state support sees, reconciliation's re-read of a subscription) and the webhook port.
import type { ProviderLiveState } from '../../../common/api';
import type { Plan } from '../../../common/plans';
import type { CheckoutRecord } from '../../store/checkouts';
import type { LicenseRecord } from '../../store/licenses';
import type { Judgement, PaymentProvider, WebhookPort } from '../port';
import { PayPalCheckoutProvider } from './checkout-provider';
import { requestIds, type PayPalClient } from './client';
import { checkoutFacts } from './resolve-trigger';
import { subscriptionFacts } from './subscription-facts';

const iso = (ms: number) => new Date(ms).toISOString();

/** How far back a subscription's payments are listed. */
const TRANSACTIONS_WINDOW_MS = 400 * 86_400_000;

export class PayPalProvider extends PayPalCheckoutProvider implements PaymentProvider {
  readonly displayName = 'PayPal';
  readonly requiresEmail = false;
  readonly checkoutHosts: readonly string[];

  constructor(
    client: PayPalClient,
    providerPlanIds: ReadonlyMap<string, string>,
    readonly webhook: WebhookPort,
    /** The local stand-in's origin, whose hosted pages the checkout window may show too. */
    sandboxOrigin: string | null,
    private readonly plans: readonly Plan[],
  ) {
    super(client, providerPlanIds);
    this.checkoutHosts = ['www.paypal.com', 'www.sandbox.paypal.com', ...(sandboxOrigin ? [new URL(sandboxOrigin).host] : [])];
  }

  /** One-time plans need nothing at PayPal beforehand; recurring plans need their PayPal plan (P-…). */
  canSell(planId: string): boolean {
    const plan = this.plans.find((p) => p.id === planId);
    return plan !== undefined && (plan.billing.kind === 'one_time' || this.providerPlanId(planId) !== undefined);
  }

  async refund(license: LicenseRecord): Promise<{ refundId: string }> {
    const transactionId = license.transactionId!;
    const refund = license.subscriptionId
      ? await this.client.refundSale(transactionId, requestIds.refund(transactionId))
      : await this.client.refundCapture(transactionId, requestIds.refund(transactionId));
    return { refundId: refund.id };
  }

  async liveState(license: LicenseRecord): Promise<ProviderLiveState> {
    if (license.subscriptionId) {
      const s = await this.client.getSubscription(license.subscriptionId);
      return {
        kind: 'subscription', id: s.id, status: s.status,
        nextBillingAt: s.nextBillingTime === null ? null : iso(s.nextBillingTime),
        lastPayment: s.lastPayment ? { amount: s.lastPayment.amount.value, currency: s.lastPayment.amount.currency, at: iso(s.lastPayment.time) } : null,
        failedPayments: s.failedPaymentsCount,
      };
    }
    if (license.transactionId) {
      const c = await this.client.getCapture(license.transactionId);
      return { kind: 'payment', api: 'capture', id: c.id, status: c.status, amount: c.amount.value, currency: c.amount.currency };
    }
    return { kind: 'none', reason: 'No PayPal payment is recorded for this license yet.' };
  }

  async subscriptionFacts(license: LicenseRecord, checkout: CheckoutRecord, now: number): Promise<Judgement> {
    if (!checkout.providerSubscriptionId) return { ok: true, events: [], refs: [] };
    const subscription = await this.client.getSubscription(checkout.providerSubscriptionId);
    const plan = subscription.nextBillingTime === null && subscription.planId ? await this.client.getPlan(subscription.planId) : undefined;
    const from = Math.max(license.createdAt, now - TRANSACTIONS_WINDOW_MS);
    const transactions = await this.client.listSubscriptionTransactions(subscription.id, from - 86_400_000, now);
    const facts = subscriptionFacts(subscription, plan, transactions, checkoutFacts(checkout, (id) => this.providerPlanId(id)), now);
    return facts.ok ? { ok: true, events: facts.events, refs: facts.refs } : facts;
  }
}
