// The companion server's HTTP API over axios (its fetch adapter, on the injected transport): per-request
// timeouts, retries with back-off on network errors and 5xx (never on 4xx), and every failure turned into a
// ServerClientError.
import axios, { type AxiosInstance } from 'axios';
import {
  API_PATHS,
  type CancelSubscriptionRequest,
  type CancelSubscriptionResponse,
  type CheckoutView,
  type CreateCheckoutRequest,
  type CreateCheckoutResponse,
  type RedeemTransferRequest,
  type RefreshRequest,
  type RefreshResponse,
  type ReleaseLicenseRequest,
  type ReleaseLicenseResponse,
} from '../../common/api';
import type { PlanCatalog } from '../../common/app-state';
import type { HttpTransport } from './http-transport';
import { asCancelled, asCheckoutView, asCreatedCheckout, asPlans, asRefreshed, asReleased } from './response-shapes';
import { backoffDelay, DEFAULT_RETRY, type RetryPolicy } from './retry-policy';
import { NOT_UNDERSTOOD, ServerClientError, toServerError } from './server-errors';
import { sleep, systemTimers, type Timers } from './timers';

export interface ServerClientOptions {
  baseUrl: string;
  transport: HttpTransport;
  /** Per request, for everything but the long poll. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  timers?: Timers;
  random?: () => number;
}

/** Who the buyer pays through (null: the plan's default provider) and, only for a provider that requires it,
 *  the buyer's e-mail. */
export interface PaymentChoice {
  provider: string | null;
  email: string | null;
}

/** What polling, returning and cancelling a checkout need. */
export type CheckoutTicket = Pick<CreateCheckoutResponse, 'checkoutId' | 'pollToken'>;

/** The calls an upgrade makes (tests stand in for the server with this). */
export type CheckoutApi = Pick<ServerClient, 'baseUrl' | 'createCheckout' | 'poll' | 'returned' | 'cancel'>;

/** A long poll may take `wait` seconds by design; it gets this much on top before counting as lost. */
const LONG_POLL_MARGIN_MS = 10_000;

interface Call<T> {
  what: string;
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
  bearer?: string;
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
  read: (body: unknown) => T | null;
}

export class ServerClient {
  readonly baseUrl: string;
  private readonly http: AxiosInstance;
  private readonly retry: RetryPolicy;
  private readonly timers: Timers;
  private readonly random: () => number;
  private readonly timeoutMs: number;

  constructor(options: ServerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timers = options.timers ?? systemTimers;
    this.random = options.random ?? Math.random;
    const { transport } = options;
    this.http = axios.create({
      baseURL: this.baseUrl,
      headers: { accept: 'application/json' },
      // Redirects would carry the poll token to wherever they point (the fetch adapter asks for 'manual').
      maxRedirects: 0,
      adapter: 'fetch',
      // axios's env types predate the DOM lib's Response constructor; the value is the transport's own.
      env: { fetch: (input, init) => transport.fetch(input as Request, init), Request: transport.Request, Response: transport.Response as never },
    });
  }

  listPlans(signal?: AbortSignal): Promise<PlanCatalog> {
    return this.send({ what: 'Loading the plans', method: 'GET', url: API_PATHS.plans, signal, read: asPlans });
  }

  /** The buyer's e-mail, for a provider that requires it, is in this one request body and nowhere else. */
  createCheckout(anchor: string, planId: string, payment: PaymentChoice, signal?: AbortSignal, entitlement?: string | null): Promise<CreateCheckoutResponse> {
    const body: CreateCheckoutRequest = {
      anchor, plan: planId,
      ...(payment.provider ? { provider: payment.provider } : {}),
      ...(payment.email ? { email: payment.email } : {}),
      ...(entitlement ? { entitlement } : {}),
    };
    return this.send({ what: 'Starting the checkout', method: 'POST', url: API_PATHS.checkouts, body, signal, read: asCreatedCheckout });
  }

  /** GET /v1/checkouts/:id?wait=N: answers at once when settled, else when it changes or N seconds pass. */
  poll(ticket: CheckoutTicket, waitSeconds: number, signal?: AbortSignal): Promise<CheckoutView> {
    return this.send({
      what: 'Checking the payment',
      method: 'GET',
      url: `${API_PATHS.checkout(ticket.checkoutId)}?wait=${waitSeconds}`,
      bearer: ticket.pollToken,
      timeoutMs: waitSeconds * 1000 + LONG_POLL_MARGIN_MS,
      signal,
      read: asCheckoutView,
    });
  }

  /** The buyer came back from the provider's page: the server settles now instead of waiting for the webhook. */
  returned(ticket: CheckoutTicket, orderToken: string | null, signal?: AbortSignal): Promise<CheckoutView> {
    return this.send({
      what: 'Confirming the payment',
      method: 'POST',
      url: API_PATHS.checkoutReturn(ticket.checkoutId),
      body: orderToken === null ? {} : { token: orderToken },
      bearer: ticket.pollToken,
      signal,
      read: asCheckoutView,
    });
  }

  cancel(ticket: CheckoutTicket, signal?: AbortSignal): Promise<CheckoutView> {
    return this.send({
      what: 'Cancelling the checkout',
      method: 'POST',
      url: API_PATHS.checkoutCancel(ticket.checkoutId),
      body: {},
      bearer: ticket.pollToken,
      signal,
      read: asCheckoutView,
    });
  }

  refresh(anchor: string, token: string, signal?: AbortSignal): Promise<RefreshResponse> {
    const body: RefreshRequest = { anchor, token };
    return this.send({ what: 'Refreshing the license', method: 'POST', url: API_PATHS.refresh, body, signal, read: asRefreshed });
  }

  /** Presents the entitlement like a refresh; the server asks the provider to cancel, waits briefly for its
   *  notice and answers with the license as it then stands. */
  cancelSubscription(anchor: string, token: string, signal?: AbortSignal): Promise<CancelSubscriptionResponse> {
    const body: CancelSubscriptionRequest = { anchor, token };
    return this.send({ what: 'Cancelling the subscription', method: 'POST', url: API_PATHS.cancelSubscription, body, signal, read: asCancelled });
  }

  /** "Release this computer": presents the entitlement; the server unbinds the license and answers a transfer code. */
  releaseLicense(anchor: string, token: string, signal?: AbortSignal): Promise<ReleaseLicenseResponse> {
    const body: ReleaseLicenseRequest = { anchor, token };
    return this.send({ what: 'Releasing this computer', method: 'POST', url: API_PATHS.releaseLicense, body, signal, read: asReleased });
  }

  /** Binds a released license to this machine with its transfer code. */
  redeemTransferCode(anchor: string, code: string, signal?: AbortSignal): Promise<RefreshResponse> {
    const body: RedeemTransferRequest = { anchor, code };
    return this.send({ what: 'Moving the license to this computer', method: 'POST', url: API_PATHS.redeemTransfer, body, signal, read: asRefreshed });
  }

  private async send<T>(call: Call<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(call);
      } catch (error) {
        const failure = toServerError(error, call.what);
        if (!failure.retryable || attempt >= this.retry.attempts) throw failure;
        try {
          await sleep(this.timers, backoffDelay(this.retry, attempt, this.random), call.signal);
        } catch {
          throw new ServerClientError('aborted', `${call.what} was stopped`);
        }
      }
    }
  }

  private async once<T>(call: Call<T>): Promise<T> {
    const response = await this.http.request({
      method: call.method,
      url: call.url,
      data: call.body,
      timeout: call.timeoutMs ?? this.timeoutMs,
      headers: call.bearer ? { authorization: `Bearer ${call.bearer}` } : {},
      ...(call.signal ? { signal: call.signal } : {}),
    });
    const value = call.read(response.data);
    if (value === null) throw new ServerClientError('bad_response', `${call.what} failed: ${NOT_UNDERSTOOD}`, response.status);
    return value;
  }
}
