// The companion server's HTTP API, shared by the server (handlers) and the app (client): one source of truth.
import type { Entitlement } from './entitlement';
import type { LicenseView, LicenseStatus } from './license';
import type { Plan } from './plans';

export const API_PATHS = {
  plans: '/v1/plans',
  checkouts: '/v1/checkouts',
  checkout: (id: string) => `/v1/checkouts/${encodeURIComponent(id)}`,
  checkoutReturn: (id: string) => `/v1/checkouts/${encodeURIComponent(id)}/return`,
  checkoutCancel: (id: string) => `/v1/checkouts/${encodeURIComponent(id)}/cancel`,
  refresh: '/v1/entitlements/refresh',
  cancelSubscription: '/v1/entitlements/cancel-subscription',
  releaseLicense: '/v1/licenses/release',
  redeemTransfer: '/v1/licenses/redeem',
  jwks: '/.well-known/hardbound/jwks.json',
  paypalWebhook: '/v1/webhooks/paypal',
  supportLookup: '/v1/support/lookup',
  supportAction: (licenseId: string, action: SupportAction) =>
    `/v1/support/licenses/${encodeURIComponent(licenseId)}/${action}`,
} as const;

export const MAX_WAIT_SECONDS = 30;

export interface PlansResponse {
  plans: Plan[];
}

export interface CreateCheckoutRequest {
  anchor: string;
  plan: string;
}

export interface CreateCheckoutResponse {
  checkoutId: string;
  approveUrl: string;
  /** Bearer token for polling this checkout; shown once, stored hashed by the server. */
  pollToken: string;
  expiresAt: string;
}

export type CheckoutStatus = 'pending' | 'approved' | 'completed' | 'failed' | 'cancelled' | 'expired';

/** Answer of GET /v1/checkouts/:id, POST …/return and POST …/cancel. */
export type CheckoutView =
  | { status: 'pending' | 'approved' | 'cancelled' | 'expired' }
  | { status: 'failed'; reason: string }
  | { status: 'completed'; license: LicenseView; entitlement: Entitlement };

export interface CheckoutReturnRequest {
  /** PayPal's order id, from the return URL's `token` parameter. */
  token?: string;
  payerId?: string;
}

export interface RefreshRequest {
  anchor: string;
  token: string;
}

export interface RefreshResponse {
  license: LicenseView | null;
  entitlement: Entitlement;
  /** Set when the presented license no longer belongs to this machine (the entitlement then grants Free). */
  unbound?: UnboundReason;
}

/** released: this computer released it and its transfer code has not been used yet; moved: it is bound to
 *  another computer now (a transfer code used there, or support moved it). */
export type UnboundReason = 'released' | 'moved';

/** "Release this computer": the app presents its entitlement, like a refresh. */
export type ReleaseLicenseRequest = RefreshRequest;

export interface ReleaseLicenseResponse extends RefreshResponse {
  /** The one-time code that binds the license to another computer (shown once; the server keeps its hash). */
  transfer: TransferCode;
}

export interface TransferCode {
  /** Twelve letters and digits in three groups ("7K3M-Q9XD-2PWA"), easy to read out and type. */
  code: string;
  /** ISO time after which the code no longer works. */
  expiresAt: string;
}

/** "I have a transfer code": the new computer's anchor and the code; answered like a refresh. */
export interface RedeemTransferRequest {
  anchor: string;
  code: string;
}

/** The app cancels its subscription by presenting its entitlement, like a refresh. */
export interface CancelSubscriptionRequest {
  anchor: string;
  token: string;
}

export interface CancelSubscriptionResponse extends RefreshResponse {
  /** recorded: PayPal's cancellation webhook has been applied; requested: PayPal accepted it, the webhook is
   *  still on its way (the next refresh shows it). Access continues until license.accessEndsAt either way. */
  cancellation: 'recorded' | 'requested';
}

export interface JwksResponse {
  keys: Array<{ kty: 'OKP'; crv: 'Ed25519'; x: string; kid: string; alg: 'EdDSA'; use: 'sig' }>;
}

export type SupportAction = 'revoke' | 'transfer' | 'reissue';

export interface SupportActionRequest {
  reason: string;
  /** transfer only: the new anchor. */
  anchor?: string;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  source: 'provider' | 'support' | 'server';
  eventId: string | null;
  amount: string | null;
  currency: string | null;
  reference: string | null;
}

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string;
  reason: string | null;
}

export interface SupportLicense extends LicenseView {
  anchor: string;
  provider: string;
  orderId: string | null;
  checkoutId: string | null;
  amount: string | null;
  currency: string | null;
  createdAt: string;
  updatedAt: string;
  timeline: TimelineEntry[];
}

export interface SupportLookupResponse {
  query: string;
  licenses: SupportLicense[];
  audit: AuditEntry[];
}

/** Every 4xx/5xx body: a machine-readable code and a sentence a person can act on. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string };
}

export type ApiErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'invalid_anchor'
  | 'unknown_plan'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'checkout_not_found'
  | 'checkout_expired'
  | 'checkout_not_completed'
  | 'not_a_subscription'
  | 'not_transferable'
  | 'transfer_limit_reached'
  | 'transfer_code_invalid'
  | 'transfer_code_expired'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'bad_signature'
  | 'cert_url_not_allowed'
  | 'token_invalid'
  | 'anchor_mismatch'
  | 'rate_limited'
  | 'provider_unavailable'
  | 'provider_rejected'
  | 'shutting_down'
  | 'internal';

export type { LicenseStatus };
