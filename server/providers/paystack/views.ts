// Paystack's API answers narrowed to what the server judges: ids, statuses, amounts, times and the links between
// resources. The customer's id is kept only to match a renewal to its subscription in memory; it is never stored
// (no column takes it) or logged. Nothing else of an answer — e-mail, names, card details — is read at all.
import { asObject, FORMATS, get, numericId, text, time, whole } from './json';

export interface TransactionView {
  id: string;
  reference: string;
  /** success, failed, abandoned, ongoing, pending, processing, queued, reversed … */
  status: string;
  /** In the currency's subunit, as Paystack counts it. */
  amount: number;
  currency: string;
  paidAt: number | null;
  createdAt: number | null;
  /** The plan the transaction paid for (a subscription's payments), or null. */
  planCode: string | null;
  /** metadata.checkout_id: the checkout id we put there at initialize. */
  checkoutId: string | null;
  /** Paystack's customer id: to match a payment to a subscription, in memory only. */
  customerId: string | null;
}

export interface SubscriptionView {
  code: string;
  /** active, non-renewing, attention, completed, cancelled */
  status: string;
  planCode: string | null;
  /** Per period, in the currency's subunit. */
  amount: number | null;
  nextPaymentDate: number | null;
  createdAt: number | null;
  customerId: string | null;
  /** Needed to disable the subscription: used for that call only, never stored. */
  emailToken: string | null;
  /** The latest invoice's code, naming a failed payment attempt. */
  latestInvoiceCode: string | null;
}

export interface RefundView {
  id: string;
  /** pending, processing, processed, failed, needs-attention */
  status: string;
  amount: number;
  currency: string;
  transactionId: string | null;
  createdAt: number | null;
}

export interface DisputeView {
  id: string;
  /** awaiting-merchant-feedback, awaiting-bank-feedback, pending, resolved, archived … */
  status: string;
  /** merchant-accepted (the customer gets the money) or declined (the merchant keeps it); null while open. */
  resolution: string | null;
  transactionReference: string | null;
  createdAt: number | null;
  resolvedAt: number | null;
}

const status = (value: unknown) => text(value, /^[a-z][a-z_-]{0,39}$/);

export function parseTransaction(data: unknown): TransactionView | undefined {
  const id = numericId(get(data, 'id'));
  const reference = text(get(data, 'reference'), FORMATS.reference);
  const state = status(get(data, 'status'));
  const amount = whole(get(data, 'amount'));
  const currency = text(get(data, 'currency'), FORMATS.currency);
  if (!id || !reference || !state || amount === undefined || !currency) return undefined;
  const plan = get(data, 'plan');
  const planCode = text(plan, FORMATS.planCode) ?? text(get(plan, 'plan_code'), FORMATS.planCode) ?? text(get(data, 'plan_object', 'plan_code'), FORMATS.planCode) ?? null;
  // metadata comes back as an object, or as the JSON string it was sent as.
  let metadata = get(data, 'metadata');
  if (typeof metadata === 'string') {
    try { metadata = JSON.parse(metadata); } catch { metadata = undefined; }
  }
  return {
    id, reference, status: state, amount, currency,
    paidAt: time(get(data, 'paid_at')) ?? time(get(data, 'paidAt')) ?? null,
    createdAt: time(get(data, 'created_at')) ?? time(get(data, 'createdAt')) ?? null,
    planCode,
    checkoutId: text(get(asObject(metadata), 'checkout_id'), /^chk_[A-Za-z0-9_-]{16}$/) ?? null,
    customerId: numericId(get(data, 'customer', 'id')) ?? null,
  };
}

export function parseSubscription(data: unknown): SubscriptionView | undefined {
  const code = text(get(data, 'subscription_code'), FORMATS.subscriptionCode);
  const state = status(get(data, 'status'));
  if (!code || !state) return undefined;
  const customer = get(data, 'customer');
  return {
    code, status: state,
    planCode: text(get(data, 'plan', 'plan_code'), FORMATS.planCode) ?? null,
    amount: whole(get(data, 'amount')) ?? null,
    nextPaymentDate: time(get(data, 'next_payment_date')) ?? null,
    createdAt: time(get(data, 'createdAt')) ?? time(get(data, 'created_at')) ?? null,
    customerId: numericId(get(customer, 'id')) ?? numericId(customer) ?? null,
    emailToken: text(get(data, 'email_token'), FORMATS.token) ?? null,
    latestInvoiceCode: text(get(data, 'most_recent_invoice', 'invoice_code'), FORMATS.invoiceCode) ?? null,
  };
}

export function parseRefund(data: unknown): RefundView | undefined {
  const id = numericId(get(data, 'id'));
  const state = status(get(data, 'status'));
  const amount = whole(get(data, 'amount'));
  const currency = text(get(data, 'currency'), FORMATS.currency);
  if (!id || !state || amount === undefined || !currency) return undefined;
  const transaction = get(data, 'transaction');
  return {
    id, status: state, amount, currency,
    transactionId: numericId(get(transaction, 'id')) ?? numericId(transaction) ?? null,
    createdAt: time(get(data, 'createdAt')) ?? time(get(data, 'created_at')) ?? null,
  };
}

export function parseDispute(data: unknown): DisputeView | undefined {
  const id = numericId(get(data, 'id'));
  const state = status(get(data, 'status'));
  if (!id || !state) return undefined;
  return {
    id, status: state,
    resolution: status(get(data, 'resolution')) ?? null,
    transactionReference: text(get(data, 'transaction', 'reference'), FORMATS.reference) ?? null,
    createdAt: time(get(data, 'createdAt')) ?? time(get(data, 'created_at')) ?? null,
    resolvedAt: time(get(data, 'resolvedAt')) ?? time(get(data, 'resolved_at')) ?? null,
  };
}

export interface PlanView {
  code: string;
  /** hourly, daily, weekly, monthly, quarterly, biannually, annually */
  interval: string;
  amount: number;
  currency: string;
}

export function parsePlan(data: unknown): PlanView | undefined {
  const code = text(get(data, 'plan_code'), FORMATS.planCode);
  const interval = status(get(data, 'interval'));
  const amount = whole(get(data, 'amount'));
  const currency = text(get(data, 'currency'), FORMATS.currency);
  return code && interval && amount !== undefined && currency ? { code, interval, amount, currency } : undefined;
}
