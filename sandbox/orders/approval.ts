// The buyer approving an order on the hosted page: PayPal attaches the buyer and tells the merchant.
import type { Order } from '../model';
import type { OrdersDeps } from './deps';
import { publishOrderApproved } from './events';
import { lookUp, unprocessable } from './order-errors';

export function awaitsApproval(order: Order): boolean {
  return order.status === 'CREATED' || order.status === 'PAYER_ACTION_REQUIRED';
}

export function approveOrder(deps: OrdersDeps, orderId: string): Order {
  const order = lookUp(deps.ctx.state.orders, 'order_id', orderId);
  if (order.status === 'APPROVED') throw unprocessable('ORDER_ALREADY_APPROVED');
  if (!awaitsApproval(order)) throw unprocessable('ORDER_ALREADY_CAPTURED');
  order.buyer = deps.ctx.options.buyer;
  order.status = 'APPROVED';
  order.updateTime = deps.ctx.isoNow();
  publishOrderApproved(deps, order);
  return order;
}
