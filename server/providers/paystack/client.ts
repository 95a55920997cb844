// Paystack REST client for the calls the server makes: transaction initialize and verify, subscriptions (fetch,
// list a customer's, disable), refunds and disputes. Bearer secret key; a deadline on every exchange; answers
// come back as narrowed views (views.ts) and failures as PaystackApiError. Bodies are parsed, never kept or logged.
import { PaystackApiError } from './errors';
import { get, text } from './json';
import {
  parseDispute, parsePlan, parseRefund, parseSubscription, parseTransaction,
  type DisputeView, type PlanView, type RefundView, type SubscriptionView, type TransactionView,
} from './views';

export interface PaystackClientOptions {
  /** https://api.paystack.co, or a stand-in's origin (PAYSTACK_API_BASE). */
  baseUrl: string;
  secretKey: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export interface InitializeInput {
  /** The buyer's e-mail: sent to Paystack, not kept anywhere here. */
  email: string;
  /** In the currency's subunit. */
  amount: number;
  currency: string;
  reference: string;
  callbackUrl: string;
  checkoutId: string;
  cancelUrl: string;
  /** A subscription to this plan starts with the payment. */
  planCode?: string;
}

export class PaystackClient {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PaystackClientOptions) {
    this.fetchImpl = options.fetch ?? globalThis.fetch;
  }

  async initialize(input: InitializeInput): Promise<{ authorizationUrl: string; reference: string }> {
    const data = await this.call('initializeTransaction', 'POST', '/transaction/initialize', {
      email: input.email,
      amount: String(input.amount),
      currency: input.currency,
      reference: input.reference,
      callback_url: input.callbackUrl,
      // cancel_action: where Paystack's page sends the buyer on Cancel.
      metadata: { checkout_id: input.checkoutId, cancel_action: input.cancelUrl },
      ...(input.planCode ? { plan: input.planCode } : {}),
    });
    const authorizationUrl = text(get(data, 'authorization_url'), /^https?:\/\/\S+$/);
    const reference = text(get(data, 'reference'), /^\S{1,100}$/);
    if (!authorizationUrl || !reference) throw this.badResponse('initializeTransaction');
    return { authorizationUrl, reference };
  }

  async verify(reference: string): Promise<TransactionView> {
    return this.parsed('verifyTransaction', await this.call('verifyTransaction', 'GET', `/transaction/verify/${encodeURIComponent(reference)}`), parseTransaction);
  }

  async getSubscription(code: string): Promise<SubscriptionView> {
    return this.parsed('fetchSubscription', await this.call('fetchSubscription', 'GET', `/subscription/${encodeURIComponent(code)}`), parseSubscription);
  }

  /** A customer's subscriptions (one page of 50: a buyer holds a few at most). */
  async listSubscriptions(customerId: string): Promise<SubscriptionView[]> {
    const data = await this.call('listSubscriptions', 'GET', `/subscription?customer=${encodeURIComponent(customerId)}&perPage=50`);
    if (!Array.isArray(data)) throw this.badResponse('listSubscriptions');
    return data.map(parseSubscription).filter((s): s is SubscriptionView => s !== undefined);
  }

  /** A customer's transactions (one page of 50, newest first). */
  async listTransactions(customerId: string): Promise<TransactionView[]> {
    const data = await this.call('listTransactions', 'GET', `/transaction?customer=${encodeURIComponent(customerId)}&perPage=50`);
    if (!Array.isArray(data)) throw this.badResponse('listTransactions');
    return data.map(parseTransaction).filter((t): t is TransactionView => t !== undefined);
  }

  async disableSubscription(code: string, emailToken: string): Promise<void> {
    await this.call('disableSubscription', 'POST', '/subscription/disable', { code, token: emailToken });
  }

  async refund(reference: string): Promise<RefundView> {
    return this.parsed('createRefund', await this.call('createRefund', 'POST', '/refund', { transaction: reference }), parseRefund);
  }

  /** The refunds of one transaction (by its numeric id). */
  async listRefunds(transactionId: string): Promise<RefundView[]> {
    const data = await this.call('listRefunds', 'GET', `/refund?transaction=${encodeURIComponent(transactionId)}&perPage=50`);
    if (!Array.isArray(data)) throw this.badResponse('listRefunds');
    return data.map(parseRefund).filter((r): r is RefundView => r !== undefined);
  }

  async getPlan(code: string): Promise<PlanView> {
    return this.parsed('fetchPlan', await this.call('fetchPlan', 'GET', `/plan/${encodeURIComponent(code)}`), parsePlan);
  }

  async getDispute(id: string): Promise<DisputeView> {
    return this.parsed('fetchDispute', await this.call('fetchDispute', 'GET', `/dispute/${encodeURIComponent(id)}`), parseDispute);
  }

  private parsed<T>(operation: string, data: unknown, parse: (data: unknown) => T | undefined): T {
    const view = parse(data);
    if (view === undefined) throw this.badResponse(operation);
    return view;
  }

  private badResponse(operation: string): PaystackApiError {
    return new PaystackApiError('provider_unavailable', { operation, cause: 'bad_response' });
  }

  /** One exchange; the answer's `data`. Paystack answers {status, message, data}; a 4xx carries a message only. */
  private async call(operation: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    let status: number;
    let raw: string;
    try {
      const response = await this.fetchImpl(`${this.options.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.options.secretKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal,
        redirect: 'error',
      });
      status = response.status;
      raw = await response.text();
    } catch {
      throw new PaystackApiError('provider_unavailable', { operation, cause: signal.aborted ? 'timeout' : 'network' });
    }
    let json: unknown;
    try {
      json = raw.trim() === '' ? undefined : JSON.parse(raw);
    } catch {
      json = undefined;
    }
    if (status === 404) throw new PaystackApiError('not_found', { operation, status });
    if (status === 429 || status >= 500) throw new PaystackApiError('provider_unavailable', { operation, status, cause: status === 429 ? 'rate_limited' : 'server_error' });
    // Paystack's own error codes (e.g. "transaction_not_found") where it sends one; never its message text.
    const issue = text(get(json, 'code'), /^[a-z][a-z_]{0,63}$/);
    if (status >= 400) throw new PaystackApiError(issue === 'transaction_not_found' ? 'not_found' : 'provider_rejected', { operation, status, ...(issue ? { issue } : {}) });
    if (status < 200 || status >= 300 || get(json, 'status') !== true) throw this.badResponse(operation);
    return get(json, 'data');
  }
}
