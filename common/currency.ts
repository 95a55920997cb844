// How many decimals a currency's amounts have (ISO 4217 minor units, as PayPal applies them). PayPal refuses a
// decimal amount in a zero-decimal currency (DECIMALS_NOT_SUPPORTED), so prices are written in exactly the
// currency's own form everywhere: plans file, PayPal requests, what the app shows.

/** Currencies PayPal accepts that have no minor unit. Every other PayPal currency has two decimals. */
const ZERO_DECIMAL: ReadonlySet<string> = new Set(['HUF', 'JPY', 'TWD']);

export function minorUnits(currency: string): 0 | 2 {
  return ZERO_DECIMAL.has(currency) ? 0 : 2;
}

/**
 * The amount in the currency's own form ("49" → "49.00" in USD; "4900.00" → "4900" in JPY), or undefined
 * when it cannot be written so without changing its value ("4900.50" in JPY, "1.005" in USD).
 */
export function normalizeAmount(value: string, currency: string): string | undefined {
  const match = /^(\d{1,9})(?:\.(\d{1,6}))?$/.exec(value);
  if (!match) return undefined;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const decimals = minorUnits(currency);
  if (fraction.length > decimals) return undefined;
  return decimals === 0 ? whole : `${whole}.${fraction.padEnd(decimals, '0')}`;
}
