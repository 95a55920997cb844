// The webhook events the orders module publishes, with PayPal's resource types and summaries.
import type { Capture, Order, Refund } from '../model';
import type { OrdersDeps } from './deps';
import { summaryMoney } from '../money';

export type CaptureEventType =
  | 'PAYMENT.CAPTURE.COMPLETED'
  | 'PAYMENT.CAPTURE.PENDING'
  | 'PAYMENT.CAPTURE.DECLINED'
  | 'PAYMENT.CAPTURE.DENIED';

const CAPTURE_SUMMARIES: Record<CaptureEventType, (amount: string) => string> = {
  'PAYMENT.CAPTURE.COMPLETED': (amount) => `Payment completed for ${amount}`,
  'PAYMENT.CAPTURE.PENDING': (amount) => `Payment pending for ${amount}`,
  'PAYMENT.CAPTURE.DECLINED': (amount) => `A payment capture for ${amount} was declined`,
  'PAYMENT.CAPTURE.DENIED': (amount) => `Payment denied for ${amount}`,
};

export function publishOrderApproved({ ctx, render }: OrdersDeps, order: Order): void {
  ctx.publish({
    eventType: 'CHECKOUT.ORDER.APPROVED',
    resourceType: 'checkout-order',
    resourceVersion: '2.0',
    summary: 'An order has been approved by buyer',
    resource: render.order(order, 'full'),
  });
}

export function publishCapture({ ctx, render }: OrdersDeps, capture: Capture, eventType: CaptureEventType): void {
  ctx.publish({
    eventType,
    resourceType: 'capture',
    resourceVersion: '2.0',
    summary: CAPTURE_SUMMARIES[eventType](summaryMoney(capture.amount)),
    resource: render.capture(capture, 'event'),
  });
}

export function publishRefund({ ctx, render }: OrdersDeps, refund: Refund): void {
  const reversed = refund.kind === 'reversal';
  ctx.publish({
    eventType: reversed ? 'PAYMENT.CAPTURE.REVERSED' : 'PAYMENT.CAPTURE.REFUNDED',
    resourceType: 'refund',
    resourceVersion: '2.0',
    summary: `A ${summaryMoney(refund.amount)} capture payment was ${reversed ? 'reversed' : 'refunded'}`,
    resource: render.refund(refund, 'full'),
  });
}
