// startSandbox(): the local PayPal stand-in, with the Paystack stand-in under /paystack, in-process. Tests and `npm run sandbox` both start it here.
import type { AdjustableClock } from '../common/clock';
import { registerOAuth } from './auth/oauth';
import { SandboxContext } from './context';
import { createHttp } from './http';
import { ordersModule, type OrdersControl } from './orders/module';
import { resolveOptions, type SandboxOptions } from './options';
import { paystackModule, type PaystackControl } from './paystack/module';
import { registerReservedIdRoutes, type ReservedIdsControl } from './reserved-ids';
import { SandboxState } from './state';
import { subscriptionsModule, type SubscriptionsControl } from './subscriptions/module';
import { webhooksModule, type WebhooksControl } from './webhooks/module';

export type { SandboxOptions, SeedPlan } from './options';
export type { ReservableKind } from './reserved-ids';
export type { ResourceShapes } from './shapes';
export type { PaystackControl, PaystackOptions, SeedPaystackPlan } from './paystack/module';

export interface ClockControl {
  /** Moves the sandbox clock forward; PayPal-side timers (renewals) due by then run. */
  advanceClock(ms: number): Promise<void>;
  now(): Date;
}

export type SandboxControl = OrdersControl & SubscriptionsControl & WebhooksControl & ClockControl & ReservedIdsControl;

export interface Sandbox {
  baseUrl: string;
  credentials: { clientId: string; clientSecret: string };
  /** PEM of the sandbox CA that issued the webhook-signing certificate; trust it to verify deliveries. */
  caCertificatePem: string;
  clock: AdjustableClock;
  control: SandboxControl;
  /** The Paystack stand-in: its API base (api.paystack.co's stand-in), keys and control handle. */
  paystack: {
    baseUrl: string;
    secretKey: string;
    publicKey: string;
    control: PaystackControl;
  };
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const resolved = resolveOptions(options);
  const ctx = new SandboxContext(new SandboxState(), resolved.clock, resolved);
  const app = await createHttp(ctx);

  const webhooks = await webhooksModule(ctx);
  const orders = ordersModule(ctx);
  const subscriptions = subscriptionsModule(ctx);
  const paystack = paystackModule(ctx, resolved.paystack, resolved.givenRetryDelaysMs);
  const modules = [webhooks, orders, subscriptions, paystack];

  const clock: ClockControl = {
    advanceClock: async (ms) => {
      ctx.clock.advance(ms);
      await subscriptions.control.runDueRenewals();
      paystack.control.runDueRenewals();
    },
    now: () => new Date(ctx.clock.now()),
  };
  app.post('/__sandbox/clock/advance', async (req) => {
    const ms = Number((req.body as { ms?: unknown } | undefined)?.ms);
    await clock.advanceClock(ms);
    return { now: clock.now().toISOString() };
  });
  app.get('/__sandbox/clock', async () => ({ now: clock.now().toISOString() }));

  const reservedIds: ReservedIdsControl = { reserveIds: (kind, ids) => ctx.reservedIds.reserve(kind, ids) };
  registerReservedIdRoutes(app, ctx.reservedIds);

  registerOAuth(app, ctx);
  for (const m of modules) m.routes(app);

  const address = await app.listen({ port: resolved.port, host: resolved.host });
  ctx.setBaseUrl(address.replace('://[::1]', '://localhost'));

  return {
    baseUrl: ctx.baseUrl,
    credentials: { clientId: resolved.clientId, clientSecret: resolved.clientSecret },
    caCertificatePem: webhooks.control.caCertificatePem(),
    clock: ctx.clock,
    control: { ...orders.control, ...subscriptions.control, ...webhooks.control, ...clock, ...reservedIds },
    paystack: {
      baseUrl: paystack.baseUrl(),
      secretKey: paystack.options.secretKey,
      publicKey: paystack.options.publicKey,
      control: paystack.control,
    },
    close: async () => {
      for (const m of modules) await m.close?.();
      await app.close();
    },
  };
}
