// The webhook events this module publishes, with PayPal's resource types, versions and summaries.
import type { SandboxContext } from '../context';
import type { Sale, SaleRefund, Subscription } from '../model';
import { summaryMoney } from '../money';
import { refundedSaleResource, renderSale, renderSubscription, reversedSaleResource } from './render';

export type SubscriptionEventType =
  | 'BILLING.SUBSCRIPTION.CREATED'
  | 'BILLING.SUBSCRIPTION.ACTIVATED'
  | 'BILLING.SUBSCRIPTION.CANCELLED'
  | 'BILLING.SUBSCRIPTION.SUSPENDED'
  | 'BILLING.SUBSCRIPTION.EXPIRED'
  | 'BILLING.SUBSCRIPTION.PAYMENT.FAILED';

const SUBSCRIPTION_SUMMARIES: Record<SubscriptionEventType, string> = {
  'BILLING.SUBSCRIPTION.CREATED': 'Subscription created',
  'BILLING.SUBSCRIPTION.ACTIVATED': 'Subscription activated',
  'BILLING.SUBSCRIPTION.CANCELLED': 'Subscription cancelled',
  'BILLING.SUBSCRIPTION.SUSPENDED': 'Subscription suspended',
  'BILLING.SUBSCRIPTION.EXPIRED': 'Subscription expired',
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED': 'Subscription payment failed',
};

export function publishSubscription(
  ctx: SandboxContext, subscription: Subscription, eventType: SubscriptionEventType,
): void {
  const failed = eventType === 'BILLING.SUBSCRIPTION.PAYMENT.FAILED';
  ctx.publish({
    eventType,
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: SUBSCRIPTION_SUMMARIES[eventType],
    resource: renderSubscription(ctx, subscription, failed ? 'payment-failed-event' : 'event'),
    // The failed-payment event links the subscription itself beside self and resend.
    ...(failed
      ? { moreLinks: [{ href: `${ctx.baseUrl}/v1/billing/subscriptions/${subscription.id}`, rel: 'subscription', method: 'GET' }] }
      : {}),
  });
}

/** v1 sale events carry no resource_version. */
export function publishSaleCompleted(ctx: SandboxContext, sale: Sale): void {
  ctx.publish({
    eventType: 'PAYMENT.SALE.COMPLETED',
    resourceType: 'sale',
    eventVersion: '1.0',
    summary: `Payment completed for ${summaryMoney(sale.amount)}`,
    resource: renderSale(ctx, sale),
  });
}

/** PAYMENT.SALE.REFUNDED / REVERSED: resource_type "sale" although the resource is the refund (or, in the
 *  documented reversal, names the sale), with negative totals. */
export function publishSaleRefund(ctx: SandboxContext, refund: SaleRefund): void {
  if (refund.kind === 'reversal') {
    ctx.publish({
      eventType: 'PAYMENT.SALE.REVERSED',
      resourceType: 'sale',
      eventVersion: '1.0',
      summary: `A ${summaryMoney(refund.amount)} sale payment was reversed`,
      resource: reversedSaleResource(ctx, refund, ctx.shapes.saleReversal),
    });
    return;
  }
  ctx.publish({
    eventType: 'PAYMENT.SALE.REFUNDED',
    resourceType: 'sale',
    eventVersion: '1.0',
    summary: `A ${summaryMoney(refund.amount, false)} sale payment was refunded`,
    resource: refundedSaleResource(ctx, refund),
  });
}

/** CATALOG.PRODUCT.CREATED and BILLING.PLAN.* carry the resource as the API returns it. */
export function publishCatalog(
  ctx: SandboxContext, eventType: string, resourceType: 'product' | 'plan', summary: string, resource: Record<string, unknown>,
): void {
  ctx.publish({ eventType, resourceType, resourceVersion: '2.0', summary, resource });
}
