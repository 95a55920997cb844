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
  address: { line1: string; line2?: string; city: string; state: string; postalCode: string; countryCode: string };
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
}

export type CaptureStatus = 'COMPLETED' | 'PENDING' | 'DECLINED' | 'FAILED' | 'REFUNDED' | 'PARTIALLY_REFUNDED';

/** PayPal's capture status_details.reason values for a pending capture. */
export type PendingReason =
  | 'BUYER_COMPLAINT' | 'CHARGEBACK' | 'ECHECK' | 'INTERNATIONAL_WITHDRAWAL' | 'OTHER' | 'PENDING_REVIEW'
  | 'RECEIVING_PREFERENCE_MANDATES_MANUAL_ACTION' | 'REFUNDED' | 'TRANSACTION_APPROVED_AWAITING_FUNDING'
  | 'UNILATERAL' | 'VERIFICATION_REQUIRED';

export interface Capture {
  id: string;
  orderId: string;
  status: CaptureStatus;
  /** Why a PENDING capture is pending; cleared when it settles. */
  pendingReason?: PendingReason;
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
  invoiceId?: string;
  noteToPayer?: string;
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
  /** 0 bills until cancelled; otherwise a subscription expires after this many paid cycles. */
  totalCycles: number;
  paymentFailureThreshold: number;
  description?: string;
  createTime: string;
  updateTime: string;
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
  brandName?: string;
  /** SUBSCRIBE_NOW activates on approval; CONTINUE leaves it APPROVED until the merchant activates it. */
  userAction: 'SUBSCRIBE_NOW' | 'CONTINUE';
  billingToken: string;
  /** The checkout token PayPal appends to the return URL beside ba_token. */
  checkoutToken: string;
  buyer?: Buyer;
  startTime: string;
  createTime: string;
  updateTime: string;
  statusUpdateTime: string;
  /** The time of the subscription's latest status change or payment attempt: each next one is dated after it. */
  lastEventTime?: string;
  nextBillingTime?: string;
  lastPayment?: { amount: Money; time: string };
  lastFailedPayment?: { amount: Money; time: string };
  /** Failed cycles not yet paid, in the plan currency's minor units; collected with the next successful
   *  payment (auto_bill_outstanding). */
  outstandingMinor: number;
  failedPaymentsCount: number;
  cyclesCompleted: number;
  /** Cycles billed so far, paid or declined; next_billing_time is start_time plus this many intervals. */
  cyclesBilled: number;
  /** Sandbox control, not PayPal data: how due renewals end until changed through the control API. */
  renewalOutcome: 'succeed' | 'fail';
  saleIds: string[];
}

export interface Sale {
  id: string;
  subscriptionId: string;
  amount: Money;
  state: 'completed' | 'refunded' | 'reversed' | 'partially_refunded';
  /** The v1 payment ("PAYID-" and 24 characters) the sale's refunds name as parent_payment. */
  parentPayment: string;
  createTime: string;
  updateTime: string;
}

/** A v1 refund of a sale; a reversal is the same record paid back through a chargeback. */
export interface SaleRefund {
  id: string;
  saleId: string;
  kind: 'refund' | 'reversal';
  amount: Money;
  parentPayment: string;
  createTime: string;
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
