// Development's Paystack: with no PAYSTACK_SECRET_KEY configured, the server sells through the Paystack stand-in
// the embedded sandbox serves under /paystack (sandbox/paystack/), exactly as it sells through the PayPal
// stand-in. Its recurring plans are seeded with codes derived from our plan ids, and its dashboard webhook URL
// is pointed at this server once the server listens. launch/ is the one place allowed to wire server and sandbox.
import { webhookUrl } from '../common/api';
import type { Plan } from '../common/plans';
import type { PaystackSettings, ServerConfig } from '../server/config/env';
import { toSubunits } from '../server/providers/paystack/judge';
import type { Sandbox, SeedPaystackPlan } from '../sandbox/index';

/** The stand-in's plan code for one of our recurring plans (PLN_ and lower-case alphanumerics, as it takes them). */
export function standInPlanCode(planId: string): string {
  return `PLN_${planId.toLowerCase().replace(/[^a-z0-9]/g, '')}`;
}

function sellsThroughPaystack(plan: Plan): boolean {
  return plan.providers === undefined || plan.providers.includes('paystack');
}

/** Our recurring plans the stand-in must know, at our prices. */
export function paystackSeedPlans(plans: readonly Plan[]): SeedPaystackPlan[] {
  return plans.flatMap((plan): SeedPaystackPlan[] => {
    if (plan.billing.kind !== 'recurring' || !sellsThroughPaystack(plan)) return [];
    const { interval, intervalCount } = plan.billing;
    // Paystack's intervals have no count: only one month, three, six or a year map onto them.
    const paystackInterval = interval === 'year' && intervalCount === 1 ? 'annually'
      : interval === 'month' && intervalCount === 1 ? 'monthly'
      : interval === 'month' && intervalCount === 3 ? 'quarterly'
      : interval === 'month' && intervalCount === 6 ? 'biannually'
      : null;
    if (paystackInterval === null) return [];
    return [{ code: standInPlanCode(plan.id), name: plan.name, amount: toSubunits(plan.price, plan.currency), interval: paystackInterval, currency: plan.currency }];
  });
}

/** Whether this development run sells through the stand-in: the embedded sandbox runs and no Paystack is configured. */
export function usesPaystackStandIn(config: ServerConfig): boolean {
  return config.mode === 'development' && config.paypal.mode === 'embedded-sandbox' && config.paystack === null;
}

/** The configuration with Paystack pointed at the sandbox's stand-in (its API base, key and seeded plans). */
export function withPaystackStandIn(config: ServerConfig, sandbox: Sandbox): ServerConfig {
  const planCodes = new Map(paystackSeedPlans(config.plans).map((seed) => [config.plans.find((p) => standInPlanCode(p.id) === seed.code)!.id, seed.code!]));
  const paystack: PaystackSettings = { secretKey: sandbox.paystack.secretKey, apiBase: sandbox.paystack.baseUrl, planCodes, webhookSources: [] };
  return { ...config, paystack };
}

/** Once the server listens: the stand-in's dashboard webhook URL is this server's /v1/webhooks/paystack. */
export function pointPaystackWebhooks(sandbox: Sandbox, publicUrl: string): void {
  sandbox.paystack.control.setWebhookUrl(webhookUrl(publicUrl, 'paystack'));
}

/** The configuration a development run with the embedded sandbox serves: Paystack through the stand-in unless
 *  a real Paystack is configured. `afterListen` points the stand-in's webhooks at the listening server. */
export function sellThroughStandIns(config: ServerConfig, sandbox: Sandbox | null): { config: ServerConfig; afterListen(publicUrl: string): void } {
  if (sandbox === null || !usesPaystackStandIn(config)) return { config, afterListen: () => undefined };
  return { config: withPaystackStandIn(config, sandbox), afterListen: (publicUrl) => pointPaystackWebhooks(sandbox, publicUrl) };
}
