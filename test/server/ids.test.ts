import { describe, expect, it } from 'vitest';
import { isCheckoutId, newId } from '../../server/ids';

describe('checkout ids', () => {
  it('every id the server makes is recognised as one', () => {
    for (let i = 0; i < 1_000; i += 1) expect(isCheckoutId(newId('chk'))).toBe(true);
  });

  it('custom_id values of other integrations, and our other ids, are not', () => {
    for (const value of ['shop-order-100123', newId('lic'), newId('sup'), '3f0c9a52-7d1e-4b8a-9c61-2a5e8d7f1b04', `${newId('chk')}x`, 'chk_', `CHK_${newId('chk').slice(4)}`]) {
      expect(isCheckoutId(value), value).toBe(false);
    }
  });
});
