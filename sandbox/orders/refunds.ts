// Money going back to the buyer: a merchant refund (PAYMENT.CAPTURE.REFUNDED) or a reversal PayPal makes
// itself after a chargeback (PAYMENT.CAPTURE.REVERSED). Both are refund resources pointing `up` to the capture.
import { ids } from '../ids';
import type { Capture, Money, Refund } from '../model';
import type { OrdersDeps } from './deps';
import { publishRefund } from './events';
import { fromMinor, minorOf } from '../money';
import { lookUp, unprocessable } from './order-errors';

/** Payments v2 refuses refunds with its own 422s. */
const refused = (issue: string, field?: string, value?: string) => unprocessable(issue, field, value, 'payments');

export interface RefundRequest {
  /** Absent: whatever of the capture is not yet refunded. */
  amount?: Money;
  invoiceId?: string;
  noteToPayer?: string;
}

export function refundCapture(deps: OrdersDeps, captureId: string, request: RefundRequest): Refund {
  const capture = lookUp(deps.ctx.state.captures, 'capture_id', captureId);
  if (hasReversal(deps, capture)) throw refused('REFUND_NOT_PERMITTED_DUE_TO_CHARGEBACK');
  const remaining = refundableMinor(deps, capture);
  const amount = request.amount ?? fromMinor(remaining, capture.amount.currency_code);
  if (amount.currency_code !== capture.amount.currency_code) {
    throw refused('REFUND_CAPTURE_CURRENCY_MISMATCH', '/amount/currency_code', amount.currency_code);
  }
  if (minorOf(amount) > remaining) throw refused('REFUND_AMOUNT_EXCEEDED', '/amount/value', amount.value);
  const refund = record(deps, capture, amount, 'refund', { invoiceId: request.invoiceId, noteToPayer: request.noteToPayer });
  publishRefund(deps, refund);
  return refund;
}

/** A chargeback: PayPal takes back all that is not yet refunded; the capture then shows REFUNDED. */
export function reverseCapture(deps: OrdersDeps, captureId: string): Refund {
  const capture = lookUp(deps.ctx.state.captures, 'capture_id', captureId);
  const remaining = refundableMinor(deps, capture);
  const reversal = record(deps, capture, fromMinor(remaining, capture.amount.currency_code), 'reversal', {
    noteToPayer: 'Payment reversed',
  });
  publishRefund(deps, reversal);
  return reversal;
}

/** What of the capture can still go back, or PayPal's reason why nothing can. */
function refundableMinor(deps: OrdersDeps, capture: Capture): number {
  if (capture.status === 'PENDING') throw refused('PENDING_CAPTURE');
  if (capture.status === 'REFUNDED') throw refused('CAPTURE_FULLY_REFUNDED');
  if (capture.status !== 'COMPLETED' && capture.status !== 'PARTIALLY_REFUNDED') {
    throw refused('REFUND_NOT_ALLOWED');
  }
  return unrefundedMinor(deps, capture);
}

function unrefundedMinor({ ctx }: OrdersDeps, capture: Capture): number {
  const refunded = capture.refundIds
    .map((id) => ctx.state.refunds.get(id))
    .reduce((sum, refund) => sum + (refund ? minorOf(refund.amount) : 0), 0);
  return minorOf(capture.amount) - refunded;
}

function hasReversal({ ctx }: OrdersDeps, capture: Capture): boolean {
  return capture.refundIds.some((id) => ctx.state.refunds.get(id)?.kind === 'reversal');
}

function record(
  deps: OrdersDeps, capture: Capture, amount: Money, kind: Refund['kind'], notes: Pick<Refund, 'invoiceId' | 'noteToPayer'>,
): Refund {
  const { ctx } = deps;
  const refund: Refund = {
    id: ctx.newId('refund', ids.resource), captureId: capture.id, amount, kind, status: 'COMPLETED', ...notes, createTime: ctx.isoNow(),
  };
  ctx.state.refunds.set(refund.id, refund);
  capture.refundIds.push(refund.id);
  capture.status = kind === 'reversal' || unrefundedMinor(deps, capture) === 0 ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  capture.updateTime = refund.createTime;
  return refund;
}
