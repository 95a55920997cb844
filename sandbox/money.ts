// PayPal money: decimal strings in the currency's precision. Arithmetic runs on integer minor units so that
// partial refunds, outstanding balances and fees add up exactly.
import type { Money } from './model';

/** Currencies PayPal's REST APIs accept (developer.paypal.com/docs/api/reference/currency-codes). */
const SUPPORTED = new Set([
  'AUD', 'BRL', 'CAD', 'CNY', 'CZK', 'DKK', 'EUR', 'HKD', 'HUF', 'ILS', 'JPY', 'MYR', 'MXN', 'TWD', 'NZD',
  'NOK', 'PHP', 'PLN', 'GBP', 'SGD', 'SEK', 'CHF', 'THB', 'USD',
]);

/** ISO 4217 minor units of the active currencies whose exponent is not 2 (all others have 2). */
const ISO_4217_MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0,
  VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** PayPal departs from ISO 4217 here: HUF and TWD have 2 minor units in ISO but "do not support decimals" at
 *  PayPal, which refuses any decimal amount in them (DECIMALS_NOT_SUPPORTED), as in JPY. */
const PAYPAL_MINOR_UNITS: Readonly<Record<string, number>> = { HUF: 0, TWD: 0 };

const SUMMARY_SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

// PayPal Checkout's standard domestic rate: 3.49 % plus a fixed 0.49 (49 minor units; 49 in JPY too).
const FEE_RATE_PER_10_000 = 349;
const FEE_FIXED_MINOR = 49;

export function isSupportedCurrency(code: string): boolean {
  return SUPPORTED.has(code);
}

/** Digits after the decimal point PayPal accepts and writes for the currency. */
export function currencyDecimals(code: string): number {
  return PAYPAL_MINOR_UNITS[code] ?? ISO_4217_MINOR_UNITS[code] ?? 2;
}

/** What is wrong with an amount by PayPal's rules: not a decimal number, below zero, more decimals than the
 *  currency has (DECIMAL_PRECISION), or any decimal point at all in a currency without decimals
 *  (DECIMALS_NOT_SUPPORTED: "4900" is a yen amount, "4900.00" is refused). */
export type AmountProblem = 'SYNTAX' | 'NEGATIVE' | 'DECIMAL_PRECISION' | 'DECIMALS_NOT_SUPPORTED';

/** The value in minor units (zero included: whether zero is allowed is the caller's rule), or the problem. */
export function toMinor(value: string, currency: string): number | AmountProblem {
  const match = /^(-?)(\d{0,10})(?:\.(\d+))?$/.exec(value);
  if (!match || (match[2] === '' && match[3] === undefined)) return 'SYNTAX';
  const fraction = match[3];
  const decimals = currencyDecimals(currency);
  if (fraction !== undefined && decimals === 0) return 'DECIMALS_NOT_SUPPORTED';
  if (fraction !== undefined && fraction.length > decimals) return 'DECIMAL_PRECISION';
  if (match[1] === '-') return 'NEGATIVE';
  return Number(match[2] || '0') * 10 ** decimals + Number((fraction ?? '').padEnd(decimals, '0') || '0');
}

export function fromMinor(minor: number, currency: string): Money {
  const decimals = currencyDecimals(currency);
  if (decimals === 0) return { currency_code: currency, value: String(minor) };
  const sign = minor < 0 ? '-' : '';
  const units = Math.abs(minor);
  const scale = 10 ** decimals;
  const fraction = String(units % scale).padStart(decimals, '0');
  return { currency_code: currency, value: `${sign}${Math.floor(units / scale)}.${fraction}` };
}

/** A valid Money's minor units (for values this sandbox has already accepted). */
export function minorOf(money: Money): number {
  const minor = toMinor(money.value, money.currency_code);
  return typeof minor === 'number' ? minor : 0;
}

/** The same amount with the sign turned: v1 refund and reversal webhooks carry negative totals. */
export function negated(money: Money): Money {
  return fromMinor(-minorOf(money), money.currency_code);
}

/** The fee PayPal keeps from a payment, never more than the payment itself. */
export function paypalFee(gross: Money): Money {
  const minor = minorOf(gross);
  const fee = Math.round((minor * FEE_RATE_PER_10_000) / 10_000) + FEE_FIXED_MINOR;
  return fromMinor(Math.min(minor, fee), gross.currency_code);
}

/** How PayPal's billing engine writes amounts in a subscription's billing_info and shipping_amount:
 *  trailing zeros dropped, at least one decimal ("100.0", "14.9", "0.0"), as in PayPal's subscription bodies. */
export function billingValue(money: Money): Money {
  const [units = '0', fraction = ''] = money.value.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return { currency_code: money.currency_code, value: `${units}.${trimmed || '0'}` };
}

/** How PayPal writes an amount in event summaries: "$ 49.0 USD", "$ 2.51 USD"; some summaries leave the
 *  symbol out ("A 0.01 USD sale payment was refunded"). */
export function summaryMoney(money: Money, withSymbol = true): string {
  const number = String(Number(money.value));
  const shown = number.includes('.') ? number : `${number}.0`;
  if (!withSymbol) return `${shown} ${money.currency_code}`;
  return `${SUMMARY_SYMBOLS[money.currency_code] ?? money.currency_code} ${shown} ${money.currency_code}`;
}
