// The few checks that let the app trust a 2xx body's type; the entitlement inside is verified separately.
import type { CancelSubscriptionResponse, CheckoutView, CreateCheckoutResponse, RefreshResponse, ReleaseLicenseResponse } from '../../common/api';
import type { Plan } from '../../common/plans';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

// The checkout window must only ever be pointed at a web page, never file:, javascript: or an app scheme.
function isWebUrl(v: unknown): boolean {
  if (!isText(v) || !URL.canParse(v)) return false;
  const { protocol } = new URL(v);
  return protocol === 'https:' || protocol === 'http:';
}

function isPlan(v: unknown): v is Plan {
  return isObject(v) && isText(v.id) && isText(v.name) && (v.tier === 'free' || v.tier === 'enterprise')
    && isText(v.price) && isText(v.currency) && isObject(v.billing)
    && (v.billing.kind === 'one_time' || v.billing.kind === 'recurring');
}

export function asPlans(body: unknown): Plan[] | null {
  if (!isObject(body) || !Array.isArray(body.plans) || !body.plans.every(isPlan)) return null;
  return body.plans;
}

export function asCreatedCheckout(body: unknown): CreateCheckoutResponse | null {
  if (!isObject(body) || !isText(body.checkoutId) || !isText(body.pollToken) || !isWebUrl(body.approveUrl)) return null;
  if (!isText(body.expiresAt) || !Number.isFinite(Date.parse(body.expiresAt))) return null;
  return body as unknown as CreateCheckoutResponse;
}

const hasEntitlement = (v: Record<string, unknown>) => isObject(v.entitlement) && isText(v.entitlement.token);

export function asCheckoutView(body: unknown): CheckoutView | null {
  if (!isObject(body)) return null;
  switch (body.status) {
    case 'pending':
    case 'approved':
    case 'cancelled':
    case 'expired':
      return { status: body.status };
    case 'failed':
      return { status: 'failed', reason: isText(body.reason) ? body.reason : 'The payment did not go through.' };
    case 'completed':
      return isObject(body.license) && hasEntitlement(body) ? (body as unknown as CheckoutView) : null;
    default:
      return null;
  }
}

export function asRefreshed(body: unknown): RefreshResponse | null {
  return isObject(body) && hasEntitlement(body) ? (body as unknown as RefreshResponse) : null;
}

export function asCancelled(body: unknown): CancelSubscriptionResponse | null {
  if (!isObject(body) || !hasEntitlement(body)) return null;
  if (body.cancellation !== 'recorded' && body.cancellation !== 'requested') return null;
  return body as unknown as CancelSubscriptionResponse;
}

export function asReleased(body: unknown): ReleaseLicenseResponse | null {
  if (!isObject(body) || !hasEntitlement(body) || !isObject(body.transfer)) return null;
  const { code, expiresAt } = body.transfer;
  if (!isText(code) || code.length > 32 || !isText(expiresAt) || !Number.isFinite(Date.parse(expiresAt))) return null;
  return body as unknown as ReleaseLicenseResponse;
}
