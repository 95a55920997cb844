// v1 sales (what a subscription payment is in PayPal): refunds by the merchant and reversals by the buyer's bank.
import type { SandboxContext } from '../context';
import { PayPalError } from '../errors';
import { ids } from '../ids';
import type { Sale, SaleRefund } from '../model';
import { fromMinor, minorOf, toMinor } from '../money';
import { publishSaleRefund } from './events';
import { findSale } from './lookup';
import { type Json, amountRefused, optionalObject, requiredString, syntaxError, valueError } from './validate';

/** What is still refundable on a sale, in minor units. */
export function refundableMinor(ctx: SandboxContext, sale: Sale): number {
  let refunded = 0;
  for (const refund of ctx.state.saleRefunds.values()) {
    if (refund.saleId === sale.id) refunded += minorOf(refund.amount);
  }
  return minorOf(sale.amount) - refunded;
}

/** Refunds the whole remaining amount, or `amount.total` of it. */
export function refundSale(ctx: SandboxContext, saleId: string, body: Json): SaleRefund {
  const sale = findSale(ctx, saleId);
  refusePaidBack(sale);
  const remaining = refundableMinor(ctx, sale);
  const currency = sale.amount.currency_code;
  const requested = requestedMinor(body, currency);
  if (requested !== undefined && requested > remaining) {
    throw new PayPalError(400, 'REFUND_EXCEEDED_TRANSACTION_AMOUNT', [], 'Refund amount exceeded transaction amount.');
  }
  const refund = paidBack(ctx, sale, 'refund', requested ?? remaining);
  sale.state = refundableMinor(ctx, sale) === 0 ? 'refunded' : 'partially_refunded';
  publishSaleRefund(ctx, refund);
  return refund;
}

/** The buyer's bank took back what was not refunded yet (a chargeback). */
export function reverseSale(ctx: SandboxContext, saleId: string): SaleRefund {
  const sale = findSale(ctx, saleId);
  refusePaidBack(sale);
  const refund = paidBack(ctx, sale, 'reversal', refundableMinor(ctx, sale));
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

function paidBack(ctx: SandboxContext, sale: Sale, kind: SaleRefund['kind'], minor: number): SaleRefund {
  const now = ctx.isoNow();
  const refund: SaleRefund = {
    id: ctx.newId('refund', ids.resource),
    saleId: sale.id,
    kind,
    amount: fromMinor(minor, sale.amount.currency_code),
    parentPayment: sale.parentPayment,
    createTime: now,
  };
  ctx.state.saleRefunds.set(refund.id, refund);
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
  if (minor === 'DECIMALS_NOT_SUPPORTED' || minor === 'DECIMAL_PRECISION') throw amountRefused(minor, '/amount/total', total);
  if (typeof minor !== 'number') throw syntaxError('/amount/total', total);
  if (minor === 0) throw valueError('/amount/total', total);
  return minor;
}
