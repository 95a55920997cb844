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

export interface DisputeView {
  id: string;
  status: string;
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
  return { id, status, outcome: nullable(disputeOutcome(dispute)), transactionIds };
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
