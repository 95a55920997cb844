// The event types a listener can subscribe to, with PayPal's descriptions. PayPal rejects names outside its
// catalog, which catches a misspelt subscription that would otherwise never receive anything.

export const ALL_EVENTS = '*';

export const EVENT_TYPES: Readonly<Record<string, string>> = {
  'CHECKOUT.ORDER.APPROVED': 'An order has been approved by buyer.',
  'CHECKOUT.ORDER.COMPLETED': 'An order has been completed.',
  'CHECKOUT.ORDER.VOIDED': 'An order has been voided.',
  'CHECKOUT.PAYMENT-APPROVAL.REVERSED': 'PayPal reverses a payment capture.',
  'PAYMENT.AUTHORIZATION.CREATED': 'A payment authorization is created, approved, executed, or a future payment authorization is created.',
  'PAYMENT.AUTHORIZATION.VOIDED': 'A payment authorization is voided.',
  'PAYMENT.CAPTURE.COMPLETED': 'A payment capture completes.',
  'PAYMENT.CAPTURE.PENDING': 'The state of a payment capture changes to pending.',
  'PAYMENT.CAPTURE.DENIED': 'A payment capture is denied.',
  'PAYMENT.CAPTURE.DECLINED': 'A payment capture is declined.',
  'PAYMENT.CAPTURE.REFUNDED': 'A merchant refunds a payment capture.',
  'PAYMENT.CAPTURE.REVERSED': 'PayPal reverses a payment capture.',
  'PAYMENTS.PAYMENT.CREATED': 'Checkout payment is created and approved by buyer.',
  'PAYMENT.SALE.COMPLETED': 'A payment is made on a subscription.',
  'PAYMENT.SALE.PENDING': 'The state of a sale changes to pending.',
  'PAYMENT.SALE.DENIED': 'The state of a sale changes from pending to denied.',
  'PAYMENT.SALE.REFUNDED': 'A merchant refunds a sale.',
  'PAYMENT.SALE.REVERSED': 'A payment is reversed on a subscription.',
  'CATALOG.PRODUCT.CREATED': 'A product is created.',
  'CATALOG.PRODUCT.UPDATED': 'A product is updated.',
  'BILLING.PLAN.CREATED': 'A billing plan is created.',
  'BILLING.PLAN.UPDATED': 'A billing plan is updated.',
  'BILLING.PLAN.ACTIVATED': 'A billing plan is activated.',
  'BILLING.PLAN.DEACTIVATED': 'A billing plan is deactivated.',
  'BILLING.SUBSCRIPTION.CREATED': 'A subscription is created.',
  'BILLING.SUBSCRIPTION.ACTIVATED': 'A subscription is activated.',
  'BILLING.SUBSCRIPTION.UPDATED': 'A subscription is updated.',
  'BILLING.SUBSCRIPTION.EXPIRED': 'A subscription expires.',
  'BILLING.SUBSCRIPTION.CANCELLED': 'A subscription is cancelled.',
  'BILLING.SUBSCRIPTION.SUSPENDED': 'A subscription is suspended.',
  'BILLING.SUBSCRIPTION.RE-ACTIVATED': 'A subscription is re-activated.',
  'BILLING.SUBSCRIPTION.PAYMENT.FAILED': 'Payment failed on subscription.',
  'CUSTOMER.DISPUTE.CREATED': 'A dispute is created.',
  'CUSTOMER.DISPUTE.UPDATED': 'A dispute is updated.',
  'CUSTOMER.DISPUTE.RESOLVED': 'A dispute is resolved.',
};

export function isKnownEventType(name: string): boolean {
  return name === ALL_EVENTS || Object.hasOwn(EVENT_TYPES, name);
}

export function eventTypeView(name: string): { name: string; description: string; status: 'ENABLED' } {
  return { name, description: name === ALL_EVENTS ? 'ALL' : (EVENT_TYPES[name] ?? ''), status: 'ENABLED' };
}
