// What PayPal keeps about plans, subscriptions and sales beyond the shared records in SandboxState:
// plan terms, per-subscription billing details, v1 refunds and idempotency keys. Owned by this module only.
import { ids } from '../ids';
import type { Money } from '../model';

export type RenewalOutcome = 'succeed' | 'fail';

export interface PlanTerms {
  description?: string;
  /** 0 bills until cancelled; otherwise the subscription expires after this many paid cycles. */
  totalCycles: number;
  updateTime: string;
}

export interface SubscriptionTerms {
  brandName?: string;
  /** SUBSCRIBE_NOW activates on approval; CONTINUE leaves it APPROVED until the merchant activates it. */
  userAction: 'SUBSCRIBE_NOW' | 'CONTINUE';
  /** The checkout token PayPal appends to the return URL beside ba_token. */
  checkoutToken: string;
  /** Cycles billed so far, paid or declined; next_billing_time is start_time plus this many intervals. */
  cyclesBilled: number;
  /** Failed cycles not yet paid; collected with the next successful payment (auto_bill_outstanding). */
  outstandingMinor: number;
  lastFailedPayment?: { amount: Money; time: string };
  /** How due renewals end until changed through the control API. */
  renewalOutcome: RenewalOutcome;
}

/** A v1 refund of a sale; a reversal is the same record paid back through a chargeback. */
export interface SaleRefund {
  id: string;
  saleId: string;
  kind: 'refund' | 'reversal';
  amount: Money;
  parentPayment: string;
  createTime: string;
}

export class SubscriptionsBook {
  readonly planTerms = new Map<string, PlanTerms>();
  readonly terms = new Map<string, SubscriptionTerms>();
  readonly saleRefunds = new Map<string, SaleRefund>();
  readonly parentPayments = new Map<string, string>();
  /** `${operation}:${PayPal-Request-Id}` → id of what that request created, so a retry creates nothing. */
  readonly replies = new Map<string, string>();
}

/** Every subscription this module creates gets terms at creation, so a miss is a sandbox bug, not a 404. */
export function termsOf(book: SubscriptionsBook, subscriptionId: string): SubscriptionTerms {
  const terms = book.terms.get(subscriptionId);
  if (terms === undefined) throw new Error(`subscription ${subscriptionId} has no billing terms`);
  return terms;
}

export function planTermsOf(book: SubscriptionsBook, planId: string): PlanTerms {
  const terms = book.planTerms.get(planId);
  if (terms === undefined) throw new Error(`plan ${planId} has no terms`);
  return terms;
}

/** The v1 payment a sale's refunds name as parent_payment ("PAYID-" and 24 characters), made once per sale. */
export function parentPaymentOf(book: SubscriptionsBook, saleId: string): string {
  let id = book.parentPayments.get(saleId);
  if (id === undefined) {
    id = `PAYID-${ids.resource()}${ids.resource().slice(0, 7)}`;
    book.parentPayments.set(saleId, id);
  }
  return id;
}
