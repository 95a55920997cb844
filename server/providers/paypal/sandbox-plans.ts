// With no PayPal account configured the server runs the local sandbox; its billing plans are derived from
// ours with stable PayPal-shaped ids, so a restart keeps the same plan ids.
import { createHash } from 'node:crypto';
import type { Plan } from '../../../common/plans';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function sandboxPlanId(planId: string): string {
  const digest = createHash('sha256').update(`hardbound-plan:${planId}`).digest();
  let id = 'P-';
  for (let i = 0; i < 24; i++) id += BASE32[(digest[i] ?? 0) % 32];
  return id;
}

export interface SandboxSeedPlan {
  id: string;
  productName: string;
  name: string;
  interval: { unit: 'MONTH' | 'YEAR'; count: number };
  price: { currency_code: string; value: string };
}

export function sandboxSeedPlans(plans: readonly Plan[]): SandboxSeedPlan[] {
  return plans.flatMap((plan) =>
    plan.billing.kind === 'recurring'
      ? [{
          id: sandboxPlanId(plan.id),
          productName: 'Hardbound Enterprise',
          name: plan.name,
          interval: { unit: plan.billing.interval === 'month' ? 'MONTH' as const : 'YEAR' as const, count: plan.billing.intervalCount },
          price: { currency_code: plan.currency, value: plan.price },
        }]
      : [],
  );
}
