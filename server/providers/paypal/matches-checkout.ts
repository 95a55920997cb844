// The checks made before anything is granted: the payment PayPal's API reports is the one this checkout
// asked for (OWASP payment-gateway guidance: never trust the notification's own amounts or references).
import { sameDecimal } from './fields';
import type { CaptureView, SubscriptionView } from './views';

export type CheckoutMismatch =
  | 'custom_id_mismatch'
  | 'currency_mismatch'
  | 'amount_mismatch'
  | 'status_not_completed'
  | 'plan_mismatch'
  | 'status_not_active';

export type CheckoutMatch = { ok: true } | { ok: false; reason: CheckoutMismatch };

const mismatch = (reason: CheckoutMismatch): CheckoutMatch => ({ ok: false, reason });

/** Identity first (is it ours at all?), then the money, then whether it is paid. */
export function matchesCheckout(
  capture: CaptureView,
  checkout: { id: string; amount: string; currency: string },
): CheckoutMatch {
  if (capture.customId !== checkout.id) return mismatch('custom_id_mismatch');
  if (capture.amount.currency !== checkout.currency) return mismatch('currency_mismatch');
  if (!sameDecimal(capture.amount.value, checkout.amount)) return mismatch('amount_mismatch');
  if (capture.status !== 'COMPLETED') return mismatch('status_not_completed');
  return { ok: true };
}

/** The subscription counterpart: our checkout id in custom_id, the plan the checkout chose, and active. */
export function matchesSubscriptionCheckout(
  subscription: SubscriptionView,
  checkout: { id: string; planId: string },
): CheckoutMatch {
  if (subscription.customId !== checkout.id) return mismatch('custom_id_mismatch');
  if (subscription.planId !== checkout.planId) return mismatch('plan_mismatch');
  if (subscription.status !== 'ACTIVE') return mismatch('status_not_active');
  return { ok: true };
}
