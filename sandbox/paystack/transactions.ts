// Transactions: POST /transaction/initialize validation, and the buyer paying (or failing to pay) on the hosted
// page, which is when Paystack charges the card, sends charge.success and, for a plan, starts the subscription.
import { nowIso, type PaystackDeps } from './deps';
import { paystackErrors } from './errors';
import { paystackIds } from './ids';
import type { PaystackCustomer, PaystackTransaction } from './model';
import { startSubscription } from './subscriptions';

const REFERENCE_PATTERN = /^[A-Za-z0-9.=-]+$/;
/** Paystack's documented ceiling for one charge, 10,000,000 in the major unit. */
const MAX_AMOUNT = 10_000_000 * 100;
const SUPPORTED_CURRENCIES = ['NGN', 'GHS', 'ZAR', 'KES', 'USD', 'XOF', 'EGP'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function initializeTransaction(deps: PaystackDeps, body: Record<string, unknown>): PaystackTransaction {
  const { state } = deps;
  const email = body.email;
  if (email === undefined || email === null || email === '') throw paystackErrors.missing('Email Address is required');
  if (typeof email !== 'string' || !EMAIL.test(email)) throw paystackErrors.invalid('Invalid Email Address Passed');

  let planCode: string | undefined;
  if (body.plan !== undefined && body.plan !== null && body.plan !== '') {
    const plan = typeof body.plan === 'string' ? state.plan(body.plan) : undefined;
    if (!plan) throw paystackErrors.invalid('Plan not found', 'Ensure that you are passing the code of a plan on this integration');
    planCode = plan.code;
  }
  const plan = planCode ? state.plans.get(planCode) : undefined;

  // With a plan, the plan's amount and currency apply ("This would invalidate the value provided in amount").
  const amount = plan ? plan.amount : parseAmount(body.amount);
  const currency = plan ? plan.currency : parseCurrency(body.currency, deps.options.defaultCurrency);

  let reference: string;
  if (body.reference === undefined || body.reference === null || body.reference === '') {
    do reference = paystackIds.reference();
    while (state.transactions.has(reference));
  } else {
    if (typeof body.reference !== 'string' || !REFERENCE_PATTERN.test(body.reference)) {
      throw paystackErrors.invalid('Invalid transaction reference. Only -, ., = and alphanumeric characters allowed');
    }
    reference = body.reference;
    if (state.transactions.has(reference)) throw paystackErrors.duplicateReference();
  }

  let callbackUrl: string | undefined;
  if (body.callback_url !== undefined && body.callback_url !== null && body.callback_url !== '') {
    if (typeof body.callback_url !== 'string' || !isHttpUrl(body.callback_url)) throw paystackErrors.invalid('Invalid callback_url');
    callbackUrl = body.callback_url;
  }

  const metadata = parseMetadata(body.metadata);
  const customer = customerFor(deps, email.toLowerCase());
  const tx: PaystackTransaction = {
    id: state.ids.transaction.take(),
    reference,
    accessCode: paystackIds.accessCode(),
    status: 'abandoned',
    amount,
    currency,
    customerId: customer.id,
    callbackUrl: callbackUrl ?? deps.options.callbackUrl,
    metadata,
    planCode,
    subscriptionCode: undefined,
    authorization: undefined,
    gatewayResponse: 'The transaction was not completed',
    createdAt: nowIso(deps),
    paidAt: null,
    refundedAmount: 0,
  };
  state.transactions.set(reference, tx);
  state.transactionsByAccessCode.set(tx.accessCode, reference);
  return tx;
}

/** The checkout page's URL for a transaction (Paystack's is https://checkout.paystack.com/{access_code}). */
export function authorizationUrl(deps: PaystackDeps, tx: PaystackTransaction): string {
  return `${deps.baseUrl()}/checkout/${tx.accessCode}`;
}

export function awaitsPayment(tx: PaystackTransaction): boolean {
  return tx.status === 'abandoned' || tx.status === 'failed';
}

/**
 * The buyer pays on the hosted page: the card is charged as the next-charge control says. Success sends
 * charge.success and, with a plan, starts the subscription (subscription.create); a decline leaves the
 * transaction `failed` (Paystack sends no webhook for it) and the buyer may try again.
 */
export function payTransaction(deps: PaystackDeps, tx: PaystackTransaction): PaystackTransaction {
  if (!awaitsPayment(tx)) throw paystackErrors.invalid('Transaction has already been completed');
  const outcome = deps.controls.nextCharge;
  deps.controls.nextCharge = 'success';
  if (outcome === 'failed') {
    tx.status = 'failed';
    tx.gatewayResponse = 'Declined';
    return tx;
  }
  tx.status = 'success';
  tx.gatewayResponse = 'Successful';
  tx.paidAt = nowIso(deps);
  tx.authorization = { authorizationCode: paystackIds.authorization(), signature: paystackIds.signature() };
  deps.webhooks.publish('charge.success', deps.render.transaction(tx, 'fetch'));
  if (tx.planCode) startSubscription(deps, tx);
  return tx;
}

/** A charge the sandbox makes itself (a renewal): a new transaction on the subscription's card. */
export function chargeAuthorization(
  deps: PaystackDeps,
  input: Pick<PaystackTransaction, 'amount' | 'currency' | 'customerId' | 'planCode' | 'authorization' | 'subscriptionCode'>,
  outcome: 'success' | 'failed',
): PaystackTransaction {
  let reference: string;
  do reference = paystackIds.reference();
  while (deps.state.transactions.has(reference));
  const now = nowIso(deps);
  const tx: PaystackTransaction = {
    ...input,
    id: deps.state.ids.transaction.take(),
    reference,
    accessCode: paystackIds.accessCode(),
    status: outcome,
    callbackUrl: undefined,
    metadata: '',
    gatewayResponse: outcome === 'success' ? 'Approved' : 'Insufficient Funds',
    createdAt: now,
    paidAt: outcome === 'success' ? now : null,
    refundedAmount: 0,
  };
  deps.state.transactions.set(reference, tx);
  if (outcome === 'success') deps.webhooks.publish('charge.success', deps.render.transaction(tx, 'fetch'));
  return tx;
}

export function customerFor(deps: PaystackDeps, email: string): PaystackCustomer {
  const known = deps.state.customersByEmail.get(email);
  const existing = known === undefined ? undefined : deps.state.customers.get(known);
  if (existing) return existing;
  const customer: PaystackCustomer = { id: deps.state.ids.customer.take(), code: paystackIds.customer(), email, createdAt: nowIso(deps) };
  deps.state.customers.set(customer.id, customer);
  deps.state.customersByEmail.set(email, customer.id);
  return customer;
}

function parseAmount(value: unknown): number {
  if (value === undefined || value === null || value === '') throw paystackErrors.missing('Amount is required');
  // Paystack takes the amount as a number or a numeric string ("500000" in its own examples).
  const amount = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) throw paystackErrors.invalid('Invalid Amount Sent');
  if (amount > MAX_AMOUNT) throw paystackErrors.invalid('Amount cannot be more than 10,000,000');
  return amount;
}

function parseCurrency(value: unknown, fallback: string): string {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string' || !SUPPORTED_CURRENCIES.includes(value)) throw paystackErrors.invalid('Currency not supported by merchant');
  return value;
}

/** Paystack takes metadata as an object or a JSON string, and echoes "" when none was sent. */
function parseMetadata(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      if (parsed !== null && typeof parsed === 'object') return parsed;
    } catch {
      // falls through to the error below
    }
    throw paystackErrors.invalid('Invalid metadata. Metadata should be a valid JSON object');
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw paystackErrors.invalid('Invalid metadata. Metadata should be a valid JSON object');
  return value;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
