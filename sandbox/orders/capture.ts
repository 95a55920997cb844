// Capturing an approved order, and the later fate of a pending capture.
import { ids } from '../ids';
import type { Capture, CaptureStatus, Order } from '../model';
import type { OrdersDeps } from './deps';
import { publishCapture, type CaptureEventType } from './events';
import { lookUp, unprocessable } from './order-errors';

export interface CaptureReply {
  statusCode: 200 | 201;
  body: unknown;
}

const EVENT_FOR_STATUS: Partial<Record<CaptureStatus, CaptureEventType>> = {
  COMPLETED: 'PAYMENT.CAPTURE.COMPLETED',
  PENDING: 'PAYMENT.CAPTURE.PENDING',
  DECLINED: 'PAYMENT.CAPTURE.DECLINED',
};

/** POST /v2/checkout/orders/{id}/capture. A repeat carrying the same PayPal-Request-Id gets the first answer. */
export function captureOrder(
  deps: OrdersDeps,
  orderId: string,
  requestId: string | undefined,
  view: 'minimal' | 'full',
): CaptureReply {
  const order = lookUp(deps.ctx.state.orders, 'order_id', orderId);
  const replay = requestId === undefined ? undefined : order.captureReplies.get(requestId);
  if (replay !== undefined) return { statusCode: 200, body: replay };
  if (order.status === 'COMPLETED') throw unprocessable('ORDER_ALREADY_CAPTURED');
  if (order.status !== 'APPROVED') throw unprocessable('ORDER_NOT_APPROVED');

  const captures = createCaptures(deps, order);
  order.status = 'COMPLETED';
  order.updateTime = deps.ctx.isoNow();
  for (const capture of captures) {
    const eventType = EVENT_FOR_STATUS[capture.status];
    if (eventType) publishCapture(deps, capture, eventType);
  }
  const body = deps.render.capturedOrder(order, view);
  if (requestId !== undefined) order.captureReplies.set(requestId, body);
  return { statusCode: 201, body };
}

function createCaptures({ ctx, memory }: OrdersDeps, order: Order): Capture[] {
  const next = memory.takeNextCapture();
  const now = ctx.isoNow();
  return order.purchaseUnits.map((unit) => {
    const capture: Capture = {
      id: ids.resource(),
      orderId: order.id,
      status: next.outcome,
      amount: unit.amount,
      customId: unit.custom_id,
      invoiceId: unit.invoice_id,
      createTime: now,
      updateTime: now,
      refundIds: [],
    };
    if (next.outcome === 'PENDING') memory.pendingReasons.set(capture.id, next.pendingReason);
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
  deps.memory.pendingReasons.delete(capture.id);
  publishCapture(deps, capture, outcome === 'COMPLETED' ? 'PAYMENT.CAPTURE.COMPLETED' : 'PAYMENT.CAPTURE.DENIED');
  return capture;
}
