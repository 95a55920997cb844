// Buyer disputes against a capture (Orders v2) or a v1 sale (subscription payment), in the shape of PayPal's
// Disputes API v1 (GET /v1/customer/disputes/{id}) and its CUSTOMER.DISPUTE.* events.
import type { FastifyInstance } from 'fastify';
import { fullName } from '../buyer';
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { Buyer, Dispute, Money } from '../model';
import { millisecondTime } from '../paypal-time';
import type { OrdersDeps } from './deps';
import { lookUp, notFound, unprocessable } from './order-errors';

export type DisputeReason = Dispute['reason'];
export type DisputeOutcome = NonNullable<Dispute['outcome']>;

export const DISPUTE_REASONS: readonly DisputeReason[] = [
  'MERCHANDISE_OR_SERVICE_NOT_RECEIVED',
  'UNAUTHORISED',
  'MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED',
];
export const DISPUTE_OUTCOMES: readonly DisputeOutcome[] = ['RESOLVED_BUYER_FAVOUR', 'RESOLVED_SELLER_FAVOUR'];

type Json = Record<string, unknown>;

/** The disputed payment as PayPal describes it inside a dispute. */
interface DisputedTransaction {
  createTime: string;
  amount: Money;
  buyer: Buyer;
  customId?: string;
  invoiceId?: string;
}

export function openDispute(deps: OrdersDeps, transactionId: string, reason: DisputeReason): Dispute {
  const transaction = disputedTransaction(deps.ctx, transactionId);
  const now = deps.ctx.isoNow();
  const dispute: Dispute = {
    id: deps.ctx.newId('dispute', ids.dispute),
    transactionId,
    amount: transaction.amount,
    reason,
    status: 'OPEN',
    createTime: now,
    updateTime: now,
  };
  deps.ctx.state.disputes.set(dispute.id, dispute);
  publishDispute(deps, dispute, 'CUSTOMER.DISPUTE.CREATED', `A new dispute opened with Case # ${dispute.id}`);
  return dispute;
}

/** Closes a dispute. Money moves separately: a lost chargeback is `reverseCapture`. */
export function resolveDispute(deps: OrdersDeps, disputeId: string, outcome: DisputeOutcome): Dispute {
  const dispute = lookUp(deps.ctx.state.disputes, 'dispute_id', disputeId);
  if (dispute.status === 'RESOLVED') throw unprocessable('DISPUTE_ALREADY_RESOLVED');
  dispute.status = 'RESOLVED';
  dispute.outcome = outcome;
  dispute.updateTime = deps.ctx.isoNow();
  publishDispute(deps, dispute, 'CUSTOMER.DISPUTE.RESOLVED', `A dispute was resolved with Case # ${dispute.id}`);
  return dispute;
}

export function registerDisputeRoutes(app: FastifyInstance, deps: OrdersDeps): void {
  app.get<{ Params: { id: string } }>('/v1/customer/disputes/:id', async (req) =>
    renderDispute(deps, lookUp(deps.ctx.state.disputes, 'dispute_id', req.params.id)),
  );
}

/** The Disputes API writes its times with milliseconds ("2018-06-21T13:35:44.000Z"). */
export function renderDispute({ ctx, merchant }: OrdersDeps, dispute: Dispute): Json {
  const transaction = disputedTransaction(ctx, dispute.transactionId);
  const self = `${ctx.baseUrl}/v1/customer/disputes/${dispute.id}`;
  return {
    dispute_id: dispute.id,
    create_time: millisecondTime(dispute.createTime),
    update_time: millisecondTime(dispute.updateTime),
    disputed_transactions: [
      {
        seller_transaction_id: dispute.transactionId,
        create_time: millisecondTime(transaction.createTime),
        transaction_status: 'COMPLETED',
        gross_amount: transaction.amount,
        ...(transaction.invoiceId !== undefined ? { invoice_number: transaction.invoiceId } : {}),
        ...(transaction.customId !== undefined ? { custom: transaction.customId } : {}),
        buyer: { name: fullName(transaction.buyer) },
        seller: { email: merchant.email, merchant_id: merchant.merchantId, name: merchant.name },
        items: [],
        seller_protection_eligible: true,
      },
    ],
    reason: dispute.reason,
    status: dispute.status,
    dispute_amount: dispute.amount,
    ...(dispute.outcome
      ? {
          dispute_outcome: {
            outcome_code: dispute.outcome,
            ...(dispute.outcome === 'RESOLVED_BUYER_FAVOUR' ? { amount_refunded: dispute.amount } : {}),
          },
        }
      : {}),
    dispute_life_cycle_stage: 'INQUIRY',
    dispute_channel: 'INTERNAL',
    // The buyer's words when opening the case, as PayPal keeps them.
    messages: [{ posted_by: 'BUYER', time_posted: millisecondTime(dispute.createTime), content: BUYER_MESSAGES[dispute.reason] }],
    links: [
      { href: self, rel: 'self', method: 'GET' },
      ...(dispute.status === 'OPEN' ? [{ href: `${self}/send-message`, rel: 'send_message', method: 'POST' }] : []),
    ],
  };
}

const BUYER_MESSAGES: Record<DisputeReason, string> = {
  MERCHANDISE_OR_SERVICE_NOT_RECEIVED: 'I paid but never received my license.',
  UNAUTHORISED: 'I did not make this payment.',
  MERCHANDISE_OR_SERVICE_NOT_AS_DESCRIBED: 'The product is not what was described.',
};

function publishDispute(deps: OrdersDeps, dispute: Dispute, eventType: string, summary: string): void {
  deps.ctx.publish({ eventType, resourceType: 'dispute', summary, resource: renderDispute(deps, dispute) });
}

/** A capture id or a v1 sale id, with the buyer who paid it. */
function disputedTransaction({ state, options }: SandboxContext, transactionId: string): DisputedTransaction {
  const capture = state.captures.get(transactionId);
  if (capture) {
    const buyer = state.orders.get(capture.orderId)?.buyer ?? options.buyer;
    return { createTime: capture.createTime, amount: capture.amount, buyer, customId: capture.customId, invoiceId: capture.invoiceId };
  }
  const sale = state.sales.get(transactionId);
  if (sale) {
    const subscription = state.subscriptions.get(sale.subscriptionId);
    return {
      createTime: sale.createTime,
      amount: sale.amount,
      buyer: subscription?.buyer ?? options.buyer,
      customId: subscription?.customId,
    };
  }
  throw notFound('transaction_id', transactionId);
}
