// The Paystack stand-in's options: its keys, the merchant's dashboard settings (webhook URL, callback URL) and
// the webhook retry schedule.
import { SANDBOX_DEMO_PAYSTACK_PUBLIC_KEY, SANDBOX_DEMO_PAYSTACK_SECRET_KEY } from '../../common/demo-values';

export interface PaystackOptions {
  /** The integration's secret key: every API call carries it as `Authorization: Bearer sk_test_…`, and every
   *  webhook is signed with it. */
  secretKey?: string;
  publicKey?: string;
  /** The dashboard's webhook URL (Paystack has one per integration); none: events are recorded, not sent. */
  webhookUrl?: string;
  /** The dashboard's callback URL, used when a transaction names none. */
  callbackUrl?: string;
  /** Currency of plans and transactions that name none. */
  defaultCurrency?: string;
  /** Delay before each webhook retry, in ms; its length + 1 is the number of attempts. Default: the shared
   *  sandbox option `retryDelaysMs` when given, else Paystack's test-mode schedule (hourly for 10 hours). */
  retryDelaysMs?: number[];
}

export interface ResolvedPaystackOptions {
  secretKey: string;
  publicKey: string;
  webhookUrl: string | undefined;
  callbackUrl: string | undefined;
  defaultCurrency: string;
  retryDelaysMs: number[];
  deliveryTimeoutMs: number;
}

// Shaped like Paystack's test keys (sk_test_ / pk_test_ and 40 hex digits); fixed, so a developer can paste them.
export const DEFAULT_SECRET_KEY = SANDBOX_DEMO_PAYSTACK_SECRET_KEY;
export const DEFAULT_PUBLIC_KEY = SANDBOX_DEMO_PAYSTACK_PUBLIC_KEY;

const HOUR_MS = 3_600_000;
/** Paystack's test mode retries a failed webhook hourly for 10 hours. */
export const PAYSTACK_TEST_RETRY_DELAYS_MS: number[] = Array.from({ length: 10 }, () => HOUR_MS);

export function resolvePaystackOptions(
  options: PaystackOptions,
  shared: { retryDelaysMs?: number[]; deliveryTimeoutMs: number },
): ResolvedPaystackOptions {
  return {
    secretKey: options.secretKey ?? DEFAULT_SECRET_KEY,
    publicKey: options.publicKey ?? DEFAULT_PUBLIC_KEY,
    webhookUrl: options.webhookUrl,
    callbackUrl: options.callbackUrl,
    defaultCurrency: options.defaultCurrency ?? 'NGN',
    retryDelaysMs: options.retryDelaysMs ?? shared.retryDelaysMs ?? PAYSTACK_TEST_RETRY_DELAYS_MS,
    deliveryTimeoutMs: shared.deliveryTimeoutMs,
  };
}
