// PayPal REST client for the calls the server makes: Orders v2 (create, get, capture), Payments v2 captures,
// Subscriptions v1, v1 sales and disputes. Answers come back as narrowed views (views.ts) and failures as
// PayPalApiError with a machine-readable code (errors.ts).
import type { Clock } from '../../../common/clock';
import { PayPalApiError, isPayPalApiError } from './errors';
import { asObject, get, ids, type Json } from './fields';
import { nodeHttpFetch } from './node-http-fetch';
import { TokenSource } from './token';
import { exchange, type Fetch } from './transport';
import {
  parseCapture, parseCaptureRefund, parseDispute, parseOrder, parsePlan, parseSale, parseSaleRefund, parseSubscription,
  parseSubscriptionTransactions, SUBSCRIPTION_STATUSES,
  type CaptureRefundView, type CaptureView, type DisputeView, type OrderStatus, type OrderView, type PlanView,
  type SaleRefundView, type SaleView, type SubscriptionStatus, type SubscriptionTransactionView, type SubscriptionView,
} from './views';

export interface PayPalClientOptions {
  /** e.g. https://api-m.paypal.com, https://api-m.sandbox.paypal.com or the local sandbox's origin. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  clock: Clock;
  /** Deadline for each HTTP exchange, the token request included. */
  timeoutMs: number;
  /** Defaults to node:http(s) with keep-alive (node-http-fetch.ts). */
  fetch?: Fetch;
}

export interface CreateOrderInput {
  checkoutId: string;
  /** Decimal string in the currency's major unit ("49.00"). */
  amount: string;
  currency: string;
  description: string;
  brandName: string;
  returnUrl: string;
  cancelUrl: string;
}

export interface CreatedOrder {
  orderId: string;
  status: OrderStatus;
  /** The payer-action link: where the buyer approves the payment. */
  approveUrl: string;
}

export type CaptureResult =
  | {
      kind: 'captured';
      orderId: string;
      capture: CaptureView;
      /** The order had been captured before (by another road); this is that capture, fetched. */
      alreadyCaptured: boolean;
    }
  | { kind: 'not-approved'; orderId: string };

export interface CreateSubscriptionInput {
  planId: string;
  checkoutId: string;
  brandName: string;
  returnUrl: string;
  cancelUrl: string;
}

export interface CreatedSubscription {
  subscriptionId: string;
  status: SubscriptionStatus;
  approveUrl: string;
}

/** PayPal-Request-Id values derived from the checkout id, so every retry of a step, by any road, is the same
 *  request to PayPal and creates or captures nothing twice. */
export const requestIds = {
  createOrder: (checkoutId: string) => `hardbound-order-${checkoutId}`,
  captureOrder: (checkoutId: string) => `hardbound-capture-${checkoutId}`,
  /** One full refund per transaction, whoever asks and however often. */
  refund: (transactionId: string) => `hardbound-refund-${transactionId}`,
  createSubscription: (checkoutId: string) => `hardbound-subscription-${checkoutId}`,
};

const MAX_CANCEL_REASON = 128;

export class PayPalClient {
  private readonly tokens: TokenSource;
  private readonly fetch: Fetch;
  private readonly baseUrl: string;

  constructor(private readonly options: PayPalClientOptions) {
    this.fetch = options.fetch ?? nodeHttpFetch;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tokens = new TokenSource({ ...options, baseUrl: this.baseUrl, fetch: this.fetch });
  }

  async createOrder(input: CreateOrderInput): Promise<CreatedOrder> {
    const operation = 'createOrder';
    const body = {
      intent: 'CAPTURE',
      purchase_units: [
        {
          custom_id: input.checkoutId,
          invoice_id: input.checkoutId,
          description: input.description,
          amount: { currency_code: input.currency, value: input.amount },
        },
      ],
      payment_source: {
        paypal: {
          experience_context: {
            brand_name: input.brandName,
            user_action: 'PAY_NOW',
            shipping_preference: 'NO_SHIPPING',
            return_url: input.returnUrl,
            cancel_url: input.cancelUrl,
          },
        },
      },
    };
    const json = await this.call(operation, 'POST', '/v2/checkout/orders', body, {
      'paypal-request-id': requestIds.createOrder(input.checkoutId),
    });
    const order = parseOrder(json);
    const approveUrl = linkHref(json, 'payer-action');
    if (order === undefined || approveUrl === undefined) throw badResponse(operation);
    return { orderId: order.id, status: order.status, approveUrl };
  }

  async getOrder(orderId: string): Promise<OrderView> {
    const json = await this.call('getOrder', 'GET', `/v2/checkout/orders/${pathId(ids.resource, orderId, 'getOrder')}`);
    return parsed('getOrder', parseOrder(json));
  }

  /** Captures an approved order. Repeating `requestId` replays the first answer; an order captured earlier
   *  under another request id yields that capture; an order the buyer has not approved is a result, not an
   *  error, since the server asks on every road and one of them may come first. */
  async captureOrder(orderId: string, requestId: string): Promise<CaptureResult> {
    const operation = 'captureOrder';
    const id = pathId(ids.resource, orderId, operation);
    try {
      const json = await this.call(operation, 'POST', `/v2/checkout/orders/${id}/capture`, {}, {
        'paypal-request-id': requestId,
        prefer: 'return=representation',
      });
      return { kind: 'captured', orderId: id, capture: firstCapture(operation, parseOrder(json)), alreadyCaptured: false };
    } catch (error) {
      if (!isPayPalApiError(error, 'provider_rejected') || error.status !== 422) throw error;
      if (error.issue === 'ORDER_NOT_APPROVED') return { kind: 'not-approved', orderId: id };
      if (error.issue !== 'ORDER_ALREADY_CAPTURED') throw error;
      const capture = firstCapture(operation, await this.getOrder(id));
      return { kind: 'captured', orderId: id, capture, alreadyCaptured: true };
    }
  }

  async getCapture(captureId: string): Promise<CaptureView> {
    const id = pathId(ids.resource, captureId, 'getCapture');
    return parsed('getCapture', parseCapture(await this.call('getCapture', 'GET', `/v2/payments/captures/${id}`)));
  }

  async createSubscription(input: CreateSubscriptionInput): Promise<CreatedSubscription> {
    const operation = 'createSubscription';
    const body = {
      plan_id: input.planId,
      custom_id: input.checkoutId,
      application_context: {
        brand_name: input.brandName,
        user_action: 'SUBSCRIBE_NOW',
        shipping_preference: 'NO_SHIPPING',
        return_url: input.returnUrl,
        cancel_url: input.cancelUrl,
      },
    };
    const json = await this.call(operation, 'POST', '/v1/billing/subscriptions', body, {
      'paypal-request-id': requestIds.createSubscription(input.checkoutId),
      prefer: 'return=minimal',
    });
    const subscriptionId = ids.subscription(get(asObject(json), 'id'));
    const status = SUBSCRIPTION_STATUSES.find((s) => s === get(asObject(json), 'status'));
    const approveUrl = linkHref(json, 'approve');
    if (subscriptionId === undefined || status === undefined || approveUrl === undefined) throw badResponse(operation);
    return { subscriptionId, status, approveUrl };
  }

  async getSubscription(subscriptionId: string): Promise<SubscriptionView> {
    const id = pathId(ids.subscription, subscriptionId, 'getSubscription');
    return parsed('getSubscription', parseSubscription(await this.call('getSubscription', 'GET', `/v1/billing/subscriptions/${id}`)));
  }

  /** The plan's billing cycle: how long a paid cycle lasts once a subscription no longer shows its next date. */
  async getPlan(planId: string): Promise<PlanView> {
    const id = pathId(ids.plan, planId, 'getPlan');
    return parsed('getPlan', parsePlan(await this.call('getPlan', 'GET', `/v1/billing/plans/${id}`)));
  }

  /** PayPal answers 204; the BILLING.SUBSCRIPTION.CANCELLED webhook follows. */
  async cancelSubscription(subscriptionId: string, reason: string): Promise<void> {
    const id = pathId(ids.subscription, subscriptionId, 'cancelSubscription');
    await this.call('cancelSubscription', 'POST', `/v1/billing/subscriptions/${id}/cancel`, {
      reason: reason.slice(0, MAX_CANCEL_REASON),
    });
  }

  /** A full refund of what is left of the capture (no amount: PayPal's full refund). The PAYMENT.CAPTURE.REFUNDED
   *  webhook follows; repeating `requestId` replays the first answer instead of refunding twice. */
  async refundCapture(captureId: string, requestId: string): Promise<CaptureRefundView> {
    const id = pathId(ids.resource, captureId, 'refundCapture');
    const json = await this.call('refundCapture', 'POST', `/v2/payments/captures/${id}/refund`, {}, {
      'paypal-request-id': requestId,
      prefer: 'return=representation',
    });
    return parsed('refundCapture', parseCaptureRefund(json));
  }

  /** A full refund of a subscription's sale (v1; an empty body refunds it all). PAYMENT.SALE.REFUNDED follows. */
  async refundSale(saleId: string, requestId: string): Promise<SaleRefundView> {
    const id = pathId(ids.resource, saleId, 'refundSale');
    const json = await this.call('refundSale', 'POST', `/v1/payments/sale/${id}/refund`, {}, { 'paypal-request-id': requestId });
    return parsed('refundSale', parseSaleRefund(json));
  }

  async getSale(saleId: string): Promise<SaleView> {
    const id = pathId(ids.resource, saleId, 'getSale');
    return parsed('getSale', parseSale(await this.call('getSale', 'GET', `/v1/payments/sale/${id}`)));
  }

  async getCaptureRefund(refundId: string): Promise<CaptureRefundView> {
    const id = pathId(ids.resource, refundId, 'getCaptureRefund');
    return parsed('getCaptureRefund', parseCaptureRefund(await this.call('getCaptureRefund', 'GET', `/v2/payments/refunds/${id}`)));
  }

  async getSaleRefund(refundId: string): Promise<SaleRefundView> {
    const id = pathId(ids.resource, refundId, 'getSaleRefund');
    return parsed('getSaleRefund', parseSaleRefund(await this.call('getSaleRefund', 'GET', `/v1/payments/refund/${id}`)));
  }

  /** The subscription's payments between two times (PayPal requires both). */
  async listSubscriptionTransactions(subscriptionId: string, from: number, to: number): Promise<SubscriptionTransactionView[]> {
    const operation = 'listSubscriptionTransactions';
    const id = pathId(ids.subscription, subscriptionId, operation);
    const query = new URLSearchParams({ start_time: new Date(from).toISOString(), end_time: new Date(to).toISOString() });
    return parsed(operation, parseSubscriptionTransactions(await this.call(operation, 'GET', `/v1/billing/subscriptions/${id}/transactions?${query}`)));
  }

  async getDispute(disputeId: string): Promise<DisputeView> {
    const id = pathId(ids.dispute, disputeId, 'getDispute');
    return parsed('getDispute', parseDispute(await this.call('getDispute', 'GET', `/v1/customer/disputes/${id}`)));
  }

  /**
   * PayPal's verify-webhook-signature API. PayPal computes the CRC over `webhook_event` as it receives it,
   * so the event goes in as the exact bytes that were delivered, not re-serialised.
   */
  async verifyWebhookSignature(input: { headers: Record<string, string>; rawEvent: string; webhookId: string }): Promise<boolean> {
    const h = input.headers;
    const fields = {
      auth_algo: h['paypal-auth-algo'], cert_url: h['paypal-cert-url'], transmission_id: h['paypal-transmission-id'],
      transmission_sig: h['paypal-transmission-sig'], transmission_time: h['paypal-transmission-time'], webhook_id: input.webhookId,
    };
    const raw = `${JSON.stringify(fields).slice(0, -1)},"webhook_event":${input.rawEvent}}`;
    const json = await this.call('verifyWebhookSignature', 'POST', '/v1/notifications/verify-webhook-signature', { raw });
    return get(asObject(json), 'verification_status') === 'SUCCESS';
  }

  /** One authorized call; a 401 means the cached token went stale at PayPal, so it is renewed once. */
  private async call(
    operation: string,
    method: 'GET' | 'POST',
    path: string,
    body?: Json | { raw: string },
    extraHeaders: Record<string, string> = {},
  ): Promise<unknown> {
    const text = body === undefined ? undefined : 'raw' in body && typeof body.raw === 'string' ? body.raw : JSON.stringify(body);
    const send = async (token: string) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', ...extraHeaders };
      if (text !== undefined) headers['content-type'] = 'application/json';
      const request = { operation, method, url: `${this.baseUrl}${path}`, headers };
      const answer = await exchange(this.fetch, this.options.timeoutMs, text === undefined ? request : { ...request, body: text });
      return answer.json;
    };
    const token = await this.tokens.get();
    try {
      return await send(token);
    } catch (error) {
      if (!isPayPalApiError(error, 'provider_rejected') || error.status !== 401) throw error;
      this.tokens.invalidate(token);
      return send(await this.tokens.get());
    }
  }
}

/** An id that cannot be PayPal's never reaches a URL path: no such resource can exist. */
function pathId(check: (value: unknown) => string | undefined, id: string, operation: string): string {
  if (check(id) === undefined) throw new PayPalApiError('not_found', { operation });
  return id;
}

function parsed<T>(operation: string, view: T | undefined): T {
  if (view === undefined) throw badResponse(operation);
  return view;
}

function firstCapture(operation: string, order: OrderView | undefined): CaptureView {
  const capture = order?.captures[0];
  if (capture === undefined) throw badResponse(operation);
  return capture;
}

function badResponse(operation: string): PayPalApiError {
  return new PayPalApiError('provider_unavailable', { operation, cause: 'bad_response' });
}

function linkHref(json: unknown, rel: string): string | undefined {
  const links = get(asObject(json), 'links');
  if (!Array.isArray(links)) return undefined;
  const href = get(asObject(links.find((link) => get(asObject(link), 'rel') === rel)), 'href');
  return typeof href === 'string' && URL.canParse(href) && /^https?:$/.test(new URL(href).protocol) ? href : undefined;
}
