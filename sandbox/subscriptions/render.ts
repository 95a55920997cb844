// Records → PayPal's JSON: catalog products and billing plans (v1), subscriptions (v1, resource version 2.0),
// and the legacy v1 sales and refunds that subscription payments produce.
import { payerName, shippingDetail } from '../buyer';
import type { SandboxContext } from '../context';
import type { Buyer, Money, Plan, Product, Sale, SaleRefund, Subscription } from '../model';
import { billingValue, fromMinor, negated, paypalFee } from '../money';
import type { ResourceShapes } from '../shapes';
import { addIntervals } from './time';
import type { Json } from './validate';

type Method = 'GET' | 'POST' | 'PATCH';
const link = (href: string, rel: string, method: Method) => ({ href, rel, method });

export function renderProduct(ctx: SandboxContext, product: Product): Json {
  const self = `${ctx.baseUrl}/v1/catalogs/products/${product.id}`;
  return {
    id: product.id,
    name: product.name,
    ...(product.description ? { description: product.description } : {}),
    type: product.type,
    create_time: product.createTime,
    update_time: product.createTime,
    links: [link(self, 'self', 'GET'), link(self, 'edit', 'PATCH')],
  };
}

/** Lists show products without their type, as PayPal's list does. */
export function renderProductSummary(ctx: SandboxContext, product: Product): Json {
  return {
    id: product.id,
    name: product.name,
    ...(product.description ? { description: product.description } : {}),
    create_time: product.createTime,
    links: [link(`${ctx.baseUrl}/v1/catalogs/products/${product.id}`, 'self', 'GET')],
  };
}

/** `full` is PayPal's `Prefer: return=representation`; without it lists and creates answer minimally. */
export function renderPlan(ctx: SandboxContext, plan: Plan, full: boolean): Json {
  const self = `${ctx.baseUrl}/v1/billing/plans/${plan.id}`;
  const summary = {
    id: plan.id,
    product_id: plan.productId,
    name: plan.name,
    status: plan.status,
    ...(plan.description ? { description: plan.description } : {}),
    usage_type: 'LICENSED',
    create_time: plan.createTime,
  };
  const links = [
    link(self, 'self', 'GET'),
    link(self, 'edit', 'PATCH'),
    plan.status === 'ACTIVE'
      ? link(`${self}/deactivate`, 'deactivate', 'POST')
      : link(`${self}/activate`, 'activate', 'POST'),
  ];
  if (!full) return { ...summary, links };
  return {
    ...summary,
    billing_cycles: [
      {
        frequency: { interval_unit: plan.interval.unit, interval_count: plan.interval.count },
        tenure_type: 'REGULAR',
        sequence: 1,
        total_cycles: plan.totalCycles,
        pricing_scheme: {
          version: 1,
          fixed_price: plan.price,
          create_time: plan.createTime,
          update_time: plan.createTime,
        },
      },
    ],
    payment_preferences: {
      service_type: 'PREPAID',
      auto_bill_outstanding: true,
      setup_fee: { currency_code: plan.price.currency_code, value: '0' },
      setup_fee_failure_action: 'CONTINUE',
      payment_failure_threshold: plan.paymentFailureThreshold,
    },
    quantity_supported: false,
    update_time: plan.updateTime,
    links,
  };
}

export function approveUrl(ctx: SandboxContext, subscription: Subscription): string {
  return `${ctx.baseUrl}/webapps/billing/subscriptions?ba_token=${subscription.billingToken}`;
}

/** Where a subscription is shown: the API (GET, create), or the resource of a BILLING.SUBSCRIPTION.* event,
 *  whose links carry `encType` as PayPal's subscription events do (the failed-payment event's one `self` link
 *  asks for last_failed_payment). */
export type SubscriptionView = 'api' | 'event' | 'payment-failed-event';

export function renderSubscription(ctx: SandboxContext, subscription: Subscription, view: SubscriptionView = 'api'): Json {
  const plan = ctx.state.plans.get(subscription.planId);
  const activated = !['APPROVAL_PENDING', 'APPROVED'].includes(subscription.status);
  return {
    id: subscription.id,
    status: subscription.status,
    ...(subscription.statusChangeNote ? { status_change_note: subscription.statusChangeNote } : {}),
    status_update_time: subscription.statusUpdateTime,
    plan_id: subscription.planId,
    start_time: subscription.startTime,
    quantity: '1',
    shipping_amount: billingValue(fromMinor(0, plan?.price.currency_code ?? 'USD')),
    ...(subscription.customId !== undefined ? { custom_id: subscription.customId } : {}),
    ...(subscription.buyer ? { subscriber: renderSubscriber(subscription.buyer) } : {}),
    ...(activated && plan ? { billing_info: renderBillingInfo(subscription, plan) } : {}),
    create_time: subscription.createTime,
    update_time: subscription.updateTime,
    plan_overridden: false,
    links: subscriptionLinks(ctx, subscription, view),
  };
}

function renderSubscriber(buyer: Buyer): Json {
  return {
    email_address: buyer.email,
    payer_id: buyer.payerId,
    name: payerName(buyer),
    shipping_address: shippingDetail(buyer),
  };
}

/** billing_info as PayPal's billing engine writes it: amounts with trailing zeros dropped ("100.0"), no
 *  next_billing_time once nothing will be billed again (after a cancel, a suspension or the last cycle). */
function renderBillingInfo(subscription: Subscription, plan: Plan): Json {
  const { totalCycles } = plan;
  const cyclesLeft = totalCycles === 0 ? 0 : Math.max(0, totalCycles - subscription.cyclesCompleted);
  const billsAgain = subscription.status === 'ACTIVE' && (totalCycles === 0 || cyclesLeft > 0);
  const next = billsAgain ? subscription.nextBillingTime : undefined;
  return {
    outstanding_balance: billingValue(fromMinor(subscription.outstandingMinor, plan.price.currency_code)),
    cycle_executions: [
      {
        tenure_type: 'REGULAR',
        sequence: 1,
        cycles_completed: subscription.cyclesCompleted,
        cycles_remaining: cyclesLeft,
        current_pricing_scheme_version: 1,
        total_cycles: totalCycles,
      },
    ],
    ...(subscription.lastPayment
      ? { last_payment: { amount: billingValue(subscription.lastPayment.amount), time: subscription.lastPayment.time } }
      : {}),
    ...(subscription.lastFailedPayment
      ? {
          last_failed_payment: {
            amount: billingValue(subscription.lastFailedPayment.amount),
            time: subscription.lastFailedPayment.time,
            reason_code: 'PAYMENT_DENIED',
          },
        }
      : {}),
    ...(next !== undefined ? { next_billing_time: next } : {}),
    ...(next !== undefined && totalCycles > 0
      ? { final_payment_time: addIntervals(subscription.startTime, plan.interval, subscription.cyclesBilled + cyclesLeft - 1) }
      : {}),
    failed_payments_count: subscription.failedPaymentsCount,
  };
}

function subscriptionLinks(ctx: SandboxContext, subscription: Subscription, view: SubscriptionView): Json[] {
  const self = `${ctx.baseUrl}/v1/billing/subscriptions/${subscription.id}`;
  if (view === 'payment-failed-event') return [link(`${self}?fields=last_failed_payment`, 'self', 'GET')];
  const selfLink = link(self, 'self', 'GET');
  const edit = link(self, 'edit', 'PATCH');
  const cancel = link(`${self}/cancel`, 'cancel', 'POST');
  const activate = link(`${self}/activate`, 'activate', 'POST');
  const capture = link(`${self}/capture`, 'capture', 'POST');
  const links = ((): Json[] => {
    switch (subscription.status) {
      case 'APPROVAL_PENDING':
        return [link(approveUrl(ctx, subscription), 'approve', 'GET'), edit, selfLink];
      case 'APPROVED':
        return [activate, edit, selfLink];
      case 'ACTIVE':
        return [cancel, edit, selfLink, link(`${self}/suspend`, 'suspend', 'POST'), capture];
      case 'SUSPENDED':
        return [cancel, activate, edit, selfLink, capture];
      case 'CANCELLED':
      case 'EXPIRED':
        return [selfLink];
    }
  })();
  return view === 'event' ? links.map((l) => ({ ...l, encType: 'application/json' })) : links;
}

export function renderSale(ctx: SandboxContext, sale: Sale): Json {
  const self = `${ctx.baseUrl}/v1/payments/sale/${sale.id}`;
  const currency = sale.amount.currency_code;
  const customId = ctx.state.subscriptions.get(sale.subscriptionId)?.customId;
  const refundable = sale.state === 'completed' || sale.state === 'partially_refunded';
  return {
    id: sale.id,
    state: sale.state,
    amount: { total: sale.amount.value, currency, details: { subtotal: sale.amount.value } },
    payment_mode: 'INSTANT_TRANSFER',
    protection_eligibility: 'ELIGIBLE',
    protection_eligibility_type: 'ITEM_NOT_RECEIVED_ELIGIBLE,UNAUTHORIZED_PAYMENT_ELIGIBLE',
    transaction_fee: { value: paypalFee(sale.amount).value, currency },
    billing_agreement_id: sale.subscriptionId,
    // PayPal hands a subscription's custom_id back on its sales as `custom`.
    ...(customId !== undefined ? { custom: customId } : {}),
    invoice_number: '',
    create_time: sale.createTime,
    update_time: sale.updateTime,
    links: [link(self, 'self', 'GET'), ...(refundable ? [link(`${self}/refund`, 'refund', 'POST')] : [])],
  };
}

/** A v1 refund as the API shows it (POST /v1/payments/sale/{id}/refund, GET /v1/payments/refund/{id}): the
 *  amount refunded, positive, and the sale it came from in `sale_id` and a `sale` link. */
export function renderSaleRefund(ctx: SandboxContext, refund: SaleRefund): Json {
  return {
    id: refund.id,
    create_time: refund.createTime,
    update_time: refund.createTime,
    state: 'completed',
    amount: { total: refund.amount.value, currency: refund.amount.currency_code },
    sale_id: refund.saleId,
    parent_payment: refund.parentPayment,
    links: [
      link(`${ctx.baseUrl}/v1/payments/refund/${refund.id}`, 'self', 'GET'),
      link(`${ctx.baseUrl}/v1/payments/payment/${refund.parentPayment}`, 'parent_payment', 'GET'),
      link(`${ctx.baseUrl}/v1/payments/sale/${refund.saleId}`, 'sale', 'GET'),
    ],
  };
}

/** The resource of PAYMENT.SALE.REFUNDED: the v1 refund with its total negative ("-0.01"). */
export function refundedSaleResource(ctx: SandboxContext, refund: SaleRefund): Json {
  const body = renderSaleRefund(ctx, refund);
  return { ...body, amount: v1Amount(negated(refund.amount)) };
}

/** The resource of PAYMENT.SALE.REVERSED in the shape chosen: the documented one names the sale as its id and
 *  links only to the refund; the simulator's is the refund alone. Neither carries sale_id. */
export function reversedSaleResource(ctx: SandboxContext, refund: SaleRefund, shape: ResourceShapes['saleReversal']): Json {
  const amount = { ...v1Amount(negated(refund.amount)), details: { subtotal: negated(refund.amount).value } };
  const self = link(`${ctx.baseUrl}/v1/payments/refund/${refund.id}`, 'self', 'GET');
  if (shape === 'resource-is-sale') {
    return { amount, id: refund.saleId, state: 'completed', create_time: refund.createTime, links: [self] };
  }
  return { id: refund.id, create_time: refund.createTime, state: 'completed', amount, links: [self] };
}

function v1Amount(money: Money): { total: string; currency: string } {
  return { total: money.value, currency: money.currency_code };
}
