import type { PlanBilling, Tier } from './plans';

/** Billing status of a license (DESIGN.md "Billing state"). */
export type LicenseStatus =
  | 'pending'
  | 'active'
  | 'past_due'
  | 'canceled'
  | 'expired'
  | 'failed'
  | 'refunded'
  | 'reversed'
  | 'disputed'
  | 'suspended'
  | 'revoked';

/** The license as the app and support see it. */
export interface LicenseView {
  id: string;
  planId: string;
  status: LicenseStatus;
  tier: Tier;
  /** The provider's transaction id the buyer can quote to support (capture id or latest sale id). */
  transactionId: string | null;
  subscriptionId: string | null;
  /** ISO time the current period is paid through (subscriptions). */
  paidThrough: string | null;
  /** ISO time access ends for a canceled subscription. */
  accessEndsAt: string | null;
  /** The plan as it was sold, for the customer's own records and for support: its name and billing. */
  planName?: string;
  billing?: PlanBilling | null;
  /** What was paid (decimal string in the currency's major unit) and in which currency. */
  amount?: string | null;
  currency?: string | null;
  /** ISO time the license was bought. */
  purchasedAt?: string;
}
