// The provider port: what every payment provider implements, in the billing core's terms. Checkouts, licenses,
// support, reconciliation and the webhook pipeline reach a provider only through these interfaces (and the
// registry, registry.ts), never through a providers/<name>/ folder — an ESLint rule keeps it so. A provider turns
// its own API and webhook shapes into normalized billing events (server/billing/events.ts), judged against our
// own checkout before anything is granted (the money-truth rules, docs/architecture.md).
import type { ApiErrorCode, ProviderLiveState } from '../../common/api';
import type { BillingEvent } from '../billing/events';
import type { CheckoutRecord } from '../store/checkouts';
import type { LicenseRecord } from '../store/licenses';
import type { ProviderRefEntry } from '../store/provider-refs';

/** A provider id learnt on the way (capture, sale, refund …), bound to the checkout's license. */
export type ProviderRef = Omit<ProviderRefEntry, 'licenseId' | 'checkoutId'>;

/** Why a provider's answer does not bear a claim out (a reason code: counted, logged and audited, never a body). */
export type NotConfirmedReason = string;

export type Judgement =
  | { ok: true; events: BillingEvent[]; refs: ProviderRef[] }
  | { ok: false; reason: NotConfirmedReason };

// ---- checkouts ---------------------------------------------------------------------------------------------

export interface StartInput {
  checkout: Pick<CheckoutRecord, 'id' | 'kind' | 'amount' | 'currency' | 'planId'>;
  description: string;
  brandName: string;
  /** Our return and cancel pages; the provider adds its own query parameters. */
  returnUrl: string;
  cancelUrl: string;
  /** The buyer's e-mail, for providers that need it (requiresEmail): passed through, never stored or logged. */
  email?: string;
}

/** The provider's reference for the checkout: bound to it at creation and matched by every road after. */
export type Started = { approveUrl: string } & ({ providerOrderId: string } | { providerSubscriptionId: string });

export type SettleOutcome =
  | { kind: 'events'; events: BillingEvent[]; refs: ProviderRef[] }
  /** The buyer has not paid or approved yet: nothing to do until they do (or the webhook says so). */
  | { kind: 'not-approved' }
  /** The provider reports something other than what this checkout asked for; nothing is granted. */
  | { kind: 'mismatch'; reason: NotConfirmedReason };

export interface CheckoutPort {
  /** Creates the provider's order, transaction or subscription for our checkout. */
  start(input: StartInput): Promise<Started>;
  /** Reads (or captures) what the provider shows for the checkout and judges it against the checkout. Safe on
   *  every road and any number of times. */
  settle(checkout: CheckoutRecord, now: number): Promise<SettleOutcome>;
  /** Reconciliation: whether a checkout no road settled may have been paid (then it is settled). */
  mayHaveBeenPaid(checkout: CheckoutRecord): Promise<boolean>;
  /** Whether a return page's provider reference (a query parameter) belongs to this checkout. */
  ownsReturnRef(checkout: CheckoutRecord, ref: string): boolean;
}

// ---- billing after the purchase ------------------------------------------------------------------------------

export interface BillingPort {
  /** Stops billing the subscription now. 'not_billing': the provider no longer bills it (cancelled or ended
   *  there already); its notice decides, as for any cancellation. */
  cancelSubscription(subscriptionId: string, reason: string): Promise<'cancelled' | 'not_billing'>;
  /** Refunds the payment funding the license in full; the license follows the provider's refund notice. */
  refund(license: LicenseRecord): Promise<{ refundId: string }>;
  /** What the provider shows for the license right now (support's license page). Throws ProviderError. */
  liveState(license: LicenseRecord): Promise<ProviderLiveState>;
  /** Reconciliation: the subscription's state and payments as the provider shows them now, judged against the
   *  checkout, under the same event ids as the webhooks produce. */
  subscriptionFacts(license: LicenseRecord, checkout: CheckoutRecord, now: number): Promise<Judgement>;
}

// ---- webhooks ------------------------------------------------------------------------------------------------

export interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /** The sender's address as this server sees it (after trusted proxies). */
  remoteAddress: string;
}

/** A verified delivery, read: nothing of it but whitelisted, format-checked ids. */
export type WebhookReading<T> =
  | { kind: 'ignored'; eventId: string; eventType: string }
  /** resourceId: the resource's own id when that much could be read, so support sees the delivery on the license. */
  | { kind: 'unreadable'; eventId: string; eventType: string; reason: string; resourceId: string | null }
  /** Not the provider's event at all: answered 400. */
  | { kind: 'invalid'; reason: string }
  | { kind: 'trigger'; eventId: string; eventType: string; trigger: T };

/** Refused before anything of the body is believed (stale, bad signature, wrong sender …). */
export interface WebhookRefusal {
  status: number;
  code: ApiErrorCode;
  message: string;
}

export type Verified<T> = { ok: true; reading: WebhookReading<T> } | { ok: false; refusal: WebhookRefusal };

/** The checkouts a body's ids lead to in our records; `ask` when only the provider's API can place them. */
export type Route = { kind: 'ours'; checkoutIds: string[] } | { kind: 'ask' };

export interface Application {
  checkoutId: string;
  events: BillingEvent[];
  refs: ProviderRef[];
}

export type Resolution =
  /** The buyer approved or paid but no return reached us: settle the checkout as the return would. */
  | { kind: 'settle'; checkoutId: string }
  | { kind: 'apply'; applications: Application[] }
  | { kind: 'unmatched' }
  | { kind: 'not_confirmed'; reason: NotConfirmedReason; checkoutId: string | null };

/** A provider's part of the webhook pipeline (server/webhooks/pipeline.ts). */
export interface WebhookPort<T = unknown> {
  /** Checks the delivery (freshness, sender, signature) before anything of the body is read, then reads it. */
  receive(delivery: Delivery): Promise<Verified<T>>;
  /** Our records only, no API call: null when nothing the body names is ours. */
  route(trigger: T): Promise<Route | null>;
  /** Reads the truth from the provider's API and judges it against our checkout. Throws ProviderError when the
   *  provider cannot be reached (the delivery is then refused with 503 and retried by the provider). */
  confirm(trigger: T, route: Route): Promise<Resolution>;
  /** The id the delivery is about, for the inbox row and support's timeline. */
  resourceIdOf(trigger: T): string;
}

/** Who a provider id was bound to by us: at checkout creation or on a confirmed fact. */
export interface RefOwner {
  checkoutId: string | null;
  licenseId: string | null;
}

/** Our records, as a provider's webhook resolver reads them (server/webhooks/our-records.ts). */
export interface OurRecords {
  refOwner(ref: string): Promise<RefOwner | undefined>;
  checkout(id: string): Promise<CheckoutRecord | undefined>;
}

// ---- the provider ---------------------------------------------------------------------------------------------

export interface PaymentProvider extends CheckoutPort, BillingPort {
  /** The registry key, the value of checkout.provider and license.provider, the :provider of /v1/webhooks/:provider. */
  readonly name: string;
  /** As buyers and staff read it: "PayPal", "Paystack". */
  readonly displayName: string;
  /** The buyer's e-mail is needed to start a checkout (passed through, never stored). */
  readonly requiresEmail: boolean;
  /** Hosts of the provider's checkout pages, for the app's checkout-window allow-list. */
  readonly checkoutHosts: readonly string[];
  /** Whether this provider can sell the plan as configured (a recurring plan needs its provider plan). */
  canSell(planId: string): boolean;
  readonly webhook: WebhookPort;
}
