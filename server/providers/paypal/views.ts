// The narrowed views of PayPal's API answers the server works with: ids, statuses, amounts, our own
// custom_id / invoice_id and billing dates. Payer fields are never read, so they cannot leak from here.
import type { Money } from '../../billing/events';
import {
  asObject, enumValue, get, getArray, getObject, ids, legacyMoney, linkedId, money, time, type Json,
} from './fields';

export const CAPTURE_STATUSES = ['COMPLETED', 'PENDING', 'DECLINED', 'FAILED', 'REFUNDED', 'PARTIALLY_REFUNDED'] as const;
export type CaptureStatus = (typeof CAPTURE_STATUSES)[number];

export const ORDER_STATUSES = ['CREATED', 'SAVED', 'APPROVED', 'VOIDED', 'COMPLETED', 'PAYER_ACTION_REQUIRED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const SUBSCRIPTION_STATUSES = ['APPROVAL_PENDING', 'APPROVED', 'ACTIVE', 'SUSPENDED', 'CANCELLED', 'EXPIRED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const SALE_STATES = ['completed', 'partially_refunded', 'pending', 'refunded', 'denied', 'reversed'] as const;
export type SaleState = (typeof SALE_STATES)[number];

export interface CaptureView {
  id: string;
  status: CaptureStatus;
  amount: Money;
  orderId: string | null;
  customId: string | null;
  invoiceId: string | null;
  /** create_time, epoch ms: when the payment was captured (a later refund always follows it). */
  createTime: number | null;
}

export interface OrderView {
  id: string;
  status: OrderStatus;
  /** The first (our only) purchase unit's amount, custom_id and invoice_id. */
  amount: Money | null;
  customId: string | null;
  invoiceId: string | null;
  captures: CaptureView[];
}

export interface SubscriptionView {
  id: string;
  status: SubscriptionStatus;
  planId: string | null;
  customId: string | null;
  /** start_time, epoch ms: the anchor billing dates are counted from. */
  startTime: number | null;
  /** billing_info.next_billing_time, epoch ms; absent once a subscription is suspended or has ended. */
  nextBillingTime: number | null;
  /** Paid cycles of the REGULAR tenure (billing_info.cycle_executions), kept after the subscription ends. */
  cyclesCompleted: number;
  lastPayment: { amount: Money; time: number } | null;
  failedPaymentsCount: number;
  /** billing_info.last_failed_payment.time, epoch ms: dates (and names) the latest failed attempt. */
  lastFailedPaymentTime: number | null;
  statusUpdateTime: number | null;
}

export interface SaleView {
  id: string;
  state: SaleState;
  amount: Money;
  /** The subscription (I-…) a recurring payment belongs to. */
  billingAgreementId: string | null;
  /** create_time, epoch ms: when the cycle was paid. */
  createTime: number | null;
}

export const INTERVAL_UNITS = ['DAY', 'WEEK', 'MONTH', 'YEAR'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

/** A billing plan reduced to the length of its REGULAR cycle: what a paid cycle buys. */
export interface PlanView {
  id: string;
  interval: { unit: IntervalUnit; count: number };
}

/** An Orders v2 refund (GET /v2/payments/refunds/{id}): the `up` link names the refunded capture. */
export interface CaptureRefundView {
  id: string;
  status: string;
  amount: Money;
  captureId: string | null;
  createTime: number | null;
}

/** A v1 refund (GET /v1/payments/refund/{id}): `sale_id` names the refunded sale. */
export interface SaleRefundView {
  id: string;
  state: string;
  /** Unsigned: webhooks carry it negated, the API positive; the sign says nothing more. */
  amount: Money;
  saleId: string | null;
  createTime: number | null;
}

/** One payment of a subscription (GET /v1/billing/subscriptions/{id}/transactions): id is the sale id. */
export interface SubscriptionTransactionView {
  id: string;
  status: string;
  amount: Money;
  time: number;
}

export interface DisputeView {
  id: string;
  status: string;
  createTime: number | null;
  updateTime: number | null;
  /** dispute_outcome.outcome_code once resolved, e.g. "RESOLVED_BUYER_FAVOUR". */
  outcome: string | null;
  /** The merchant-side transaction ids (capture or sale ids) the dispute is about. */
  transactionIds: string[];
}

const MAX_TRANSACTIONS = 20;

function oneOf<T extends string>(allowed: readonly T[], value: unknown): T | undefined {
  return allowed.find((candidate) => candidate === value);
}

function nullable<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}

export function parseCapture(value: unknown, context: { orderId?: string; customId?: string | null } = {}): CaptureView | undefined {
  const capture = asObject(value);
  const id = ids.resource(get(capture, 'id'));
  const status = oneOf(CAPTURE_STATUSES, get(capture, 'status'));
  const amount = money(get(capture, 'amount'));
  if (id === undefined || status === undefined || amount === undefined) return undefined;
  const orderId =
    ids.resource(get(getObject(capture, 'supplementary_data', 'related_ids'), 'order_id')) ??
    linkedId(get(capture, 'links'), 'up', '/v2/checkout/orders/') ??
    context.orderId;
  return {
    id,
    status,
    amount,
    orderId: nullable(orderId),
    customId: ids.custom(get(capture, 'custom_id')) ?? context.customId ?? null,
    invoiceId: nullable(ids.custom(get(capture, 'invoice_id'))),
    createTime: time(get(capture, 'create_time')) ?? null,
  };
}

export function parseOrder(value: unknown): OrderView | undefined {
  const order = asObject(value);
  const id = ids.resource(get(order, 'id'));
  const status = oneOf(ORDER_STATUSES, get(order, 'status'));
  if (id === undefined || status === undefined) return undefined;
  const unit = asObject(getArray(order, 'purchase_units')?.[0]);
  const customId = nullable(ids.custom(get(unit, 'custom_id')));
  const captures: CaptureView[] = [];
  for (const entry of getArray(getObject(unit, 'payments'), 'captures') ?? []) {
    const capture = parseCapture(entry, { orderId: id, customId });
    if (capture === undefined) return undefined;
    captures.push(capture);
  }
  return {
    id,
    status,
    amount: nullable(money(get(unit, 'amount'))),
    customId,
    invoiceId: nullable(ids.custom(get(unit, 'invoice_id'))),
    captures,
  };
}

export function parseSubscription(value: unknown): SubscriptionView | undefined {
  const subscription = asObject(value);
  const id = ids.subscription(get(subscription, 'id'));
  const status = oneOf(SUBSCRIPTION_STATUSES, get(subscription, 'status'));
  if (id === undefined || status === undefined) return undefined;
  const billing = getObject(subscription, 'billing_info');
  return {
    id,
    status,
    planId: nullable(ids.plan(get(subscription, 'plan_id'))),
    customId: nullable(ids.custom(get(subscription, 'custom_id'))),
    startTime: nullable(time(get(subscription, 'start_time'))),
    nextBillingTime: nullable(time(get(billing, 'next_billing_time'))),
    cyclesCompleted: regularCyclesCompleted(getArray(billing, 'cycle_executions')),
    lastPayment: lastPayment(getObject(billing, 'last_payment')),
    failedPaymentsCount: count(get(billing, 'failed_payments_count')) ?? 0,
    lastFailedPaymentTime: nullable(time(get(getObject(billing, 'last_failed_payment'), 'time'))),
    statusUpdateTime: nullable(time(get(subscription, 'status_update_time'))),
  };
}

function count(value: unknown): number | undefined {
  return Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;
}

function regularCyclesCompleted(executions: readonly unknown[] | undefined): number {
  const regular = executions?.map(asObject).find((execution) => get(execution, 'tenure_type') === 'REGULAR');
  return count(get(regular, 'cycles_completed')) ?? 0;
}

function lastPayment(payment: Json | undefined): SubscriptionView['lastPayment'] {
  const amount = money(get(payment, 'amount'));
  const at = time(get(payment, 'time'));
  return amount !== undefined && at !== undefined ? { amount, time: at } : null;
}

export function parseSale(value: unknown): SaleView | undefined {
  const sale = asObject(value);
  const id = ids.resource(get(sale, 'id'));
  const state = oneOf(SALE_STATES, get(sale, 'state'));
  const amount = legacyMoney(get(sale, 'amount'));
  if (id === undefined || state === undefined || amount === undefined) return undefined;
  return {
    id,
    state,
    amount,
    billingAgreementId: nullable(ids.subscription(get(sale, 'billing_agreement_id'))),
    createTime: nullable(time(get(sale, 'create_time'))),
  };
}

/** PayPal caps interval_count at 365 (days); anything beyond is not a plan PayPal made. */
const MAX_INTERVAL_COUNT = 365;

export function parsePlan(value: unknown): PlanView | undefined {
  const plan = asObject(value);
  const id = ids.plan(get(plan, 'id'));
  const regular = getArray(plan, 'billing_cycles')?.map(asObject).find((cycle) => get(cycle, 'tenure_type') === 'REGULAR');
  const frequency = getObject(regular, 'frequency');
  const unit = oneOf(INTERVAL_UNITS, get(frequency, 'interval_unit'));
  const intervalCount = count(get(frequency, 'interval_count'));
  if (id === undefined || unit === undefined || intervalCount === undefined) return undefined;
  if (intervalCount < 1 || intervalCount > MAX_INTERVAL_COUNT) return undefined;
  return { id, interval: { unit, count: intervalCount } };
}

export function parseDispute(value: unknown): DisputeView | undefined {
  const dispute = asObject(value);
  const id = ids.dispute(get(dispute, 'dispute_id'));
  const status = enumValue(get(dispute, 'status'));
  const transactionIds = disputedTransactionIds(dispute);
  if (id === undefined || status === undefined || transactionIds === undefined) return undefined;
  return {
    id,
    status,
    createTime: nullable(time(get(dispute, 'create_time'))),
    updateTime: nullable(time(get(dispute, 'update_time'))),
    outcome: nullable(disputeOutcome(dispute)),
    transactionIds,
  };
}

export function parseCaptureRefund(value: unknown): CaptureRefundView | undefined {
  const refund = asObject(value);
  const id = ids.resource(get(refund, 'id'));
  const status = enumValue(get(refund, 'status'));
  const amount = money(get(refund, 'amount'));
  if (id === undefined || status === undefined || amount === undefined) return undefined;
  return {
    id,
    status,
    amount,
    captureId: nullable(linkedId(get(refund, 'links'), 'up', '/v2/payments/captures/')),
    createTime: nullable(time(get(refund, 'create_time'))),
  };
}

export function parseSaleRefund(value: unknown): SaleRefundView | undefined {
  const refund = asObject(value);
  const id = ids.resource(get(refund, 'id'));
  const state = typeof get(refund, 'state') === 'string' && /^[a-z_]{1,40}$/.test(get(refund, 'state') as string) ? (get(refund, 'state') as string) : undefined;
  const amount = legacyMoney(get(refund, 'amount'), { unsigned: true });
  if (id === undefined || state === undefined || amount === undefined) return undefined;
  return {
    id,
    state,
    amount,
    saleId: nullable(ids.resource(get(refund, 'sale_id')) ?? linkedId(get(refund, 'links'), 'sale', '/v1/payments/sale/')),
    createTime: nullable(time(get(refund, 'create_time'))),
  };
}

const MAX_LISTED_TRANSACTIONS = 500;

/** The payments listed; undefined when the answer is not a transactions list. Entries of another shape
 *  (PayPal lists refunds with negative amounts too) are skipped, never guessed at. */
export function parseSubscriptionTransactions(value: unknown): SubscriptionTransactionView[] | undefined {
  const list = getArray(asObject(value), 'transactions');
  if (list === undefined) return asObject(value) === undefined ? undefined : [];
  const found: SubscriptionTransactionView[] = [];
  for (const entry of list.slice(0, MAX_LISTED_TRANSACTIONS)) {
    const transaction = asObject(entry);
    const id = ids.resource(get(transaction, 'id'));
    const status = enumValue(get(transaction, 'status'));
    const amount = money(get(getObject(transaction, 'amount_with_breakdown'), 'gross_amount'));
    const at = time(get(transaction, 'time'));
    if (id === undefined || status === undefined || amount === undefined || at === undefined) continue;
    found.push({ id, status, amount, time: at });
  }
  return found;
}

/** seller_transaction_id of each disputed transaction; the buyer's side of each entry is never read. */
export function disputedTransactionIds(dispute: Json | undefined): string[] | undefined {
  const entries = getArray(dispute, 'disputed_transactions');
  if (entries === undefined || entries.length === 0 || entries.length > MAX_TRANSACTIONS) return undefined;
  const found: string[] = [];
  for (const entry of entries) {
    const id = ids.resource(get(asObject(entry), 'seller_transaction_id'));
    if (id === undefined) return undefined;
    if (!found.includes(id)) found.push(id);
  }
  return found;
}

export function disputeOutcome(dispute: Json | undefined): string | undefined {
  return enumValue(get(getObject(dispute, 'dispute_outcome'), 'outcome_code'));
}
