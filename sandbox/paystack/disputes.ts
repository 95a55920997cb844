// Disputes (chargebacks): opened only through the control API, as a card network would (charge.dispute.create),
// reminded of (charge.dispute.remind), resolved in the merchant's favour (`declined`) or the customer's (`merchant-accepted`, the transaction is
// reversed) with charge.dispute.resolve.
import { nowIso, type PaystackDeps } from './deps';
import { paystackErrors } from './errors';
import type { DisputeResolution, PaystackDispute } from './model';
import { refundableTransaction } from './refunds';

const DAY_MS = 86_400_000;
export const DISPUTE_RESOLUTIONS: readonly DisputeResolution[] = ['merchant-accepted', 'declined'];
export const DISPUTE_CATEGORIES: readonly PaystackDispute['category'][] = ['chargeback', 'fraud'];

export function openDispute(
  deps: PaystackDeps,
  transaction: unknown,
  options: { refundAmount?: number; category?: PaystackDispute['category'] } = {},
): PaystackDispute {
  const tx = refundableTransaction(deps, transaction);
  if (tx.status !== 'success' && tx.status !== 'reversed') throw paystackErrors.invalid('Only a successful transaction can be disputed');
  const refundAmount = options.refundAmount ?? tx.amount;
  if (!Number.isInteger(refundAmount) || refundAmount <= 0 || refundAmount > tx.amount) {
    throw paystackErrors.invalid('refund_amount must be a positive integer no greater than the transaction amount');
  }
  const now = nowIso(deps);
  const dispute: PaystackDispute = {
    id: deps.state.ids.dispute.take(),
    transactionReference: tx.reference,
    refundAmount,
    currency: tx.currency,
    status: 'awaiting-merchant-feedback',
    resolution: null,
    category: options.category ?? 'chargeback',
    message: 'Customer complained about debit without value',
    dueAt: new Date(deps.clock.now() + DAY_MS).toISOString(),
    resolvedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  deps.state.disputes.set(dispute.id, dispute);
  deps.webhooks.publish('charge.dispute.create', deps.render.dispute(dispute));
  return dispute;
}

/** Paystack reminds the merchant of an open dispute nearing its due date: charge.dispute.remind. */
export function remindDispute(deps: PaystackDeps, id: number): PaystackDispute {
  const dispute = deps.state.disputes.get(id);
  if (!dispute) throw paystackErrors.notFound('Dispute not found');
  if (dispute.status === 'resolved') throw paystackErrors.invalid('Dispute has already been resolved');
  deps.webhooks.publish('charge.dispute.remind', deps.render.dispute(dispute));
  return dispute;
}

export function resolveDispute(deps: PaystackDeps, id: number, resolution: DisputeResolution): PaystackDispute {
  const dispute = deps.state.disputes.get(id);
  if (!dispute) throw paystackErrors.notFound('Dispute not found');
  if (dispute.status === 'resolved') throw paystackErrors.invalid('Dispute has already been resolved');
  dispute.status = 'resolved';
  dispute.resolution = resolution;
  dispute.resolvedAt = nowIso(deps);
  dispute.updatedAt = dispute.resolvedAt;
  if (resolution === 'merchant-accepted') {
    const tx = deps.state.transactions.get(dispute.transactionReference);
    if (tx) {
      tx.refundedAmount = Math.min(tx.amount, tx.refundedAmount + dispute.refundAmount);
      if (tx.refundedAmount >= tx.amount) tx.status = 'reversed';
    }
  }
  deps.webhooks.publish('charge.dispute.resolve', deps.render.dispute(dispute));
  return dispute;
}
