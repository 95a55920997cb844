// The companion server's HTTP API, shared by the server (handlers) and the app (client): one source of truth.
// Every body, parameter and answer is a JSON schema (TypeBox); the TypeScript types are derived from those
// schemas, the server validates requests and serializes answers with them (API_ROUTES), the app checks answers
// with them (main/license/response-shapes.ts), and GET /openapi.json publishes them.
import { Type, type Static, type TSchema } from 'typebox';
import { ANCHOR_PATTERN } from './anchor';
import { Entitlement, EntitlementToken } from './entitlement';
import { LicenseView, type LicenseStatus } from './license';
import { Plan } from './plans';

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
  openapi: '/openapi.json',
} as const;

/** Where PayPal delivers this server's webhooks: the URL its listener must be registered with. */
export function paypalWebhookUrl(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${API_PATHS.paypalWebhook}`;
}

export const MAX_WAIT_SECONDS = 30;

// ---- errors ------------------------------------------------------------------------------------------------

export const ApiErrorCode = Type.Enum([
  'bad_request',
  'invalid_json',
  'invalid_anchor',
  'unknown_plan',
  'unauthorized',
  'forbidden',
  'not_found',
  'checkout_not_found',
  'checkout_expired',
  'checkout_not_completed',
  'not_a_subscription',
  'payload_too_large',
  'unsupported_media_type',
  'bad_signature',
  'cert_url_not_allowed',
  'token_invalid',
  'anchor_mismatch',
  'rate_limited',
  'too_many_open_checkouts',
  'too_many_connections',
  'request_timeout',
  'headers_too_large',
  'cert_fetch_busy',
  'provider_unavailable',
  'provider_rejected',
  'shutting_down',
  'stale_transmission',
  'future_transmission',
  'already_licensed',
  'already_subscribed',
  'not_transferable',
  'transfer_limit_reached',
  'transfer_code_invalid',
  'transfer_code_expired',
  'internal',
]);
export type ApiErrorCode = Static<typeof ApiErrorCode>;

/** Every 4xx/5xx body: a machine-readable code and a sentence a person can act on. */
export const ApiErrorBody = Type.Object({
  error: Type.Object({ code: ApiErrorCode, message: Type.String() }),
});
export type ApiErrorBody = Static<typeof ApiErrorBody>;

/**
 * A schema keyword of ours: when a value fails this part of a request schema, the 400 carries this code
 * instead of bad_request (e.g. invalid_anchor), so clients can tell which input to fix.
 */
export const ERROR_CODE_KEYWORD = 'x-error-code';

// ---- shared pieces -----------------------------------------------------------------------------------------

export const Anchor = Type.String({
  pattern: ANCHOR_PATTERN.source,
  description: 'The hardware anchor: base64url of HMAC-SHA256(appSalt, machine id), 43 characters.',
  [ERROR_CODE_KEYWORD]: 'invalid_anchor',
});

const Id = (description: string) => Type.String({ minLength: 1, maxLength: 128, description });
const IsoTime = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

// ---- plans and checkouts -----------------------------------------------------------------------------------

export const PlansResponse = Type.Object({ plans: Type.Array(Plan) });
export type PlansResponse = Static<typeof PlansResponse>;

export const CreateCheckoutRequest = Type.Object({
  anchor: Anchor,
  plan: Type.String({ minLength: 1, maxLength: 63, description: 'A plan id from GET /v1/plans.' }),
  entitlement: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 8192,
    description: "The app's current entitlement token, if it has one: proof that this machine's own app asks, which a lifetime purchase needs to replace (cancel) the machine's subscription. A machine code alone never cancels anything.",
  })),
});
export type CreateCheckoutRequest = Static<typeof CreateCheckoutRequest>;

export const CreateCheckoutResponse = Type.Object({
  checkoutId: Id('The checkout, to poll, return to or cancel.'),
  approveUrl: Type.String({ pattern: '^https?://[^\\s]+$', description: 'Where the buyer approves the payment (PayPal).' }),
  pollToken: Type.String({ minLength: 1, description: 'Bearer token for polling this checkout; shown once, stored hashed by the server.' }),
  expiresAt: IsoTime,
  replaces: Type.Optional(Type.Object({
    subscriptionId: Type.String({ minLength: 1, maxLength: 64 }),
    planId: Type.String({ minLength: 1, maxLength: 63 }),
  }, { description: "The machine's subscription that will be cancelled at PayPal once this (lifetime) payment is confirmed, so the app can say so before the buyer pays. Only when the request presented the machine's own entitlement." })),
});
export type CreateCheckoutResponse = Static<typeof CreateCheckoutResponse>;

export const CheckoutStatus = Type.Enum(['pending', 'approved', 'completed', 'failed', 'cancelled', 'expired']);
export type CheckoutStatus = Static<typeof CheckoutStatus>;

/** Answer of GET /v1/checkouts/:id, POST …/return and POST …/cancel. */
export const CheckoutView = Type.Union([
  Type.Object({ status: Type.Enum(['pending', 'approved', 'cancelled', 'expired']) }),
  Type.Object({ status: Type.Literal('failed'), reason: Type.String() }),
  Type.Object({ status: Type.Literal('completed'), license: LicenseView, entitlement: Entitlement }),
]);
export type CheckoutView = Static<typeof CheckoutView>;

export const CheckoutParams = Type.Object({ id: Id('Checkout id.') });

export const PollQuery = Type.Object({
  wait: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_WAIT_SECONDS, description: 'Seconds to wait for a change before answering.' })),
});

export const CheckoutReturnRequest = Type.Object({
  token: Type.Optional(Type.String({ maxLength: 128, description: 'PayPal\'s order (or subscription) id, from the return URL.' })),
  payerId: Type.Optional(Type.String({ maxLength: 128 })),
});
export type CheckoutReturnRequest = Static<typeof CheckoutReturnRequest>;

// ---- entitlements ------------------------------------------------------------------------------------------

export const RefreshRequest = Type.Object({ anchor: Anchor, token: EntitlementToken });
export type RefreshRequest = Static<typeof RefreshRequest>;

/** released: this computer released it and its transfer code has not been used yet; moved: it is bound to
 *  another computer now (a transfer code used there, or support moved it). */
export const UnboundReason = Type.Enum(['released', 'moved']);
export type UnboundReason = Static<typeof UnboundReason>;

export const RefreshResponse = Type.Object({
  license: Nullable(LicenseView),
  entitlement: Entitlement,
  unbound: Type.Optional(UnboundReason),
});
export type RefreshResponse = Static<typeof RefreshResponse>;

/** "Release this computer": the app presents its entitlement, like a refresh. */
export const ReleaseLicenseRequest = RefreshRequest;
export type ReleaseLicenseRequest = Static<typeof ReleaseLicenseRequest>;

export const TransferCode = Type.Object({
  code: Type.String({ pattern: '^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$', description: 'Twelve letters and digits in three groups ("7K3M-Q9XD-2PWA"), easy to read out and type; shown once, the server keeps its hash.' }),
  expiresAt: Type.String({ format: 'date-time', description: 'ISO time after which the code no longer works.' }),
});
export type TransferCode = Static<typeof TransferCode>;

export const ReleaseLicenseResponse = Type.Object({
  license: Nullable(LicenseView),
  entitlement: Entitlement,
  unbound: Type.Optional(UnboundReason),
  transfer: TransferCode,
});
export type ReleaseLicenseResponse = Static<typeof ReleaseLicenseResponse>;

/** "I have a transfer code": the new computer's anchor and the code; answered like a refresh. */
export const RedeemTransferRequest = Type.Object({
  anchor: Anchor,
  code: Type.String({ minLength: 1, maxLength: 64, description: 'The transfer code, in any case, with or without dashes and spaces.' }),
});
export type RedeemTransferRequest = Static<typeof RedeemTransferRequest>;

/** The app cancels its subscription by presenting its entitlement, like a refresh. */
export const CancelSubscriptionRequest = RefreshRequest;
export type CancelSubscriptionRequest = Static<typeof CancelSubscriptionRequest>;

export const CancelSubscriptionResponse = Type.Object({
  license: Nullable(LicenseView),
  entitlement: Entitlement,
  cancellation: Type.Enum(['recorded', 'requested'], {
    description: 'recorded: PayPal\'s cancellation webhook has been applied; requested: PayPal accepted it, the webhook is still on its way (the next refresh shows it). Access continues until license.accessEndsAt either way.',
  }),
});
export type CancelSubscriptionResponse = Static<typeof CancelSubscriptionResponse>;

export const JwksResponse = Type.Object({
  keys: Type.Array(Type.Object({
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: Type.String(),
    kid: Type.String(),
    alg: Type.Literal('EdDSA'),
    use: Type.Literal('sig'),
  })),
});
export type JwksResponse = Static<typeof JwksResponse>;

// ---- webhooks ----------------------------------------------------------------------------------------------

export const WebhookAck = Type.Object({ received: Type.Literal(true), outcome: Type.String() });

// ---- support -----------------------------------------------------------------------------------------------

export const SupportAction = Type.Enum(['revoke', 'transfer', 'reissue']);
export type SupportAction = Static<typeof SupportAction>;

export const SupportActionRequest = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500 }),
  /** transfer only: the new anchor (the machine code the customer copied). */
  anchor: Type.Optional(Anchor),
});
export type SupportActionRequest = Static<typeof SupportActionRequest>;

export const SupportLicenseParams = Type.Object({ id: Id('License id.') });

export const TimelineEntry = Type.Object({
  at: IsoTime,
  kind: Type.String(),
  source: Type.Enum(['provider', 'support', 'server']),
  eventId: Nullable(Type.String()),
  amount: Nullable(Type.String()),
  currency: Nullable(Type.String()),
  reference: Nullable(Type.String()),
});
export type TimelineEntry = Static<typeof TimelineEntry>;

export const AuditEntry = Type.Object({
  at: IsoTime,
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  reason: Nullable(Type.String()),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const SupportLicense = Type.Evaluate(Type.Intersect([LicenseView, Type.Object({
  anchor: Type.String(),
  provider: Type.String(),
  orderId: Nullable(Type.String()),
  checkoutId: Nullable(Type.String()),
  amount: Nullable(Type.String()),
  currency: Nullable(Type.String()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  timeline: Type.Array(TimelineEntry),
})]));
export type SupportLicense = Static<typeof SupportLicense>;

export const SupportLookupQuery = Type.Object({ q: Type.String({ minLength: 1, maxLength: 128, description: 'Any capture, order, subscription, sale, license or checkout id.' }) });

export const SupportLookupResponse = Type.Object({
  query: Type.String(),
  licenses: Type.Array(SupportLicense),
  audit: Type.Array(AuditEntry),
});
export type SupportLookupResponse = Static<typeof SupportLookupResponse>;

export const SupportReissueResponse = Type.Object({ license: SupportLicense, entitlement: Entitlement });
export type SupportReissueResponse = Static<typeof SupportReissueResponse>;

// ---- operations --------------------------------------------------------------------------------------------

export const HealthResponse = Type.Object({ ok: Type.Literal(true) });
export const NotReadyResponse = Type.Object({ ok: Type.Literal(false), reason: Type.String() });

// ---- the routes --------------------------------------------------------------------------------------------

/** What fastify and the OpenAPI document take per route: each part declared once, here. */
export interface RouteSchema {
  operationId: string;
  summary: string;
  tags: string[];
  description?: string;
  body?: TSchema;
  params?: TSchema;
  querystring?: TSchema;
  response: Record<number | string, TSchema>;
  security?: Array<Record<string, string[]>>;
}

export interface RouteContract<S extends RouteSchema = RouteSchema> {
  method: 'GET' | 'POST';
  url: string;
  schema: S;
}

const ERRORS = { '4xx': ApiErrorBody, '5xx': ApiErrorBody } as const;
const bearer = (scheme: 'pollToken' | 'supportToken' | 'metricsToken') => [{ [scheme]: [] }];

const route = <const S extends RouteSchema>(method: RouteContract['method'], url: string, schema: S): RouteContract<S> => ({ method, url, schema });

export const API_ROUTES = {
  plans: route('GET', API_PATHS.plans, {
    operationId: 'listPlans', summary: 'The plans on offer', tags: ['app'],
    response: { 200: PlansResponse, ...ERRORS },
  }),
  createCheckout: route('POST', API_PATHS.checkouts, {
    operationId: 'createCheckout', summary: 'Start a checkout for a plan, bound to this anchor', tags: ['app'],
    description: 'Rate-limited per client address and per anchor (429 rate_limited), open checkouts per anchor capped (429 too_many_open_checkouts).',
    body: CreateCheckoutRequest,
    response: { 201: CreateCheckoutResponse, ...ERRORS },
  }),
  pollCheckout: route('GET', '/v1/checkouts/:id', {
    operationId: 'pollCheckout', summary: 'The checkout\'s state; with wait, answers when it changes', tags: ['app'],
    params: CheckoutParams, querystring: PollQuery, security: bearer('pollToken'),
    response: { 200: CheckoutView, ...ERRORS },
  }),
  returnCheckout: route('POST', '/v1/checkouts/:id/return', {
    operationId: 'returnCheckout', summary: 'The buyer came back from PayPal: capture now', tags: ['app'],
    params: CheckoutParams, body: CheckoutReturnRequest, security: bearer('pollToken'),
    response: { 200: CheckoutView, ...ERRORS },
  }),
  cancelCheckout: route('POST', '/v1/checkouts/:id/cancel', {
    operationId: 'cancelCheckout', summary: 'The buyer gave up: cancel the checkout', tags: ['app'],
    params: CheckoutParams, security: bearer('pollToken'),
    response: { 200: CheckoutView, ...ERRORS },
  }),
  refresh: route('POST', API_PATHS.refresh, {
    operationId: 'refreshEntitlement', summary: 'Present the current entitlement, get a fresh one', tags: ['app'],
    body: RefreshRequest,
    response: { 200: RefreshResponse, ...ERRORS },
  }),
  cancelSubscription: route('POST', API_PATHS.cancelSubscription, {
    operationId: 'cancelSubscription', summary: 'Cancel the subscription behind the presented entitlement', tags: ['app'],
    body: CancelSubscriptionRequest,
    response: { 200: CancelSubscriptionResponse, ...ERRORS },
  }),
  releaseLicense: route('POST', API_PATHS.releaseLicense, {
    operationId: 'releaseLicense', summary: 'Release this computer: the license gets a one-time transfer code', tags: ['app'],
    body: ReleaseLicenseRequest,
    response: { 200: ReleaseLicenseResponse, ...ERRORS },
  }),
  redeemTransfer: route('POST', API_PATHS.redeemTransfer, {
    operationId: 'redeemTransferCode', summary: 'Bind a released license to this computer with its transfer code', tags: ['app'],
    body: RedeemTransferRequest,
    response: { 200: RefreshResponse, ...ERRORS },
  }),
  jwks: route('GET', API_PATHS.jwks, {
    operationId: 'getJwks', summary: 'The public keys entitlements are signed with (pin them in the app)', tags: ['app'],
    response: { 200: JwksResponse, ...ERRORS },
  }),
  paypalWebhook: route('POST', API_PATHS.paypalWebhook, {
    operationId: 'paypalWebhook', summary: 'PayPal webhook deliveries', tags: ['paypal'],
    description: 'A PayPal event as PayPal sends it, signed (paypal-transmission-* headers). The signature is verified over the raw bytes before anything is parsed; every fact is then re-read from PayPal\'s API.',
    response: { 200: WebhookAck, ...ERRORS },
  }),
  supportLookup: route('GET', API_PATHS.supportLookup, {
    operationId: 'supportLookup', summary: 'Licenses by any id a customer may hold', tags: ['support'],
    querystring: SupportLookupQuery, security: bearer('supportToken'),
    response: { 200: SupportLookupResponse, ...ERRORS },
  }),
  supportRevoke: route('POST', '/v1/support/licenses/:id/revoke', {
    operationId: 'supportRevoke', summary: 'Revoke a license', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportLicense, ...ERRORS },
  }),
  supportTransfer: route('POST', '/v1/support/licenses/:id/transfer', {
    operationId: 'supportTransfer', summary: 'Move a license to another machine (anchor)', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportLicense, ...ERRORS },
  }),
  supportReissue: route('POST', '/v1/support/licenses/:id/reissue', {
    operationId: 'supportReissue', summary: 'Issue a fresh entitlement for a license', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportReissueResponse, ...ERRORS },
  }),
  healthz: route('GET', '/healthz', {
    operationId: 'healthz', summary: 'The process is up', tags: ['operations'],
    response: { 200: HealthResponse },
  }),
  readyz: route('GET', '/readyz', {
    operationId: 'readyz', summary: 'The store answers and the server is not shutting down', tags: ['operations'],
    response: { 200: HealthResponse, 503: NotReadyResponse },
  }),
} as const;

export type { LicenseStatus };
