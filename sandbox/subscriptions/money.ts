// Amounts as integer minor units, so sums and fees never meet floating-point rounding.
import type { Money } from '../model';

/** Currencies PayPal bills without decimals. */
const ZERO_DECIMAL = new Set(['HUF', 'JPY', 'TWD']);

export function decimalsOf(currency: string): number {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

/** A non-negative decimal string in the currency's precision, or undefined when it is not one. */
export function toMinor(value: string, currency: string): number | undefined {
  const decimals = decimalsOf(currency);
  const match = /^(\d{1,10})(?:\.(\d+))?$/.exec(value);
  if (!match?.[1]) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  return Number(match[1]) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0');
}

export function fromMinor(minor: number, currency: string): string {
  const decimals = decimalsOf(currency);
  if (decimals === 0) return String(minor);
  const whole = Math.floor(minor / 100);
  return `${whole}.${String(minor % 100).padStart(2, '0')}`;
}

export function minorOf(money: Money): number {
  return toMinor(money.value, money.currency_code) ?? 0;
}

export function money(minor: number, currency: string): Money {
  return { currency_code: currency, value: fromMinor(minor, currency) };
}

/** PayPal's standard US rate for PayPal checkout: 3.49 % plus a fixed fee (0.49 USD, 40 JPY-like). */
export function transactionFeeMinor(totalMinor: number, currency: string): number {
  const fixed = decimalsOf(currency) === 0 ? 40 : 49;
  return Math.round((totalMinor * 349) / 10_000) + fixed;
}
