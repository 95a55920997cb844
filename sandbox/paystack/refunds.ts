// Refunds: POST /refund queues one (refund.pending); Paystack processes it later (refund.processed, or
// refund.failed). The sandbox processes at once unless refunds are held (control API), so tests can see both.
import { nowIso, type PaystackDeps } from './deps';
import { paystackErrors } from './errors';
import type { PaystackRefund, PaystackTransaction } from './model';

const DAY_MS = 86_400_000;
const MAX_NOTE_LENGTH = 500;

export interface RefundRequest {
  transaction: unknown;
  amount?: unknown;
  currency?: unknown;
  customer_note?: unknown;
  merchant_note?: unknown;
}

/** The transaction a refund names: its reference or its numeric id, as Paystack takes either. */
export function refundableTransaction(deps: PaystackDeps, value: unknown): PaystackTransaction {
  if (value === undefined || value === null || value === '') throw paystackErrors.missing('Transaction reference or id is required');
  const text = String(value);
  const tx = deps.state.transactions.get(text) ?? (/^\d+$/.test(text) ? deps.state.transactionById(Number(text)) : undefined);
  if (!tx) throw paystackErrors.notFound('Transaction not found');
  return tx;
}

export function createRefund(deps: PaystackDeps, request: RefundRequest): PaystackRefund {
  const tx = refundableTransaction(deps, request.transaction);
  if (tx.status === 'reversed') throw paystackErrors.invalid('Transaction has been fully reversed');
  if (tx.status !== 'success') throw paystackErrors.invalid('Cannot refund a transaction that was not successful');
  const remaining = tx.amount - tx.refundedAmount;
  const amount = request.amount === undefined || request.amount === null ? remaining : Number(request.amount);
  if (!Number.isInteger(amount) || amount <= 0) throw paystackErrors.invalid('Invalid Amount Sent');
  if (amount > remaining) throw paystackErrors.invalid('Refund amount cannot be greater than the transaction amount');
  if (request.currency !== undefined && request.currency !== tx.currency) {
    throw paystackErrors.invalid('Refund currency must match the transaction currency');
  }
  const now = nowIso(deps);
  const refund: PaystackRefund = {
    id: deps.state.ids.refund.take(),
    transactionReference: tx.reference,
    amount,
    currency: tx.currency,
    status: 'pending',
    customerNote: note(request.customer_note) ?? `Refund for transaction ${tx.reference}`,
    merchantNote: note(request.merchant_note) ?? `Refund for transaction ${tx.reference}`,
    createdAt: now,
    updatedAt: now,
    refundedAt: null,
    expectedAt: new Date(deps.clock.now() + 9 * DAY_MS).toISOString(),
  };
  deps.state.refunds.set(refund.id, refund);
  tx.refundedAmount += amount;
  if (tx.refundedAmount >= tx.amount) tx.status = 'reversed';
  deps.webhooks.publish('refund.pending', deps.render.refundEvent(refund));
  return refund;
}

/** Paystack finishes a pending refund: processed (money back to the card) or failed (the amount is restored
 *  to the transaction, which is no longer reversed). */
export function settleRefund(deps: PaystackDeps, refund: PaystackRefund, outcome: 'processed' | 'failed'): PaystackRefund {
  if (refund.status !== 'pending' && refund.status !== 'processing') {
    throw paystackErrors.invalid(`Refund is already ${refund.status}`);
  }
  refund.status = outcome;
  refund.updatedAt = nowIso(deps);
  if (outcome === 'processed') refund.refundedAt = refund.updatedAt;
  else {
    const tx = deps.state.transactions.get(refund.transactionReference);
    if (tx) {
      tx.refundedAmount -= refund.amount;
      if (tx.status === 'reversed' && tx.refundedAmount < tx.amount) tx.status = 'success';
    }
  }
  deps.webhooks.publish(`refund.${outcome}`, deps.render.refundEvent(refund));
  return refund;
}

function note(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > MAX_NOTE_LENGTH) throw paystackErrors.invalid('Invalid refund note');
  return value;
}
