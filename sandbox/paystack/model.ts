// The Paystack stand-in's own records. render.ts turns them into Paystack's JSON; amounts are integers in the
// currency's subunit (kobo, pesewas, cents), as Paystack's API takes and gives them.

export type PlanInterval = 'hourly' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'biannually' | 'annually';
export const PLAN_INTERVALS: readonly PlanInterval[] = [
  'hourly', 'daily', 'weekly', 'monthly', 'quarterly', 'biannually', 'annually',
];

export interface PaystackPlan {
  id: number;
  code: string;
  name: string;
  description: string | null;
  amount: number;
  interval: PlanInterval;
  currency: string;
  /** 0: bills until disabled; otherwise the subscription completes after this many payments. */
  invoiceLimit: number;
  sendInvoices: boolean;
  sendSms: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A customer is known by the email the merchant sends; names and phone stay null, as for an API-created customer. */
export interface PaystackCustomer {
  id: number;
  code: string;
  email: string;
  createdAt: string;
}

/** The card a payment used: synthetic, Paystack's published test card (408408…4081). */
export interface PaystackAuthorization {
  authorizationCode: string;
  signature: string;
}

export type TransactionStatus = 'abandoned' | 'success' | 'failed' | 'reversed';

export interface PaystackTransaction {
  id: number;
  reference: string;
  accessCode: string;
  status: TransactionStatus;
  amount: number;
  currency: string;
  customerId: number;
  callbackUrl: string | undefined;
  /** As the merchant sent it (any JSON), or "" when none, as Paystack echoes it. */
  metadata: unknown;
  planCode: string | undefined;
  /** Set when a renewal charged the transaction. */
  subscriptionCode: string | undefined;
  authorization: PaystackAuthorization | undefined;
  gatewayResponse: string | null;
  createdAt: string;
  paidAt: string | null;
  refundedAmount: number;
}

export type SubscriptionStatus = 'active' | 'non-renewing' | 'attention' | 'complete' | 'cancelled';

export interface PaystackInvoice {
  code: string;
  subscriptionCode: string;
  amount: number;
  periodStart: string;
  periodEnd: string;
  status: 'pending' | 'success' | 'failed';
  paidAt: string | null;
  transactionReference: string | undefined;
  createdAt: string;
}

export interface PaystackSubscription {
  id: number;
  code: string;
  emailToken: string;
  planCode: string;
  customerId: number;
  authorization: PaystackAuthorization;
  status: SubscriptionStatus;
  amount: number;
  /** Epoch seconds of the first payment (Paystack's `start`). */
  start: number;
  /** When the next renewal falls due; null once it will not renew. */
  nextPaymentDate: string | null;
  /** The end of the period paid so far: a non-renewing subscription is cancelled then. */
  paidUntil: string;
  paymentsCount: number;
  openInvoice: string | undefined;
  invoiceCodes: string[];
  /** Sandbox control, not Paystack data: how its due renewals end. */
  renewalOutcome: 'success' | 'failed';
  createdAt: string;
  updatedAt: string;
}

export type RefundStatus = 'pending' | 'processing' | 'processed' | 'failed';

export interface PaystackRefund {
  id: number;
  transactionReference: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  customerNote: string;
  merchantNote: string;
  createdAt: string;
  updatedAt: string;
  refundedAt: string | null;
  expectedAt: string;
}

export type DisputeResolution = 'merchant-accepted' | 'declined';

export interface PaystackDispute {
  id: number;
  transactionReference: string;
  refundAmount: number;
  currency: string;
  status: 'awaiting-merchant-feedback' | 'resolved';
  resolution: DisputeResolution | null;
  category: 'chargeback' | 'fraud';
  message: string;
  dueAt: string;
  resolvedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface PaystackTransmission {
  url: string;
  time: string;
  attempt: number;
  /** HTTP status, or undefined for a timeout / connection error. */
  statusCode?: number;
  error?: string;
}

export interface PaystackEvent {
  /** The sandbox's own handle on a recorded event; Paystack's bodies carry no event id. */
  id: string;
  event: string;
  createdAt: string;
  /** The exact bytes delivered, signed per attempt (the signature depends only on the body and key). */
  body: string;
  transmissions: PaystackTransmission[];
}
