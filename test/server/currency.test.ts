// Amounts in each currency's own form: PayPal refuses decimals in zero-decimal currencies (DECIMALS_NOT_SUPPORTED).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minorUnits, normalizeAmount } from '../../common/currency';
import { parsePlans } from '../../server/config/plans';

describe('normalizeAmount', () => {
  it('writes two-decimal currencies with exactly two decimals', () => {
    expect(normalizeAmount('49', 'USD')).toBe('49.00');
    expect(normalizeAmount('49.0', 'EUR')).toBe('49.00');
    expect(normalizeAmount('49.50', 'GBP')).toBe('49.50');
    expect(normalizeAmount('0049.5', 'USD')).toBe('49.50');
  });

  it('writes JPY, HUF and TWD without decimals, and refuses a fraction they cannot carry', () => {
    for (const currency of ['JPY', 'HUF', 'TWD']) {
      expect(minorUnits(currency)).toBe(0);
      expect(normalizeAmount('4900.00', currency)).toBe('4900');
      expect(normalizeAmount('4900', currency)).toBe('4900');
      expect(normalizeAmount('4900.50', currency)).toBeUndefined();
    }
  });

  it('refuses what is not a plain decimal, or would lose a digit', () => {
    for (const bad of ['', '1e3', '-1.00', '1,00', ' 1.00', '1.005', 'NaN']) expect(normalizeAmount(bad, 'USD')).toBeUndefined();
  });

  it('never changes the value it writes', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.constantFrom('USD', 'EUR', 'JPY', 'HUF'), (cents, currency) => {
      const text = `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
      const written = normalizeAmount(text, currency);
      if (written === undefined) return minorUnits(currency) === 0 && cents % 100 !== 0;
      return Math.round(Number(written) * 100) === cents;
    }));
  });
});

describe('plans file prices', () => {
  const plan = (price: string, currency: string) => ({ id: 'p', name: 'P', tier: 'enterprise', price, currency, billing: { kind: 'one_time' } });

  it('are normalized to the currency\'s form', () => {
    expect(parsePlans([plan('4900.00', 'JPY')])).toEqual({ plans: [expect.objectContaining({ price: '4900', currency: 'JPY' })] });
    expect(parsePlans([plan('49', 'USD')])).toEqual({ plans: [expect.objectContaining({ price: '49.00' })] });
  });

  it('are refused with a sentence naming the currency\'s form when they cannot be written in it', () => {
    expect(parsePlans([plan('4900.50', 'JPY')])).toEqual({ problems: ['plan #1 (p): price must be a positive amount in the currency\'s own form, like "4900" (JPY has no decimals)'] });
    expect(parsePlans([plan('0.00', 'USD')])).toEqual({ problems: ['plan #1 (p): price must be a positive amount in the currency\'s own form, like "49.00"'] });
  });
});
