// Paystack behind the provider port. A one-time purchase is transaction/initialize (the amount in the currency's
// subunit, our checkout id as reference and in metadata, our return page as callback_url); a subscription is the
// same with the plan's Paystack plan, after which Paystack creates the subscription itself. Every road — the
// return, charge.success, reconciliation — ends in transaction/verify/:reference, judged against the checkout.
import type { ProviderLiveState } from '../../../common/api';
import type { Plan } from '../../../common/plans';
import type { CheckoutRecord } from '../../store/checkouts';
import type { LicenseRecord } from '../../store/licenses';
import type { Judgement, OurRecords, PaymentProvider, SettleOutcome, StartInput, Started, WebhookPort } from '../port';
import type { PaystackClient } from './client';
import {
  activationEvent, CREATION_SLACK_MS, fromSubunits, judgeOneTimePayment, judgeRenewal, referenceOf, subscriptionRenewals, subscriptionStateFacts, toSubunits,
} from './judge';
import { checkoutFacts } from './resolve';
import type { SubscriptionView, TransactionView } from './views';

const iso = (ms: number) => new Date(ms).toISOString();

export interface PaystackProviderOptions {
  client: PaystackClient;
  /** Our plan id → Paystack plan code (PLN_…), for recurring plans. */
  planCodes: ReadonlyMap<string, string>;
  plans: readonly Plan[];
  records: OurRecords;
  webhook: WebhookPort;
  /** Hosts of Paystack's checkout pages (checkout.paystack.com, or a stand-in's). */
  checkoutHosts: readonly string[];
}

export class PaystackProvider implements PaymentProvider {
  readonly name = 'paystack';
  readonly displayName = 'Paystack';
  readonly requiresEmail = true;
  readonly checkoutHosts: readonly string[];
  readonly webhook: WebhookPort;
  private readonly client: PaystackClient;

  constructor(private readonly options: PaystackProviderOptions) {
    this.client = options.client;
    this.webhook = options.webhook;
    this.checkoutHosts = options.checkoutHosts;
  }

  canSell(planId: string): boolean {
    const plan = this.options.plans.find((p) => p.id === planId);
    return plan !== undefined && (plan.billing.kind === 'one_time' || this.options.planCodes.has(planId));
  }

  async start(input: StartInput): Promise<Started> {
    const { checkout } = input;
    if (input.email === undefined) throw new Error('Paystack needs the buyer\'s e-mail to initialize a transaction');
    const planCode = checkout.kind === 'recurring' ? this.options.planCodes.get(checkout.planId) : undefined;
    if (checkout.kind === 'recurring' && !planCode) throw new Error(`no Paystack plan configured for plan ${checkout.planId}`);
    const reference = referenceOf(checkout.id);
    const started = await this.client.initialize({
      email: input.email,
      amount: toSubunits(checkout.amount, checkout.currency),
      currency: checkout.currency,
      reference,
      callbackUrl: input.returnUrl,
      // Paystack adds nothing to the cancel URL: the reference in it lets the cancel page recognise the checkout.
      cancelUrl: `${input.cancelUrl}&reference=${encodeURIComponent(reference)}`,
      checkoutId: checkout.id,
      ...(planCode ? { planCode } : {}),
    });
    // The subscription's code is known only once it is paid: the reference is what the checkout is bound to.
    return { providerOrderId: started.reference, approveUrl: started.authorizationUrl };
  }

  async settle(checkout: CheckoutRecord, now: number): Promise<SettleOutcome> {
    const facts = checkoutFacts(checkout, (id) => this.options.planCodes.get(id));
    const tx = await this.client.verify(facts.reference).catch((error: unknown) => {
      // Paystack answers 400 for a reference nothing was initialized or paid under yet.
      if ((error as { code?: string; status?: number }).status === 400) return null;
      throw error;
    });
    if (tx === null) return { kind: 'not-approved' };
    const paid = judgeOneTimePayment(tx, { ...facts, kind: 'one_time', planCode: null }, now);
    if (paid.ok === 'not-paid') return { kind: 'not-approved' };
    if (checkout.kind === 'one_time') return paid.ok ? { kind: 'events', events: paid.events, refs: paid.refs } : { kind: 'mismatch', reason: paid.reason };
    // Recurring: the transaction must be on the checkout's plan too, and the subscription Paystack created with it
    // is found among its customer's (the customer id is used for this call only, never kept).
    if (!paid.ok) return { kind: 'mismatch', reason: paid.reason };
    if (tx.planCode !== facts.planCode) return { kind: 'mismatch', reason: 'plan_mismatch' };
    if (tx.status !== 'success' && tx.status !== 'reversed') return { kind: 'events', events: paid.events, refs: paid.refs };
    const subscription = await this.subscriptionFor(checkout, tx.customerId, facts.planCode, tx.createdAt);
    if (!subscription) return { kind: 'not-approved' };
    const renewal = judgeRenewal(tx, subscription, facts, now);
    if (!renewal.ok) return { kind: 'mismatch', reason: renewal.reason };
    const activated = activationEvent(subscription, now);
    return { kind: 'events', events: [...(activated ? [activated] : []), ...renewal.events], refs: renewal.refs };
  }

  /** The customer's subscription to the plan created with this payment and bound to no other checkout. */
  private async subscriptionFor(checkout: CheckoutRecord, customerId: string | null, planCode: string | null, paidFrom: number | null): Promise<SubscriptionView | null> {
    if (customerId === null || planCode === null) return null;
    const candidates = (await this.client.listSubscriptions(customerId))
      .filter((s) => s.planCode === planCode && s.customerId === customerId && (paidFrom === null || (s.createdAt ?? 0) >= paidFrom - CREATION_SLACK_MS))
      .sort((a, b) => (a.createdAt ?? 0) - (b.createdAt ?? 0));
    for (const candidate of candidates) {
      const owner = await this.options.records.refOwner(candidate.code);
      if (!owner || owner.checkoutId === checkout.id) return candidate;
    }
    return null;
  }

  /** Paystack keeps an initialized transaction payable: every checkout no road settled is verified. */
  async mayHaveBeenPaid(): Promise<boolean> {
    return true;
  }

  /** Paystack's callback carries the transaction's reference (and trxref, the same). */
  ownsReturnRef(checkout: CheckoutRecord, ref: string): boolean {
    return ref === checkout.providerOrderId;
  }

  /** Disabling needs the subscription's email_token, read for this call only. */
  async cancelSubscription(subscriptionCode: string): Promise<'cancelled' | 'not_billing'> {
    const subscription = await this.client.getSubscription(subscriptionCode);
    if (subscription.status !== 'active' && subscription.status !== 'attention') return 'not_billing';
    if (subscription.emailToken === null) throw new Error(`Paystack shows no email_token for ${subscriptionCode}`);
    await this.client.disableSubscription(subscription.code, subscription.emailToken);
    return 'cancelled';
  }

  async refund(license: LicenseRecord): Promise<{ refundId: string }> {
    return { refundId: (await this.client.refund(license.transactionId!)).id };
  }

  async liveState(license: LicenseRecord): Promise<ProviderLiveState> {
    if (license.subscriptionId) {
      const s = await this.client.getSubscription(license.subscriptionId);
      return {
        kind: 'subscription', id: s.code, status: s.status,
        nextBillingAt: s.nextPaymentDate === null ? null : iso(s.nextPaymentDate),
        lastPayment: null,
        failedPayments: s.status === 'attention' ? 1 : 0,
      };
    }
    if (license.transactionId) {
      const tx = await this.client.verify(license.transactionId);
      return { kind: 'payment', api: 'transaction', id: tx.reference, status: tx.status, amount: fromSubunits(tx.amount, tx.currency), currency: tx.currency };
    }
    return { kind: 'none', reason: 'No Paystack payment is recorded for this license yet.' };
  }

  /** The subscription's state and paid renewals as Paystack shows them now. Its answer lists no payments: they are
   *  read from its customer's transactions (the customer id used for these calls only, never kept), and one already
   *  bound to another of our checkouts is never this subscription's. */
  async subscriptionFacts(license: LicenseRecord, checkout: CheckoutRecord, now: number): Promise<Judgement> {
    if (!license.subscriptionId) return { ok: true, events: [], refs: [] };
    const facts = checkoutFacts(checkout, (id) => this.options.planCodes.get(id));
    const subscription = await this.client.getSubscription(license.subscriptionId);
    const state = subscriptionStateFacts(subscription, facts, now);
    if (!state.ok || subscription.customerId === null) return state;
    const [transactions, others] = await Promise.all([
      this.client.listTransactions(subscription.customerId),
      this.client.listSubscriptions(subscription.customerId),
    ]);
    const ours: TransactionView[] = [];
    for (const tx of transactions) {
      if (tx.planCode !== subscription.planCode) continue;
      const owner = await this.options.records.refOwner(tx.reference);
      if (!owner || owner.checkoutId === checkout.id) ours.push(tx);
    }
    const renewals = subscriptionRenewals(ours, subscription, others, facts, now);
    return { ok: true, events: [...renewals.events, ...state.events], refs: [...state.refs, ...renewals.refs] };
  }
}
