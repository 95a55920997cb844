import { AdjustableClock } from '../common/clock';
import { DEMO_BRAND_NAME, SANDBOX_DEMO_CLIENT_ID, SANDBOX_DEMO_CLIENT_SECRET } from '../common/demo-values';
import type { Buyer, Money } from './model';
import type { PaystackOptions, SeedPaystackPlan } from './paystack/module';
import { DEFAULT_SHAPES, withShapes, type ResourceShapes } from './shapes';

export interface SeedPlan {
  /** A stable id to refer to the plan by (PayPal ids are generated unless given). */
  id?: string;
  productName: string;
  name: string;
  interval: { unit: 'DAY' | 'WEEK' | 'MONTH' | 'YEAR'; count: number };
  price: Money;
  paymentFailureThreshold?: number;
}

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  clientId?: string;
  clientSecret?: string;
  merchantName?: string;
  tokenTtlSeconds?: number;
  plans?: SeedPlan[];
  /**
   * Delay before each retry, in ms; its length + 1 is the number of attempts. PayPal retries up to 25
   * times over 3 days; tests pass a compressed schedule.
   */
  retryDelaysMs?: number[];
  /** How long one delivery attempt may take before it counts as failed. */
  deliveryTimeoutMs?: number;
  clock?: AdjustableClock;
  buyer?: Buyer;
  /** Fastify request logging; off by default so tests stay quiet. */
  logRequests?: boolean;
  /** Which of PayPal's real shapes to send where PayPal sends more than one (see shapes.ts); changeable
   *  later with setResourceShapes. */
  shapes?: Partial<ResourceShapes>;
  /** The Paystack stand-in served beside PayPal under /paystack (see sandbox/paystack/CONTROL.md). */
  paystack?: PaystackOptions & { plans?: SeedPaystackPlan[] };
}

export type ResolvedOptions = Required<Omit<SandboxOptions, 'plans' | 'shapes' | 'paystack' | 'retryDelaysMs'>> & {
  retryDelaysMs: number[];
  /** The retry schedule given by the caller, if any (the Paystack stand-in then uses it too). */
  givenRetryDelaysMs: number[] | undefined;
  paystack: PaystackOptions & { plans?: SeedPaystackPlan[] };
  plans: SeedPlan[];
  shapes: ResourceShapes;
};

export const DEFAULT_CLIENT_ID = SANDBOX_DEMO_CLIENT_ID;
export const DEFAULT_CLIENT_SECRET = SANDBOX_DEMO_CLIENT_SECRET;
export const DEFAULT_PORT = 8788;

// 25 attempts over about three days, growing roughly as PayPal's do.
export const PAYPAL_RETRY_DELAYS_MS: number[] = Array.from({ length: 24 }, (_, i) =>
  Math.round(Math.min(60_000 * 2 ** i, 3 * 60 * 60_000 + i * 15 * 60_000)),
);

export const DEFAULT_BUYER: Buyer = {
  payerId: 'QYR5Z8XDVJNXQ',
  email: 'sb-buyer47kx3@personal.example.com',
  givenName: 'Jordan',
  surname: 'Testbuyer',
  phone: '4085550123',
  address: {
    line1: '2211 N First Street', line2: 'Building 17', city: 'San Jose', state: 'CA', postalCode: '95131', countryCode: 'US',
  },
};

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
  return {
    port: options.port ?? DEFAULT_PORT,
    host: options.host ?? '127.0.0.1',
    clientId: options.clientId ?? DEFAULT_CLIENT_ID,
    clientSecret: options.clientSecret ?? DEFAULT_CLIENT_SECRET,
    merchantName: options.merchantName ?? DEMO_BRAND_NAME,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 32_400,
    plans: options.plans ?? [],
    retryDelaysMs: options.retryDelaysMs ?? PAYPAL_RETRY_DELAYS_MS,
    givenRetryDelaysMs: options.retryDelaysMs,
    paystack: options.paystack ?? {},
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 10_000,
    clock: options.clock ?? new AdjustableClock(),
    buyer: options.buyer ?? DEFAULT_BUYER,
    logRequests: options.logRequests ?? false,
    shapes: withShapes(DEFAULT_SHAPES, options.shapes ?? {}),
  };
}
