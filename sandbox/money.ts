// PayPal money: decimal strings in the currency's precision. Arithmetic runs on integer minor units so that
// partial refunds, outstanding balances and fees add up exactly.
import type { Money } from './model';

/** Currencies PayPal's REST APIs accept; the three without minor units are listed apart. */
const SUPPORTED = new Set([
  'AUD', 'BRL', 'CAD', 'CNY', 'CZK', 'DKK', 'EUR', 'HKD', 'HUF', 'ILS', 'JPY', 'MYR', 'MXN', 'TWD', 'NZD',
  'NOK', 'PHP', 'PLN', 'GBP', 'SGD', 'SEK', 'CHF', 'THB', 'USD',
]);
const WITHOUT_DECIMALS = new Set(['HUF', 'JPY', 'TWD']);

const SUMMARY_SYMBOLS: Record<string, string> = { USD: '$', EUR: '€', GBP: '£', JPY: '¥' };

// PayPal Checkout's standard domestic rate: 3.49 % plus a fixed 0.49 (49 minor units; 49 in JPY too).
const FEE_RATE_PER_10_000 = 349;
const FEE_FIXED_MINOR = 49;

export function isSupportedCurrency(code: string): boolean {
  return SUPPORTED.has(code);
}

export function currencyDecimals(code: string): number {
  return WITHOUT_DECIMALS.has(code) ? 0 : 2;
}

export type AmountProblem = 'SYNTAX' | 'NEGATIVE' | 'DECIMAL_PRECISION';

/** The value in minor units (zero included: whether zero is allowed is the caller's rule), or what is wrong
 *  with it by PayPal's rules. */
export function toMinor(value: string, currency: string): number | AmountProblem {
  const match = /^(-?)(\d{0,10})(?:\.(\d+))?$/.exec(value);
  if (!match || (match[2] === '' && match[3] === undefined)) return 'SYNTAX';
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const decimals = currencyDecimals(currency);
  if (fraction.length > decimals) return 'DECIMAL_PRECISION';
  if (match[1] === '-') return 'NEGATIVE';
  return Number(match[2] || '0') * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
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

/** The fee PayPal keeps from a payment, never more than the payment itself. */
export function paypalFee(gross: Money): Money {
  const minor = minorOf(gross);
  const fee = Math.round((minor * FEE_RATE_PER_10_000) / 10_000) + FEE_FIXED_MINOR;
  return fromMinor(Math.min(minor, fee), gross.currency_code);
}

/** How PayPal writes an amount in event summaries: "$ 49.0 USD", "$ 2.51 USD". */
export function summaryMoney(money: Money): string {
  const number = String(Number(money.value));
  const shown = number.includes('.') ? number : `${number}.0`;
  return `${SUMMARY_SYMBOLS[money.currency_code] ?? money.currency_code} ${shown} ${money.currency_code}`;
}
