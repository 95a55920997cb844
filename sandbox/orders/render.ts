// Records → PayPal's JSON: orders (Orders v2), captures and refunds (Payments v2), with the payer PII and
// HATEOAS links exactly where PayPal puts them.
import { payerName, shippingDetail } from '../buyer';
import type { SandboxContext } from '../context';
import type { Buyer, Capture, Order, PurchaseUnit, Refund } from '../model';
import { fromMinor, minorOf, paypalFee } from '../money';
import { pacificTime } from '../paypal-time';
import type { Merchant } from './deps';

type Json = Record<string, unknown>;

export interface Renderer {
  order(order: Order, view: 'minimal' | 'full'): Json;
  /** The body of POST .../capture: the order with its captures (PayPal's "minimal" still carries them). */
  capturedOrder(order: Order, view: 'minimal' | 'full'): Json;
  /** A capture as GET /v2/payments/captures/{id} (`api`) or a PAYMENT.CAPTURE.* event (`event`) shows it. */
  capture(capture: Capture, where: 'api' | 'event'): Json;
  refund(refund: Refund, view: 'minimal' | 'full'): Json;
}

export function createRenderer(ctx: SandboxContext, merchant: Merchant): Renderer {
  const link = (path: string, rel: string, method = 'GET') => ({ href: `${ctx.baseUrl}${path}`, rel, method });
  const payee = () => ({ email_address: merchant.email, merchant_id: merchant.merchantId });

  function orderLinks(order: Order): Json[] {
    const self = link(`/v2/checkout/orders/${order.id}`, 'self');
    const approve = link(`/checkoutnow?token=${order.id}`, order.contextStyle === 'experience_context' ? 'payer-action' : 'approve');
    const capture = link(`/v2/checkout/orders/${order.id}/capture`, 'capture', 'POST');
    switch (order.status) {
      case 'PAYER_ACTION_REQUIRED':
        return [self, approve];
      case 'CREATED':
        return [self, approve, capture];
      case 'APPROVED':
        return [self, capture];
      default:
        return [self];
    }
  }

  function paymentSource(order: Order): Json | undefined {
    if (order.buyer) {
      const { buyer } = order;
      return {
        paypal: {
          email_address: buyer.email,
          account_id: buyer.payerId,
          account_status: 'VERIFIED',
          name: payerName(buyer),
          address: { country_code: buyer.address.countryCode },
        },
      };
    }
    return order.contextStyle === 'experience_context' ? { paypal: {} } : undefined;
  }

  /** Inside an order a capture needs no pointer to it; on its own it names its order by the `up` link and,
   *  in the `related-ids-and-up` shape, supplementary_data. Only the API's capture carries the payee (as
   *  Payments v2's capture-2 schema has it; PayPal's capture events do not). */
  function captureBody(capture: Capture, where: 'order' | 'api' | 'event'): Json {
    const fee = paypalFee(capture.amount);
    return {
      id: capture.id,
      status: capture.status,
      ...(capture.status === 'PENDING' && capture.pendingReason ? { status_details: { reason: capture.pendingReason } } : {}),
      amount: capture.amount,
      final_capture: true,
      seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
      ...receivable(capture, fee),
      ...(capture.invoiceId !== undefined ? { invoice_id: capture.invoiceId } : {}),
      ...(capture.customId !== undefined ? { custom_id: capture.customId } : {}),
      ...(where !== 'order' && ctx.shapes.captureOrder === 'related-ids-and-up'
        ? { supplementary_data: { related_ids: { order_id: capture.orderId } } }
        : {}),
      ...(where === 'api' ? { payee: payee() } : {}),
      create_time: capture.createTime,
      update_time: capture.updateTime,
      // PayPal offers the refund link whatever the status (its pending and declined captures carry it too).
      links: [
        link(`/v2/payments/captures/${capture.id}`, 'self'),
        link(`/v2/payments/captures/${capture.id}/refund`, 'refund', 'POST'),
        link(`/v2/checkout/orders/${capture.orderId}`, 'up'),
      ],
    };
  }

  /** What the merchant receives: nothing yet while PENDING; the gross as net and no fee when DECLINED. */
  function receivable(capture: Capture, fee: Capture['amount']): Json {
    if (capture.status === 'PENDING' || capture.status === 'FAILED') return {};
    if (capture.status === 'DECLINED') {
      return { seller_receivable_breakdown: { gross_amount: capture.amount, net_amount: capture.amount } };
    }
    return {
      seller_receivable_breakdown: {
        gross_amount: capture.amount,
        paypal_fee: fee,
        net_amount: fromMinor(minorOf(capture.amount) - minorOf(fee), capture.amount.currency_code),
      },
    };
  }

  function captures(order: Order, unitIndex: number): Json | undefined {
    const captureId = order.captureIds[unitIndex];
    const capture = captureId === undefined ? undefined : ctx.state.captures.get(captureId);
    return capture ? { captures: [captureBody(capture, 'order')] } : undefined;
  }

  function purchaseUnit(order: Order, unit: PurchaseUnit, index: number): Json {
    const payments = captures(order, index);
    return {
      reference_id: unit.reference_id,
      amount: unit.amount,
      payee: payee(),
      ...(unit.description !== undefined ? { description: unit.description } : {}),
      ...(unit.custom_id !== undefined ? { custom_id: unit.custom_id } : {}),
      ...(unit.invoice_id !== undefined ? { invoice_id: unit.invoice_id } : {}),
      ...(payments ? { soft_descriptor: softDescriptor(merchant) } : {}),
      ...(order.buyer ? { shipping: shippingDetail(order.buyer) } : {}),
      ...(payments ? { payments } : {}),
    };
  }

  const payer = (buyer: Buyer): Json => ({
    name: payerName(buyer),
    email_address: buyer.email,
    payer_id: buyer.payerId,
    address: { country_code: buyer.address.countryCode },
  });

  function order(order: Order, view: 'minimal' | 'full'): Json {
    const source = paymentSource(order);
    if (view === 'minimal') {
      return { id: order.id, status: order.status, ...(source ? { payment_source: source } : {}), links: orderLinks(order) };
    }
    return {
      id: order.id,
      intent: order.intent,
      status: order.status,
      ...(source ? { payment_source: source } : {}),
      purchase_units: order.purchaseUnits.map((unit, i) => purchaseUnit(order, unit, i)),
      ...(order.buyer ? { payer: payer(order.buyer) } : {}),
      create_time: order.createTime,
      // Approved orders show no update_time (PayPal's CHECKOUT.ORDER.APPROVED resource); captured ones do.
      ...(order.status === 'COMPLETED' ? { update_time: order.updateTime } : {}),
      links: orderLinks(order),
    };
  }

  function capturedOrder(captured: Order, view: 'minimal' | 'full'): Json {
    if (view === 'full') return order(captured, 'full');
    return {
      id: captured.id,
      status: captured.status,
      payment_source: paymentSource(captured),
      purchase_units: captured.purchaseUnits.map((unit, i) => ({
        reference_id: unit.reference_id,
        ...(captured.buyer ? { shipping: shippingDetail(captured.buyer) } : {}),
        payments: captures(captured, i),
      })),
      ...(captured.buyer ? { payer: payer(captured.buyer) } : {}),
      links: orderLinks(captured),
    };
  }

  function refund(refund: Refund, view: 'minimal' | 'full'): Json {
    const links = [link(`/v2/payments/refunds/${refund.id}`, 'self'), link(`/v2/payments/captures/${refund.captureId}`, 'up')];
    if (view === 'minimal') return { id: refund.id, status: refund.status, links };
    const capture = ctx.state.captures.get(refund.captureId);
    // The running total as of this refund, as PayPal reports it on each refund.
    const refundIds = capture?.refundIds ?? [];
    const refundedMinor = refundIds
      .slice(0, refundIds.indexOf(refund.id) + 1)
      .map((id) => ctx.state.refunds.get(id))
      .reduce((sum, r) => sum + (r ? minorOf(r.amount) : 0), 0);
    const zero = fromMinor(0, refund.amount.currency_code);
    return {
      id: refund.id,
      amount: refund.amount,
      ...(refund.invoiceId !== undefined ? { invoice_id: refund.invoiceId } : {}),
      ...(capture?.customId !== undefined ? { custom_id: capture.customId } : {}),
      ...(refund.noteToPayer !== undefined ? { note_to_payer: refund.noteToPayer } : {}),
      seller_payable_breakdown: {
        gross_amount: refund.amount,
        // PayPal keeps its fees on refunds, so the merchant pays back the gross amount.
        paypal_fee: zero,
        net_amount: refund.amount,
        total_refunded_amount: fromMinor(refundedMinor, refund.amount.currency_code),
      },
      status: refund.status,
      // Payments v2 writes a refund's times in PayPal's Pacific time with the offset.
      create_time: pacificTime(refund.createTime),
      update_time: pacificTime(refund.createTime),
      links,
    };
  }

  return { order, capturedOrder, capture: captureBody, refund };
}

/** What the buyer's statement shows, as PayPal sets it on a paid purchase unit: "PAYPAL *" and the merchant's
 *  name, at most 22 characters in all. */
function softDescriptor(merchant: Merchant): string {
  return `PAYPAL *${merchant.name.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`.slice(0, 22);
}
