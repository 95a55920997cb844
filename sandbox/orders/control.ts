// The orders module's control operations (the /__sandbox/ routes call the same functions): what a buyer,
// PayPal's risk team or a card network would do to a payment, on demand.
import type { PendingReason } from '../model';
import { approveOrder } from './approval';
import { captureOrder, settlePendingCapture } from './capture';
import { parseAmount } from './create-order';
import type { OrdersDeps } from './deps';
import { openDispute, renderDispute, resolveDispute, type DisputeOutcome, type DisputeReason } from './disputes';
import type { CaptureOutcome } from './next-capture';
import { lookUp } from './order-errors';
import { refundCapture, reverseCapture } from './refunds';

type Json = Record<string, unknown>;

export interface OrdersControl {
  /** What clicking Pay on the hosted page does: the order becomes APPROVED (CHECKOUT.ORDER.APPROVED). */
  approveOrder(orderId: string): Json;
  /** Captures an APPROVED order as POST /v2/checkout/orders/{id}/capture would, without the merchant's server:
   *  the order COMPLETED with its capture (PAYMENT.CAPTURE.*). Answers the full order. */
  captureOrder(orderId: string): Json;
  /** The outcome of the next order capture, once; PENDING carries a status_details.reason. */
  setNextCaptureOutcome(outcome: CaptureOutcome, pendingReason?: PendingReason): void;
  /** A PENDING capture clears: COMPLETED, PAYMENT.CAPTURE.COMPLETED. */
  completePendingCapture(captureId: string): Json;
  /** A PENDING capture is denied: DECLINED, PAYMENT.CAPTURE.DENIED. */
  denyPendingCapture(captureId: string): Json;
  /** A merchant refund, as POST /v2/payments/captures/{id}/refund; `amount` in the capture's currency. */
  refundCapture(captureId: string, amount?: string): Json;
  /** A chargeback: PAYMENT.CAPTURE.REVERSED with a refund resource; the capture shows REFUNDED. */
  reverseCapture(captureId: string): Json;
  /** The buyer opens a dispute on a capture id or a v1 sale id (CUSTOMER.DISPUTE.CREATED). */
  openDispute(transactionId: string, reason?: DisputeReason): Json;
  /** CUSTOMER.DISPUTE.RESOLVED with dispute_outcome.outcome_code. */
  resolveDispute(disputeId: string, outcome: DisputeOutcome): Json;
}

export function createOrdersControl(deps: OrdersDeps): OrdersControl {
  const { ctx, nextCapture, render } = deps;
  return {
    approveOrder: (orderId) => render.order(approveOrder(deps, orderId), 'full'),
    captureOrder: (orderId) => captureOrder(deps, lookUp(ctx.state.orders, 'order_id', orderId), 'full'),
    setNextCaptureOutcome: (outcome, pendingReason = 'PENDING_REVIEW') => nextCapture.set({ outcome, pendingReason }),
    completePendingCapture: (captureId) => render.capture(settlePendingCapture(deps, captureId, 'COMPLETED'), 'api'),
    denyPendingCapture: (captureId) => render.capture(settlePendingCapture(deps, captureId, 'DENIED'), 'api'),
    refundCapture: (captureId, amount) => {
      const capture = lookUp(ctx.state.captures, 'capture_id', captureId);
      const money =
        amount === undefined ? undefined : parseAmount({ currency_code: capture.amount.currency_code, value: amount }, '/amount', 'payments');
      return render.refund(refundCapture(deps, captureId, { amount: money }), 'full');
    },
    reverseCapture: (captureId) => render.refund(reverseCapture(deps, captureId), 'full'),
    openDispute: (transactionId, reason = 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED') =>
      renderDispute(deps, openDispute(deps, transactionId, reason)),
    resolveDispute: (disputeId, outcome) => renderDispute(deps, resolveDispute(deps, disputeId, outcome)),
  };
}
