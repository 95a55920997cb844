// What production checks at Paystack before it listens: the secret key is accepted, and each recurring plan's
// Paystack plan exists and bills our price, currency and interval. Each problem is one sentence.
import type { Plan } from '../../../common/plans';
import { isProviderError } from '../errors';
import type { PaystackClient } from './client';
import { toSubunits } from './judge';

/** Paystack's plan intervals for ours (month×1 monthly, month×3 quarterly, month×6 biannually, year×1 annually). */
export function paystackInterval(billing: Plan['billing']): string | null {
  if (billing.kind !== 'recurring') return null;
  if (billing.interval === 'year') return billing.intervalCount === 1 ? 'annually' : null;
  return ({ 1: 'monthly', 3: 'quarterly', 6: 'biannually' } as Record<number, string>)[billing.intervalCount] ?? null;
}

export async function paystackProblems(client: Pick<PaystackClient, 'getPlan'>, plans: readonly Plan[], planCodes: ReadonlyMap<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const plan of plans) {
    const code = planCodes.get(plan.id);
    if (code === undefined) continue;
    const interval = paystackInterval(plan.billing);
    if (interval === null) {
      problems.push(`plan "${plan.id}" bills at an interval Paystack's plans do not have (monthly, quarterly, biannually, annually)`);
      continue;
    }
    try {
      const found = await client.getPlan(code);
      const price = toSubunits(plan.price, plan.currency);
      if (found.amount !== price || found.currency !== plan.currency || found.interval !== interval) {
        problems.push(`Paystack plan ${code} bills ${found.amount} ${found.currency} ${found.interval}, but plan "${plan.id}" is ${price} ${plan.currency} ${interval} (in the currency's subunit): create a Paystack plan for it and update PAYSTACK_PLAN_CODES`);
      }
    } catch (error) {
      if (isProviderError(error, 'provider_rejected') && error.status === 401) return ['PAYSTACK_SECRET_KEY is refused by Paystack (401): copy the secret key from the dashboard\'s API Keys & Webhooks'];
      if (isProviderError(error, 'not_found') || (isProviderError(error, 'provider_rejected') && error.status === 400)) problems.push(`Paystack has no plan ${code} (PAYSTACK_PLAN_CODES, plan "${plan.id}")`);
      else problems.push(`Paystack could not be reached to check plan ${code} (${isProviderError(error) ? error.code : 'error'}); try again, or check PAYSTACK_API_BASE`);
    }
  }
  return problems;
}
