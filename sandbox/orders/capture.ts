// Capturing an approved order, and the later fate of a pending capture.
import { ids } from '../ids';
import type { Capture, CaptureStatus, Order } from '../model';
import type { OrdersDeps } from './deps';
import { publishCapture, type CaptureEventType } from './events';
import { lookUp, unprocessable } from './order-errors';

const EVENT_FOR_STATUS: Partial<Record<CaptureStatus, CaptureEventType>> = {
  COMPLETED: 'PAYMENT.CAPTURE.COMPLETED',
  PENDING: 'PAYMENT.CAPTURE.PENDING',
  DECLINED: 'PAYMENT.CAPTURE.DECLINED',
};

/** POST /v2/checkout/orders/{id}/capture: the order with its captures, as the capture call answers. */
export function captureOrder(deps: OrdersDeps, order: Order, view: 'minimal' | 'full'): Record<string, unknown> {
  if (order.status === 'COMPLETED') throw unprocessable('ORDER_ALREADY_CAPTURED');
  if (order.status !== 'APPROVED') throw unprocessable('ORDER_NOT_APPROVED');

  const captures = createCaptures(deps, order);
  order.status = 'COMPLETED';
  order.updateTime = deps.ctx.isoNow();
  for (const capture of captures) {
    const eventType = EVENT_FOR_STATUS[capture.status];
    if (eventType) publishCapture(deps, capture, eventType);
  }
  return deps.render.capturedOrder(order, view);
}

function createCaptures({ ctx, nextCapture }: OrdersDeps, order: Order): Capture[] {
  const next = nextCapture.take();
  const now = ctx.isoNow();
  return order.purchaseUnits.map((unit) => {
    const capture: Capture = {
      id: ctx.newId('capture', ids.resource),
      orderId: order.id,
      status: next.outcome,
      ...(next.outcome === 'PENDING' ? { pendingReason: next.pendingReason } : {}),
      amount: unit.amount,
      customId: unit.custom_id,
      invoiceId: unit.invoice_id,
      createTime: now,
      updateTime: now,
      refundIds: [],
    };
    ctx.state.captures.set(capture.id, capture);
    order.captureIds.push(capture.id);
    return capture;
  });
}

/** A pending capture clears (PAYMENT.CAPTURE.COMPLETED) or is denied (PAYMENT.CAPTURE.DENIED, status DECLINED). */
export function settlePendingCapture(deps: OrdersDeps, captureId: string, outcome: 'COMPLETED' | 'DENIED'): Capture {
  const capture = lookUp(deps.ctx.state.captures, 'capture_id', captureId);
  if (capture.status !== 'PENDING') throw unprocessable('CAPTURE_NOT_PENDING');
  capture.status = outcome === 'COMPLETED' ? 'COMPLETED' : 'DECLINED';
  capture.updateTime = deps.ctx.isoNow();
  delete capture.pendingReason;
  publishCapture(deps, capture, outcome === 'COMPLETED' ? 'PAYMENT.CAPTURE.COMPLETED' : 'PAYMENT.CAPTURE.DENIED');
  return capture;
}
