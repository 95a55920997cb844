// GET /v1/billing/subscriptions/{id}/transactions: PayPal's "List transactions for subscription", the way a
// merchant finds the payments whose webhooks never came. Every payment of the subscription is a v1 sale; the
// list shows each one paid within [start_time, end_time] with its id, status, amounts and the payer.
import type { SandboxContext } from '../context';
import { PayPalError } from '../errors';
import type { Sale, Subscription } from '../model';
import { fromMinor, minorOf, paypalFee } from '../money';
import { millisecondTime } from '../paypal-time';
import { payerName } from '../buyer';
import type { Json } from './validate';

/** ppaas_date_time_v3, the format PayPal requires of start_time and end_time. */
const DATE_TIME = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[1-2][0-9]|3[0-1])[T,t]([0-1][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)([.][0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$/;

const STATUS: Record<Sale['state'], string> = {
  completed: 'COMPLETED',
  partially_refunded: 'PARTIALLY_REFUNDED',
  refunded: 'REFUNDED',
  // The transaction statuses have no REVERSED: the money went back, as after a full refund.
  reversed: 'REFUNDED',
};

export function listTransactions(ctx: SandboxContext, subscription: Subscription, query: Record<string, unknown>): Json {
  const start = timeParam(query, 'start_time');
  const end = timeParam(query, 'end_time');
  if (end.ms < start.ms) throw queryError('end_time', 'INVALID_PARAMETER_VALUE', end.text);
  const buyer = subscription.buyer ?? ctx.options.buyer;
  const transactions = subscription.saleIds
    .map((id) => ctx.state.sales.get(id))
    .filter((sale): sale is Sale => sale !== undefined)
    .filter((sale) => Date.parse(sale.createTime) >= start.ms && Date.parse(sale.createTime) <= end.ms)
    .map((sale) => {
      const fee = paypalFee(sale.amount);
      return {
        id: sale.id,
        status: STATUS[sale.state],
        payer_email: buyer.email,
        payer_name: payerName(buyer),
        amount_with_breakdown: {
          gross_amount: sale.amount,
          fee_amount: fee,
          net_amount: fromMinor(minorOf(sale.amount) - minorOf(fee), sale.amount.currency_code),
        },
        time: millisecondTime(sale.createTime),
      };
    });
  const self = new URL(`${ctx.baseUrl}/v1/billing/subscriptions/${subscription.id}/transactions`);
  self.searchParams.set('start_time', start.text);
  self.searchParams.set('end_time', end.text);
  return {
    transactions,
    total_items: transactions.length,
    total_pages: transactions.length === 0 ? 0 : 1,
    links: [{ href: self.toString(), rel: 'self', method: 'GET' }],
  };
}

function timeParam(query: Record<string, unknown>, name: 'start_time' | 'end_time'): { text: string; ms: number } {
  const value = query[name];
  if (value === undefined || value === '') throw queryError(name, 'MISSING_REQUIRED_PARAMETER');
  if (typeof value !== 'string' || value.length < 20 || value.length > 64 || !DATE_TIME.test(value)) {
    throw queryError(name, 'INVALID_PARAMETER_SYNTAX', String(value));
  }
  const ms = Date.parse(value.toUpperCase());
  if (Number.isNaN(ms)) throw queryError(name, 'INVALID_PARAMETER_VALUE', value);
  return { text: value, ms };
}

/** The issues and descriptions this endpoint answers with (Subscriptions v1, subscriptions.transactions-400). */
const DESCRIPTIONS = {
  MISSING_REQUIRED_PARAMETER: 'A required field is missing.',
  INVALID_PARAMETER_SYNTAX: 'The value of a field does not conform to the expected format.',
  INVALID_PARAMETER_VALUE: 'The value of a field is invalid.',
} as const;

function queryError(field: string, issue: keyof typeof DESCRIPTIONS, value?: string): PayPalError {
  return new PayPalError(400, 'INVALID_REQUEST', [
    { field, ...(value !== undefined ? { value } : {}), location: 'query', issue, description: DESCRIPTIONS[issue] },
  ]);
}
