// The sandbox's own records. Routes render them into PayPal's JSON shapes; tests and the control API
// change them only through the modules that own them.

export interface Money {
  currency_code: string;
  value: string;
}

/** A PayPal sandbox buyer: the PII PayPal puts into resources, so that consumers' stripping is tested. */
export interface Buyer {
  payerId: string;
  email: string;
  givenName: string;
  surname: string;
  phone: string;
  address: { line1: string; city: string; state: string; postalCode: string; countryCode: string };
}

export interface PurchaseUnit {
  reference_id: string;
  amount: Money;
  custom_id?: string;
  invoice_id?: string;
  description?: string;
}

export type OrderStatus = 'CREATED' | 'PAYER_ACTION_REQUIRED' | 'APPROVED' | 'COMPLETED' | 'VOIDED';

export interface Order {
  id: string;
  intent: 'CAPTURE';
  status: OrderStatus;
  purchaseUnits: PurchaseUnit[];
  /** How the merchant passed return/cancel URLs; PayPal answers differently for each. */
  contextStyle: 'experience_context' | 'application_context';
  returnUrl?: string;
  cancelUrl?: string;
  brandName?: string;
  buyer?: Buyer;
  createTime: string;
  updateTime: string;
  captureIds: string[];
  /** PayPal-Request-Id → the capture answer, replayed for a repeat of the same request. */
  captureReplies: Map<string, unknown>;
}

export type CaptureStatus = 'COMPLETED' | 'PENDING' | 'DECLINED' | 'FAILED' | 'REFUNDED' | 'PARTIALLY_REFUNDED';

export interface Capture {
  id: string;
  orderId: string;
  status: CaptureStatus;
  amount: Money;
  customId?: string;
  invoiceId?: string;
  createTime: string;
  updateTime: string;
  refundIds: string[];
}

export interface Refund {
  id: string;
  captureId: string;
  amount: Money;
  /** REVERSED when the money went back through a chargeback or reversal, not a merchant refund. */
  kind: 'refund' | 'reversal';
  status: 'COMPLETED';
  createTime: string;
}

export interface Product {
  id: string;
  name: string;
  type: 'SERVICE' | 'DIGITAL' | 'PHYSICAL';
  description?: string;
  createTime: string;
}

export interface Plan {
  id: string;
  productId: string;
  name: string;
  status: 'CREATED' | 'ACTIVE' | 'INACTIVE';
  interval: { unit: 'DAY' | 'WEEK' | 'MONTH' | 'YEAR'; count: number };
  price: Money;
  paymentFailureThreshold: number;
  createTime: string;
}

export type SubscriptionStatus = 'APPROVAL_PENDING' | 'APPROVED' | 'ACTIVE' | 'SUSPENDED' | 'CANCELLED' | 'EXPIRED';

export interface Subscription {
  id: string;
  planId: string;
  status: SubscriptionStatus;
  statusChangeNote?: string;
  customId?: string;
  returnUrl?: string;
  cancelUrl?: string;
  billingToken: string;
  buyer?: Buyer;
  startTime: string;
  createTime: string;
  updateTime: string;
  statusUpdateTime: string;
  nextBillingTime?: string;
  lastPayment?: { amount: Money; time: string };
  failedPaymentsCount: number;
  cyclesCompleted: number;
  saleIds: string[];
}

export interface Sale {
  id: string;
  subscriptionId: string;
  amount: Money;
  state: 'completed' | 'refunded' | 'reversed' | 'partially_refunded';
  createTime: string;
  updateTime: string;
}

export interface Dispute {
  id: string;
  /** A capture id or a v1 sale id. */
  transactionId: string;
  amount: Money;
  reason: 'MERCHANDISE_OR_SERVICE_NOT_RECEIVED' | 'UNAUTHORISED' | 'MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED';
  status: 'OPEN' | 'RESOLVED';
  outcome?: 'RESOLVED_BUYER_FAVOUR' | 'RESOLVED_SELLER_FAVOUR';
  createTime: string;
  updateTime: string;
}

export interface WebhookListener {
  id: string;
  url: string;
  /** `*` subscribes to every event type. */
  eventTypes: string[];
}

export interface Transmission {
  transmissionId: string;
  webhookId: string;
  url: string;
  time: string;
  /** HTTP status, or undefined for a timeout / connection error. */
  statusCode?: number;
  error?: string;
  attempt: number;
}

export interface WebhookEvent {
  id: string;
  eventType: string;
  createTime: string;
  /** The exact bytes delivered; every attempt of an event sends the same body, as PayPal does. */
  body: string;
  transmissions: Transmission[];
}
