// Production's start check at Paystack: each recurring plan's Paystack plan must exist and bill our price (in the
// currency's subunit), currency and interval; a refused key is said once.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../common/plans';
import { PaystackApiError } from '../../server/providers/paystack/errors';
import { paystackProblems } from '../../server/providers/paystack/preflight';
import type { PlanView } from '../../server/providers/paystack/views';

const monthly: Plan = { id: 'pro-monthly', name: 'Pro', tier: 'enterprise', price: '5000.00', currency: 'NGN', billing: { kind: 'recurring', interval: 'month', intervalCount: 1 } };
const annual: Plan = { ...monthly, id: 'pro-annual', price: '50000.00', billing: { kind: 'recurring', interval: 'year', intervalCount: 1 } };
const lifetime: Plan = { ...monthly, id: 'pro-lifetime', billing: { kind: 'one_time' } };

const stub = (plans: Record<string, PlanView | Error>) => ({
  getPlan: async (code: string) => {
    const found = plans[code];
    if (found === undefined) throw new PaystackApiError('not_found', { operation: 'fetchPlan', status: 404 });
    if (found instanceof Error) throw found;
    return found;
  },
});

describe('Paystack preflight', () => {
  it('accepts plans that bill what the plans file says', async () => {
    const api = stub({ PLN_m: { code: 'PLN_m', interval: 'monthly', amount: 500000, currency: 'NGN' }, PLN_a: { code: 'PLN_a', interval: 'annually', amount: 5000000, currency: 'NGN' } });
    expect(await paystackProblems(api, [monthly, annual, lifetime], new Map([['pro-monthly', 'PLN_m'], ['pro-annual', 'PLN_a']]))).toEqual([]);
  });

  it('names a plan Paystack lacks, and one billing another price, currency or interval', async () => {
    const api = stub({ PLN_m: { code: 'PLN_m', interval: 'annually', amount: 5000, currency: 'NGN' } });
    const problems = await paystackProblems(api, [monthly, annual], new Map([['pro-monthly', 'PLN_m'], ['pro-annual', 'PLN_gone']]));
    expect(problems).toEqual([
      expect.stringMatching(/^Paystack plan PLN_m bills 5000 NGN annually, but plan "pro-monthly" is 500000 NGN monthly/),
      'Paystack has no plan PLN_gone (PAYSTACK_PLAN_CODES, plan "pro-annual")',
    ]);
  });

  it('says once that the secret key is refused', async () => {
    const refused = new PaystackApiError('provider_rejected', { operation: 'fetchPlan', status: 401 });
    expect(await paystackProblems(stub({ PLN_m: refused, PLN_a: refused }), [monthly, annual], new Map([['pro-monthly', 'PLN_m'], ['pro-annual', 'PLN_a']])))
      .toEqual([expect.stringMatching(/^PAYSTACK_SECRET_KEY is refused by Paystack/)]);
  });
});
