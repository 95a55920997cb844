// The webhook events this module publishes, with PayPal's resource types, versions and summaries.
import type { SandboxContext } from '../context';
import { formatMoney } from '../hosted-page';
import type { Sale, SaleRefund, Subscription } from '../model';
import { renderSale, renderSaleRefund, renderSubscription } from './render';

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
  ctx.publish({
    eventType,
    resourceType: 'subscription',
    resourceVersion: '2.0',
    summary: SUBSCRIPTION_SUMMARIES[eventType],
    resource: renderSubscription(ctx, subscription),
  });
}

/** v1 sale events carry no resource_version. */
export function publishSaleCompleted(ctx: SandboxContext, sale: Sale): void {
  ctx.publish({
    eventType: 'PAYMENT.SALE.COMPLETED',
    resourceType: 'sale',
    eventVersion: '1.0',
    summary: `Payment completed for ${formatMoney(sale.amount.value, sale.amount.currency_code)}`,
    resource: renderSale(ctx, sale),
  });
}

export function publishSaleRefund(ctx: SandboxContext, refund: SaleRefund): void {
  const amount = formatMoney(refund.amount.value, refund.amount.currency_code);
  const reversed = refund.kind === 'reversal';
  ctx.publish({
    eventType: reversed ? 'PAYMENT.SALE.REVERSED' : 'PAYMENT.SALE.REFUNDED',
    resourceType: 'refund',
    eventVersion: '1.0',
    summary: `A ${amount} sale payment was ${reversed ? 'reversed' : 'refunded'}`,
    resource: renderSaleRefund(ctx, refund),
  });
}

/** CATALOG.PRODUCT.CREATED and BILLING.PLAN.* carry the resource as the API returns it. */
export function publishCatalog(
  ctx: SandboxContext, eventType: string, resourceType: 'product' | 'plan', summary: string, resource: Record<string, unknown>,
): void {
  ctx.publish({ eventType, resourceType, resourceVersion: '2.0', summary, resource });
}
