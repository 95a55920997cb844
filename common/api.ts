// The companion server's HTTP API, shared by the server (handlers) and the app (client): one source of truth.
// Every body, parameter and answer is a JSON schema (TypeBox); the TypeScript types are derived from those
// schemas, the server validates requests and serializes answers with them (API_ROUTES), the app checks answers
// with them (main/license/response-shapes.ts), and GET /openapi.json publishes them.
import { Type, type Static, type TSchema } from 'typebox';
import { ANCHOR_PATTERN } from './anchor';
import { Entitlement, EntitlementToken } from './entitlement';
import { LicenseStatus, LicenseView } from './license';
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
  webhook: (provider: string) => `/v1/webhooks/${encodeURIComponent(provider)}`,
  supportLookup: '/v1/support/lookup',
  supportLicense: (licenseId: string) => `/v1/support/licenses/${encodeURIComponent(licenseId)}`,
  supportAction: (licenseId: string, action: SupportAction) =>
    `/v1/support/licenses/${encodeURIComponent(licenseId)}/${action}`,
  supportSession: '/v1/support/session',
  supportSignOut: '/v1/support/session/sign-out',
  supportConsole: '/support/',
  openapi: '/openapi.json',
} as const;

/** Where a provider delivers this server's webhooks: the URL to register with it (/v1/webhooks/:provider). */
export function webhookUrl(publicUrl: string, provider: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${API_PATHS.webhook(provider)}`;
}

/** Where PayPal delivers this server's webhooks: the URL its listener must be registered with. */
export function paypalWebhookUrl(publicUrl: string): string {
  return webhookUrl(publicUrl, 'paypal');
}

export const MAX_WAIT_SECONDS = 30;

// ---- errors ------------------------------------------------------------------------------------------------

export const ApiErrorCode = Type.Enum([
  'bad_request',
  'invalid_json',
  'invalid_anchor',
  'unknown_plan',
  'unknown_provider',
  'provider_not_offered',
  'email_required',
  'invalid_email',
  'source_not_allowed',
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
  'action_not_allowed',
  'second_person_required',
  'session_expired',
  'csrf_rejected',
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

/** A payment provider this server sells through, as the app offers it. */
export const ProviderInfo = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 32, description: 'What POST /v1/checkouts takes as provider ("paypal", "paystack").' }),
  name: Type.String({ minLength: 1, description: 'As the buyer reads it ("PayPal", "Paystack").' }),
  requiresEmail: Type.Boolean({ description: 'The buyer\'s e-mail must be sent with POST /v1/checkouts (passed to the provider, never stored).' }),
  checkoutHosts: Type.Array(Type.String(), { description: 'Hosts of the provider\'s checkout pages: the app\'s checkout window must allow them.' }),
});
export type ProviderInfo = Static<typeof ProviderInfo>;

export const PlansResponse = Type.Object({
  plans: Type.Array(Plan),
  providers: Type.Optional(Type.Array(ProviderInfo, { description: 'Every provider some plan lists, once.' })),
});
export type PlansResponse = Static<typeof PlansResponse>;

export const CreateCheckoutRequest = Type.Object({
  anchor: Anchor,
  plan: Type.String({ minLength: 1, maxLength: 63, description: 'A plan id from GET /v1/plans.' }),
  provider: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'One of the plan\'s providers (GET /v1/plans); default: the first.' })),
  email: Type.Optional(Type.String({
    minLength: 3,
    maxLength: 254,
    pattern: '^[^\\s@]+@[^\\s@]+$',
    description: 'The buyer\'s e-mail, only for a provider that requires it (Paystack): passed to the provider at the start of its checkout, never stored or logged here.',
    [ERROR_CODE_KEYWORD]: 'invalid_email',
  })),
  entitlement: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 8192,
    description: "The app's current entitlement token, if it has one: proof that this machine's own app asks, which a lifetime purchase needs to replace (cancel) the machine's subscription. A machine code alone never cancels anything.",
  })),
});
export type CreateCheckoutRequest = Static<typeof CreateCheckoutRequest>;

export const CreateCheckoutResponse = Type.Object({
  checkoutId: Id('The checkout, to poll, return to or cancel.'),
  provider: Type.String({ minLength: 1, maxLength: 32, description: 'The provider the buyer pays through (GET /v1/plans lists its name).' }),
  approveUrl: Type.String({ pattern: '^https?://[^\\s]+$', description: 'Where the buyer approves the payment (the provider\'s checkout page).' }),
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
  token: Type.Optional(Type.String({ maxLength: 128, description: 'The provider\'s reference from the return URL: PayPal\'s order id (`token`) or subscription id (`subscription_id`), Paystack\'s transaction reference (`reference`).' })),
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
// Why access changed is a claim of the signed entitlement itself (`why`, common/entitlement.ts), so it stays
// with the token it explains and shows offline too.
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
    description: 'recorded: the provider\'s cancellation webhook has been applied; requested: the provider accepted it, the webhook is still on its way (the next refresh shows it). Access continues until license.accessEndsAt either way.',
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
export const WebhookParams = Type.Object({ provider: Type.String({ minLength: 1, maxLength: 32, description: 'paypal or paystack.' }) });

// ---- support -----------------------------------------------------------------------------------------------

/** read: look up only; act: look up and act. */
export const SupportRole = Type.Enum(['read', 'act']);
export type SupportRole = Static<typeof SupportRole>;

export const SupportAction = Type.Enum(['refund', 'cancel', 'revoke', 'restore', 'transfer', 'reissue']);
export type SupportAction = Static<typeof SupportAction>;

/** The person acting, when a tool acts for them (the CLI's --actor); the audit names them beside the token. */
const SupportPerson = Type.String({ pattern: '^[\\w.@ -]{1,64}$', description: 'The person acting for whom a tool calls (the CLI\'s --actor); the audit names them beside the token.' });

/** cancel only: PayPal stops billing at once either way (it has no "at period end"); this says when access ends. */
export const CancelAccess = Type.Enum(['period_end', 'now']);
export type CancelAccess = Static<typeof CancelAccess>;

export const SupportActionRequest = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why (a ticket number, what the customer asked); kept in the audit trail.' }),
  /** transfer only: the new anchor (the machine code the customer copied). */
  anchor: Type.Optional(Anchor),
  accessUntil: Type.Optional(CancelAccess),
  actor: Type.Optional(SupportPerson),
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
  /** Money-path events that changed nothing: a claim PayPal's API did not bear out, or a delivery we could not read. */
  outcome: Type.Optional(Type.Enum(['not_confirmed', 'unreadable'])),
  /** A reason code or a short account of what changed (never anything from a webhook body). */
  note: Type.Optional(Type.String()),
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

/** The kinds of id a lookup recognises; anything else is `not_an_id`, and nothing of it is stored. */
export const SupportIdKind = Type.Enum([
  'license', 'checkout', 'machine_code', 'short_machine_code', 'subscription', 'dispute', 'paypal_id', 'paystack_id', 'not_an_id',
]);
export type SupportIdKind = Static<typeof SupportIdKind>;

export const SupportLookupQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 256, description: 'Any id a customer may hold: PayPal\'s capture/transaction, order, subscription (I-…), sale, refund, dispute (PP-…); Paystack\'s transaction reference, subscription code (SUB_…), transaction or dispute id; license, checkout, or the app\'s machine code. Spaces and case do not matter where the id\'s own alphabet allows.' }),
  reason: Type.Optional(Type.String({ maxLength: 500, description: 'Why you look (a ticket number); kept in the audit trail.' })),
  actor: Type.Optional(SupportPerson),
});

export const SupportLookupResponse = Type.Object({
  query: Type.String({ description: 'The id as it was understood (trimmed, case-normalized); empty when it is not an id of ours.' }),
  kind: SupportIdKind,
  licenses: Type.Array(SupportLicense),
  /** Ids we know that differ from the query by a character or two (found nothing only). */
  suggestions: Type.Array(Type.Object({ id: Type.String(), kind: SupportIdKind })),
  audit: Type.Array(AuditEntry),
});
export type SupportLookupResponse = Static<typeof SupportLookupResponse>;

/** What the provider says about the license's subscription or payment right now, read for this page. */
export const ProviderLiveState = Type.Union([
  Type.Object({
    kind: Type.Literal('subscription'),
    id: Type.String(),
    status: Type.String(),
    nextBillingAt: Nullable(IsoTime),
    lastPayment: Nullable(Type.Object({ amount: Type.String(), currency: Type.String(), at: IsoTime })),
    failedPayments: Type.Integer({ minimum: 0 }),
  }),
  Type.Object({
    kind: Type.Literal('payment'),
    id: Type.String(),
    api: Type.Enum(['capture', 'sale', 'transaction']),
    status: Type.String(),
    amount: Type.String(),
    currency: Type.String(),
  }),
  Type.Object({ kind: Type.Literal('none'), reason: Type.String() }),
  Type.Object({ kind: Type.Literal('unavailable'), reason: Type.String() }),
]);
export type ProviderLiveState = Static<typeof ProviderLiveState>;

/** An action the license's state allows, with what it does to money and access, said before it is done. */
export const SupportActionOffer = Type.Object({
  action: SupportAction,
  consequence: Type.String(),
  /** cancel: when access ends, each with its own consequence. */
  options: Type.Optional(Type.Array(Type.Object({ accessUntil: CancelAccess, consequence: Type.String() }))),
});
export type SupportActionOffer = Static<typeof SupportActionOffer>;

export const SupportLicensePage = Type.Object({
  license: SupportLicense,
  /** Other licenses bound to the same machine: its access is the best of them. */
  sameMachine: Type.Array(Type.Object({ id: Type.String(), planId: Type.String(), status: LicenseStatus, tier: Type.Enum(['free', 'enterprise']) })),
  audit: Type.Array(AuditEntry),
  /** The provider's live state (license.provider names the provider). */
  live: ProviderLiveState,
  /** What this token may do to the license in its state; a read-only token is offered nothing. */
  actions: Type.Array(SupportActionOffer),
});
export type SupportLicensePage = Static<typeof SupportLicensePage>;

export const SupportActionResponse = Type.Object({
  license: SupportLicense,
  /** What happened, in a sentence for the person who acted. */
  outcome: Type.String(),
  /** reissue only: the token to send the customer and the sentence to send with it. */
  entitlement: Type.Optional(Entitlement),
  message: Type.Optional(Type.String()),
});
export type SupportActionResponse = Static<typeof SupportActionResponse>;

/** Console sign-in: the support token goes in the body once and becomes an httpOnly session cookie. */
export const SupportSignInRequest = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) });
export type SupportSignInRequest = Static<typeof SupportSignInRequest>;

export const SupportSessionResponse = Type.Object({
  signedIn: Type.Literal(true),
  name: Type.String(),
  role: SupportRole,
  /** Send it as the x-csrf-token header on every POST made with the session cookie. */
  csrfToken: Type.String(),
  idleTimeoutSeconds: Type.Integer({ minimum: 1 }),
  expiresAt: IsoTime,
});
export type SupportSessionResponse = Static<typeof SupportSessionResponse>;

/** GET /v1/support/session: the session, or that there is none (the console then shows its sign-in). */
export const SupportSessionState = Type.Union([
  SupportSessionResponse,
  Type.Object({ signedIn: Type.Literal(false), ended: Type.Boolean({ description: 'A session cookie came, but its session has ended (timed out, signed out, token revoked).' }) }),
]);
export type SupportSessionState = Static<typeof SupportSessionState>;

export const SignedOutResponse = Type.Object({ signedOut: Type.Boolean() });

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
    operationId: 'returnCheckout', summary: 'The buyer came back from the provider\'s page: settle now', tags: ['app'],
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
  webhook: route('POST', '/v1/webhooks/:provider', {
    operationId: 'providerWebhook', summary: 'A payment provider\'s webhook deliveries (paypal, paystack)', tags: ['providers'],
    description: 'An event as the provider sends it, signed (PayPal: paypal-transmission-* headers; Paystack: x-paystack-signature). The signature is verified over the raw bytes before anything is parsed; every fact is then re-read from the provider\'s API. PayPal\'s listener URL /v1/webhooks/paypal is this route.',
    params: WebhookParams,
    response: { 200: WebhookAck, ...ERRORS },
  }),
  supportLookup: route('GET', API_PATHS.supportLookup, {
    operationId: 'supportLookup', summary: 'Licenses by any id a customer may hold', tags: ['support'],
    description: 'Bearer support token or console session. One audit row per lookup: the id kind and the licenses found, never a query that is not one of our ids.',
    querystring: SupportLookupQuery, security: bearer('supportToken'),
    response: { 200: SupportLookupResponse, ...ERRORS },
  }),
  supportLicense: route('GET', '/v1/support/licenses/:id', {
    operationId: 'supportLicense', summary: 'A license page: license, timeline, audit, live PayPal state, the actions its state allows', tags: ['support'],
    params: SupportLicenseParams, querystring: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })), actor: Type.Optional(SupportPerson) }), security: bearer('supportToken'),
    response: { 200: SupportLicensePage, ...ERRORS },
  }),
  supportRefund: route('POST', '/v1/support/licenses/:id/refund', {
    operationId: 'supportRefund', summary: 'Refund the payment funding the license in full, at PayPal', tags: ['support'],
    description: 'A subscription is cancelled at PayPal first, so nothing is charged again. The license then follows PayPal\'s refund webhook (or reconciliation), as any refund.',
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportActionResponse, ...ERRORS },
  }),
  supportCancel: route('POST', '/v1/support/licenses/:id/cancel', {
    operationId: 'supportCancel', summary: 'Cancel the subscription at PayPal', tags: ['support'],
    description: 'PayPal stops billing at once. accessUntil period_end (default): Enterprise until the paid-through date; now: the license is revoked too.',
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportActionResponse, ...ERRORS },
  }),
  supportRevoke: route('POST', '/v1/support/licenses/:id/revoke', {
    operationId: 'supportRevoke', summary: 'Revoke a license (a billing subscription is cancelled at PayPal first)', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportActionResponse, ...ERRORS },
  }),
  supportRestore: route('POST', '/v1/support/licenses/:id/restore', {
    operationId: 'supportRestore', summary: 'Undo a revocation (another person than the one who revoked)', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportActionResponse, ...ERRORS },
  }),
  supportTransfer: route('POST', '/v1/support/licenses/:id/transfer', {
    operationId: 'supportTransfer', summary: 'Move a license to another machine (anchor)', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportActionResponse, ...ERRORS },
  }),
  supportReissue: route('POST', '/v1/support/licenses/:id/reissue', {
    operationId: 'supportReissue', summary: 'Issue a fresh entitlement for a license, to send the customer', tags: ['support'],
    params: SupportLicenseParams, body: SupportActionRequest, security: bearer('supportToken'),
    response: { 200: SupportActionResponse, ...ERRORS },
  }),
  supportSignIn: route('POST', API_PATHS.supportSession, {
    operationId: 'supportSignIn', summary: 'Console sign-in: a support token in, an httpOnly session cookie out', tags: ['support'],
    description: 'Failed attempts are audited (never the token) and limited per client address.',
    body: SupportSignInRequest,
    response: { 200: SupportSessionResponse, ...ERRORS },
  }),
  supportSession: route('GET', API_PATHS.supportSession, {
    operationId: 'supportSession', summary: 'The console session: who, role, CSRF token; or signedIn false', tags: ['support'],
    response: { 200: SupportSessionState, ...ERRORS },
  }),
  supportSignOut: route('POST', API_PATHS.supportSignOut, {
    operationId: 'supportSignOut', summary: 'End the console session', tags: ['support'],
    response: { 200: SignedOutResponse, ...ERRORS },
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

export type { LicenseStatus } from './license';
