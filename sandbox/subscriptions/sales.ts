// v1 sales (what a subscription payment is in PayPal): refunds by the merchant and reversals by the buyer's bank.
import type { SandboxContext } from '../context';
import { PayPalError } from '../errors';
import { ids } from '../ids';
import type { Sale } from '../model';
import { parentPaymentOf, type SaleRefund, type SubscriptionsBook } from './book';
import { publishSaleRefund } from './events';
import { findSale, findSaleRefund } from './lookup';
import { minorOf, money, toMinor } from './money';
import { type Json, optionalObject, requiredString, syntaxError, valueError } from './validate';

/** What is still refundable on a sale, in minor units. */
export function refundableMinor(book: SubscriptionsBook, sale: Sale): number {
  let refunded = 0;
  for (const refund of book.saleRefunds.values()) {
    if (refund.saleId === sale.id) refunded += minorOf(refund.amount);
  }
  return minorOf(sale.amount) - refunded;
}

/** Refunds the whole remaining amount, or `amount.total` of it. A repeated PayPal-Request-Id refunds once. */
export function refundSale(
  ctx: SandboxContext, book: SubscriptionsBook, saleId: string, body: Json, requestId: string | undefined,
): { refund: SaleRefund; replayed: boolean } {
  const sale = findSale(ctx, saleId);
  const replayKey = requestId === undefined ? undefined : `refund:${saleId}:${requestId}`;
  const earlier = replayKey === undefined ? undefined : book.replies.get(replayKey);
  if (earlier !== undefined) return { refund: findSaleRefund(book, earlier), replayed: true };

  refusePaidBack(sale);
  const remaining = refundableMinor(book, sale);
  const currency = sale.amount.currency_code;
  const requested = requestedMinor(body, currency);
  if (requested !== undefined && requested > remaining) {
    throw new PayPalError(400, 'REFUND_EXCEEDED_TRANSACTION_AMOUNT', [], 'Refund amount exceeded transaction amount.');
  }
  const refund = paidBack(ctx, book, sale, 'refund', requested ?? remaining);
  sale.state = refundableMinor(book, sale) === 0 ? 'refunded' : 'partially_refunded';
  if (replayKey !== undefined) book.replies.set(replayKey, refund.id);
  publishSaleRefund(ctx, refund);
  return { refund, replayed: false };
}

/** The buyer's bank took back what was not refunded yet (a chargeback). */
export function reverseSale(ctx: SandboxContext, book: SubscriptionsBook, saleId: string): SaleRefund {
  const sale = findSale(ctx, saleId);
  refusePaidBack(sale);
  const refund = paidBack(ctx, book, sale, 'reversal', refundableMinor(book, sale));
  sale.state = 'reversed';
  publishSaleRefund(ctx, refund);
  return refund;
}

function refusePaidBack(sale: Sale): void {
  if (sale.state === 'refunded') {
    throw new PayPalError(400, 'TRANSACTION_ALREADY_REFUNDED', [], 'This transaction has already been fully refunded.');
  }
  if (sale.state === 'reversed') throw new PayPalError(400, 'TRANSACTION_REFUSED', [], 'The request was refused.');
}

function paidBack(ctx: SandboxContext, book: SubscriptionsBook, sale: Sale, kind: SaleRefund['kind'], minor: number): SaleRefund {
  const now = ctx.isoNow();
  const refund: SaleRefund = {
    id: ids.resource(),
    saleId: sale.id,
    kind,
    amount: money(minor, sale.amount.currency_code),
    parentPayment: parentPaymentOf(book, sale.id),
    createTime: now,
  };
  book.saleRefunds.set(refund.id, refund);
  sale.updateTime = now;
  return refund;
}

/** `amount: {total, currency}` of a partial refund, in minor units; undefined refunds everything left. */
function requestedMinor(body: Json, currency: string): number | undefined {
  const amount = optionalObject(body, 'amount');
  if (amount === undefined) return undefined;
  const total = requiredString(amount, 'total', 32, '/amount');
  const given = requiredString(amount, 'currency', 3, '/amount');
  if (given !== currency) throw valueError('/amount/currency', given);
  const minor = toMinor(total, currency);
  if (minor === undefined) throw syntaxError('/amount/total', total);
  if (minor === 0) throw valueError('/amount/total', total);
  return minor;
}
