// The hosted checkout page an order's approve / payer-action link opens (GET /checkoutnow?token={orderId}).
// Pay approves the order and returns the buyer to the merchant's return_url; Cancel goes to its cancel_url.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { formatMoney, renderApprovalPage } from '../hosted-page';
import type { Order } from '../model';
import { approveOrder, awaitsApproval } from './approval';
import type { OrdersDeps } from './deps';
import { fromMinor, minorOf } from '../money';
import { sendHtml, sendNotice, withQuery } from '../page-replies';

interface PageRequest {
  Querystring: { token?: string };
  Body: { action?: string } | undefined;
}

export function registerCheckoutPage(app: FastifyInstance, deps: OrdersDeps): void {
  const { state } = deps.ctx;

  app.get<PageRequest>('/checkoutnow', async (req, reply) => {
    const order = state.orders.get(req.query.token ?? '');
    if (!order) return sendNotice(reply, 404, 'Checkout not found', 'This checkout link is not valid or has expired.');
    if (!awaitsApproval(order)) return sendAlreadyDone(reply, order);
    return sendHtml(reply, 200, approvalPage(deps, order));
  });

  app.post<PageRequest>('/checkoutnow', async (req, reply) => {
    const order = state.orders.get(req.query.token ?? '');
    if (!order) return sendNotice(reply, 404, 'Checkout not found', 'This checkout link is not valid or has expired.');
    if (!awaitsApproval(order)) return sendAlreadyDone(reply, order);
    const action = req.body?.action;
    if (action === 'pay') {
      const approved = approveOrder(deps, order.id);
      if (!approved.returnUrl) return sendNotice(reply, 200, 'Payment approved', 'You can close this window now.');
      return reply.redirect(withQuery(approved.returnUrl, { token: order.id, PayerID: deps.ctx.options.buyer.payerId }), 302);
    }
    if (action === 'cancel') {
      if (!order.cancelUrl) return sendNotice(reply, 200, 'Payment cancelled', 'You can close this window now.');
      return reply.redirect(withQuery(order.cancelUrl, { token: order.id }), 302);
    }
    return sendNotice(reply, 400, 'Unknown choice', 'Choose Pay or Cancel.');
  });
}

function approvalPage({ ctx }: OrdersDeps, order: Order): string {
  const currency = order.purchaseUnits[0]?.amount.currency_code ?? 'USD';
  const total = fromMinor(order.purchaseUnits.reduce((sum, unit) => sum + minorOf(unit.amount), 0), currency);
  const descriptions = order.purchaseUnits.map((unit) => unit.description).filter((d) => d !== undefined);
  return renderApprovalPage({
    title: 'PayPal Checkout',
    merchant: order.brandName ?? ctx.options.merchantName,
    item: descriptions.length ? descriptions.join(', ') : `Order ${order.id}`,
    price: formatMoney(total.value, currency),
    buyerEmail: ctx.options.buyer.email,
    formAction: `/checkoutnow?token=${encodeURIComponent(order.id)}`,
  });
}

function sendAlreadyDone(reply: FastifyReply, order: Order): FastifyReply {
  return order.status === 'APPROVED'
    ? sendNotice(reply, 200, 'Already approved', 'You have already approved this payment. You can close this window now.')
    : sendNotice(reply, 200, 'Already paid', 'This order has already been paid. You can close this window now.');
}
