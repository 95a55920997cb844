// What the license panel says when access changed: the server's signed `why`, about the token's own license,
// before anything the status alone would suggest.
import { describe, expect, it } from 'vitest';
import type { AccessChange, EntitlementClaims } from '../../common/entitlement';
import { readEntitlementClaims } from '../../common/entitlement-claims';
import { evaluationOf, MOVED } from '../../main/license/license-evaluation';

const base: EntitlementClaims = {
  iss: 'hardbound', aud: 'hardbound-app', sub: 'A'.repeat(43), tier: 'free', lic: 'lic_abc', txn: 'CAP1', status: 'revoked', plan: 'enterprise-lifetime',
  iat: 1_700_000_000, nbf: 1_699_999_940, exp: 1_701_000_000,
};

describe('why access changed', () => {
  const cases: Array<[AccessChange, EntitlementClaims['status'], RegExp]> = [
    ['refunded', 'refunded', /^The purchase was refunded\.$/],
    ['reversed', 'reversed', /^The payment was reversed\.$/],
    ['revoked_by_support', 'revoked', /^Support revoked this license/],
    ['cancelled_by_support', 'canceled', /^Support cancelled this subscription/],
    ['moved', 'revoked', /moved to another computer/],
  ];
  for (const [why, status, sentence] of cases) {
    it(`${why}: the panel says so and the summary carries it`, () => {
      const evaluation = evaluationOf({ ...base, status, why });
      expect(evaluation.reason).toMatch(sentence);
      expect(evaluation.entitlement?.why).toBe(why);
    });
  }

  it('a license moved away says so even though its token reads revoked, never "revoked"', () => {
    expect(evaluationOf({ ...base, why: 'moved' }).reason).toBe(MOVED);
  });

  it('a subscription support cancelled still grants Enterprise: no reason to show, the why is kept for the panel', () => {
    const evaluation = evaluationOf({ ...base, tier: 'enterprise', status: 'canceled', ptd: 1_700_900_000, why: 'cancelled_by_support' });
    expect(evaluation.reason).toBeNull();
    expect(evaluation.entitlement?.why).toBe('cancelled_by_support');
  });

  it('claims with an unknown why (a newer server) are read without it', () => {
    const claims = readEntitlementClaims({ ...base, why: 'beamed_to_mars' });
    expect(claims).not.toBeNull();
    expect(claims?.why).toBeUndefined();
    expect(readEntitlementClaims({ ...base, why: 'refunded' })?.why).toBe('refunded');
  });
});
