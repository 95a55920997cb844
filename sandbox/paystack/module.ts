// The Paystack stand-in as a sandbox module: Paystack's API and hosted checkout under PAYSTACK_PREFIX of the
// sandbox's one HTTP server, its control API under /__sandbox/paystack/, renewals on the sandbox clock.
import type { SandboxContext } from '../context';
import type { SandboxModule } from '../module';
import { ApiFaultState } from './api-faults';
import { registerCheckoutPage } from './checkout-page';
import { createPaystackControl, type PaystackControl } from './control';
import { registerControlRoutes } from './control-routes';
import type { PaystackDeps } from './deps';
import { resolvePaystackOptions, type PaystackOptions, type ResolvedPaystackOptions } from './options';
import { seedPlan, type SeedPaystackPlan } from './plans';
import { PaystackRender } from './render';
import { registerApiRoutes } from './routes';
import { applyApiFaults, createHangs, requireSecretKey, usePaystackErrors } from './scope';
import { PaystackState } from './state';
import { WebhookSender } from './webhooks/sender';

export type { PaystackControl } from './control';
export type { PaystackOptions } from './options';
export type { SeedPaystackPlan } from './plans';

export const PAYSTACK_PREFIX = '/paystack';
export const PAYSTACK_CONTROL_PREFIX = '/__sandbox/paystack';

export interface PaystackModule extends SandboxModule<PaystackControl> {
  options: ResolvedPaystackOptions;
  /** Paystack's API base for this sandbox: `{sandbox origin}/paystack` (api.paystack.co's stand-in). */
  baseUrl(): string;
}

export function paystackModule(
  ctx: SandboxContext,
  options: PaystackOptions & { plans?: SeedPaystackPlan[] },
  sharedRetryDelaysMs: number[] | undefined,
): PaystackModule {
  const resolved = resolvePaystackOptions(options, {
    ...(sharedRetryDelaysMs ? { retryDelaysMs: sharedRetryDelaysMs } : {}),
    deliveryTimeoutMs: ctx.options.deliveryTimeoutMs,
  });
  const state = new PaystackState();
  const baseUrl = (): string => `${ctx.baseUrl}${PAYSTACK_PREFIX}`;
  const webhooks = new WebhookSender(state, ctx.clock, resolved, resolved.webhookUrl);
  // The integration id Paystack puts on every record: one per sandbox.
  const integration = 100_000 + Math.floor(Math.random() * 900_000);
  const deps: PaystackDeps = {
    state,
    clock: ctx.clock,
    options: resolved,
    render: new PaystackRender(state, integration),
    webhooks,
    baseUrl,
    controls: { nextCharge: 'success', holdRefunds: false },
  };
  for (const plan of options.plans ?? []) seedPlan(deps, plan);

  const apiFaults = new ApiFaultState();
  const hangs = createHangs();
  const control = createPaystackControl(deps, apiFaults);

  return {
    options: resolved,
    baseUrl,
    control,
    routes: (app) => {
      void app.register(
        async (scope) => {
          usePaystackErrors(scope);
          registerCheckoutPage(scope, deps, ctx.options.merchantName);
          await scope.register(async (api) => {
            requireSecretKey(api, () => resolved.secretKey);
            applyApiFaults(api, apiFaults, hangs, PAYSTACK_PREFIX);
            registerApiRoutes(api, deps);
          });
        },
        { prefix: PAYSTACK_PREFIX },
      );
      void app.register(
        async (scope) => {
          usePaystackErrors(scope);
          registerControlRoutes(scope, control, () => ({
            base_url: baseUrl(),
            secret_key: resolved.secretKey,
            public_key: resolved.publicKey,
          }));
        },
        { prefix: PAYSTACK_CONTROL_PREFIX },
      );
    },
    close: async () => {
      hangs.releaseAll();
      await webhooks.close();
    },
  };
}
