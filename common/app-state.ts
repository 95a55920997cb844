// What the desktop app's UI shows, as one serialisable snapshot pushed from main to the renderer.
import type { ProviderInfo, TransferCode, UnboundReason } from './api';
import type { AccessChange } from './entitlement';
import type { LicenseStatus } from './license';
import type { Plan, PlanBilling, Tier } from './plans';

/** What the app sells and through whom: GET /v1/plans, each plan naming its providers (the default first). */
export interface PlanCatalog {
  plans: Plan[];
  providers: ProviderInfo[];
}

/** The provider a purchase goes through, as the buyer reads it. */
export interface ProviderRef {
  id: string;
  name: string;
}

/** The upgrade flow: every failure path has a state and a message a person can act on. The buyer's e-mail (for
 *  a provider that needs it) is never part of it: it goes to the server with the checkout and nowhere else. */
export type FlowState =
  | { step: 'idle' }
  | { step: 'creating'; planId: string; provider: ProviderRef }
  /** The isolated checkout window is open at the provider. */
  | {
      step: 'awaiting_approval';
      planId: string;
      provider: ProviderRef;
      checkoutId: string;
      /** This machine's subscription, cancelled at its provider once this (lifetime) payment is confirmed: say so now. */
      replaces?: { subscriptionId: string; planId: string };
    }
  /** The window was closed before paying. The same checkout can be reopened until `expiresAt` (ISO); the
   *  server is still listened to, so a payment completed meanwhile still lands. */
  | { step: 'window_closed'; planId: string; provider: ProviderRef; checkoutId: string; expiresAt: string }
  /** The buyer came back (or the window closed after paying); waiting for the server to record it. */
  | { step: 'confirming'; planId: string; provider: ProviderRef; checkoutId: string }
  | { step: 'active'; planId: string }
  | { step: 'cancelled'; message: string }
  | { step: 'failed'; reason: FlowFailure; message: string; retryable: boolean }
  | { step: 'offline'; message: string };

export type FlowFailure = 'server_error' | 'payment_failed' | 'checkout_expired' | 'invalid_entitlement' | 'anchor_unavailable' | 'unknown';

export interface EntitlementSummary {
  tier: Tier;
  status: LicenseStatus;
  licenseId: string;
  planId: string;
  /** The provider's transaction id a buyer quotes to support. */
  transactionId: string | null;
  /** ISO times. */
  paidThrough: string | null;
  issuedAt: string;
  expiresAt: string;
  /** Where the subscription stands; null for a one-time (lifetime) purchase, or no purchase at all. */
  subscription: SubscriptionStanding | null;
  /** What the server last said about this license beyond the signed claims; null when only the token is known
   *  (a pasted token, an older server), until the next refresh brings it. */
  details: LicenseDetails | null;
  /** The license left this computer: released here (its transfer code not used yet), or moved to another. */
  unbound: UnboundReason | null;
  /** Why access changed, as the server signed it (support revoked or cancelled it, the money went back, it moved). */
  why: AccessChange | null;
}

/** The purchase as the customer quotes it to support. Never any payer data. */
export interface LicenseDetails {
  planName: string;
  billing: PlanBilling | null;
  /** What was paid, as the provider took it ("49.00"), and the currency. */
  amount: string | null;
  currency: string | null;
  /** ISO time of the purchase. */
  purchasedAt: string | null;
  /** The provider's subscription id (PayPal's I-…, Paystack's SUB_…), for a subscription. */
  subscriptionId: string | null;
  /** The provider that bills this license (an id; AppState.catalog names it); null when the server did not say. */
  provider: string | null;
}

/** A subscription as the License panel explains it, read from the signed entitlement (so it shows offline
 *  too). ISO times. Each standing carries exactly the dates it is shown with. */
export type SubscriptionStanding =
  /** Active: the provider charges for the next period on `renewsOn` (the paid-through date). */
  | { kind: 'renewing'; renewsOn: string }
  /** The last renewal payment failed: Enterprise continues until `enterpriseUntil` while the provider retries. */
  | { kind: 'past_due'; paidThrough: string; enterpriseUntil: string }
  /** Cancelled: Enterprise until `accessEndsOn`, Free after. */
  | { kind: 'canceled'; accessEndsOn: string }
  /** A payment is disputed at the provider: access is kept while the dispute runs. */
  | { kind: 'disputed'; paidThrough: string }
  /** Suspended, expired, refunded, reversed, revoked or out of grace: it grants nothing now. */
  | { kind: 'ended' };

/** "Manage subscription → Cancel subscription" as main runs it. The confirmation before it is the
 *  renderer's own: nothing reaches main until the person has confirmed. */
export type SubscriptionManagement =
  | { step: 'idle' }
  | { step: 'cancelling' }
  /** The provider cancelled the subscription of license `licenseId`; Enterprise lasts until `endsAt` (ISO).
   *  `recorded`: the server has applied the provider's notice, so the license shows it; else the next refresh will. */
  | { step: 'done'; licenseId: string; endsAt: string; recorded: boolean }
  | { step: 'failed'; reason: CancelFailure; message: string; retryable: boolean };

export type CancelFailure = 'offline' | 'server_error' | 'not_a_subscription' | 'refused' | 'invalid_entitlement';

export interface LicenseSnapshot {
  tier: Tier;
  /** The verified entitlement in force, or null (none, or rejected: see `reason`). */
  entitlement: EntitlementSummary | null;
  /** Why the app is on Free, in words ("No license on this machine", "Token signature is not valid", …). */
  reason: string | null;
  /** This machine's anchor — `short` to compare by eye, `code` for support to transfer a license to — or why no
   *  anchor could be made. */
  anchor: { short: string; code: string } | { error: string };
  /** Where the token is kept: the OS keychain, or a file when no keychain answers (shown to the user). */
  storage: 'keychain' | 'file';
  /** Whether the license server answered the last call; null until the first one has ended. */
  online: boolean | null;
  /** ISO time of the last refresh the server answered (kept across restarts). */
  lastRefreshAt: string | null;
  /** The last attempt that failed since then: when, and why in words. */
  lastRefreshFailure: { at: string; message: string } | null;
  /** The stored license cannot be trusted offline (the clock is behind the last check, or the check's record
   *  is missing): an online refresh is needed before Enterprise is trusted again. `reason` says why. */
  needsOnlineCheck: boolean;
  /** This computer released its license: the code that moves it to another computer, until it expires. */
  transfer: TransferCode | null;
}

export interface AppState {
  license: LicenseSnapshot;
  flow: FlowState;
  manage: SubscriptionManagement;
  /** The plans and providers, once the server has answered GET /v1/plans. */
  catalog: PlanCatalog | null;
  /** Providers whose payment-method page this app may open ("Update your payment method"); for the others the
   *  app says where the buyer changes it instead. */
  paymentPages: string[];
}
