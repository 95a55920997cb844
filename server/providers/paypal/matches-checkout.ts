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

/**
 * Identity first (is it ours at all?), then the money, then whether it is paid. The capture must name our
 * checkout in custom_id, or hang from the checkout's own order (bound when we created it); whichever of the two
 * PayPal shows must agree.
 */
export function matchesCheckout(
  capture: CaptureView,
  checkout: { id: string; amount: string; currency: string; providerOrderId?: string | null },
): CheckoutMatch {
  const byCustomId = capture.customId !== null;
  const byOrder = capture.orderId !== null && checkout.providerOrderId != null;
  if (byCustomId && capture.customId !== checkout.id) return mismatch('custom_id_mismatch');
  if (byOrder && capture.orderId !== checkout.providerOrderId) return mismatch('custom_id_mismatch');
  if (!byCustomId && !byOrder) return mismatch('custom_id_mismatch');
  if (capture.amount.currency !== checkout.currency) return mismatch('currency_mismatch');
  if (!sameDecimal(capture.amount.value, checkout.amount)) return mismatch('amount_mismatch');
  if (capture.status !== 'COMPLETED') return mismatch('status_not_completed');
  return { ok: true };
}

/**
 * The subscription counterpart: the plan the checkout chose, active, and our checkout id in custom_id where
 * PayPal shows one (its answers omit custom_id at times; the subscription id itself was bound to the checkout
 * from PayPal's own answer when we created it, and callers match that first).
 */
export function matchesSubscriptionCheckout(
  subscription: SubscriptionView,
  checkout: { id: string; planId: string },
): CheckoutMatch {
  if (subscription.customId !== null && subscription.customId !== checkout.id) return mismatch('custom_id_mismatch');
  if (subscription.planId !== checkout.planId) return mismatch('plan_mismatch');
  if (subscription.status !== 'ACTIVE') return mismatch('status_not_active');
  return { ok: true };
}
