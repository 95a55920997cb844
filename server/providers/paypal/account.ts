// The PayPal calls that set an account up and check it: credentials, webhook listeners, the catalog product
// and billing plans. Used by `hardbound-server paypal setup` and by production's start checks, never on the
// payment path (that is client.ts). Answers come back narrowed to the fields read here.
import type { Clock } from '../../../common/clock';
import { PayPalApiError } from './errors';
import { asObject, get, getArray, getObject, type Json } from './fields';
import { nodeHttpFetch } from './node-http-fetch';
import { TokenSource } from './token';
import { exchange, type Fetch } from './transport';

export interface PayPalAccountOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  clock: Clock;
  timeoutMs: number;
  fetch?: Fetch;
}

export interface WebhookListener {
  id: string;
  url: string;
  /** Subscribed event type names; '*' stands for every type. */
  eventTypes: string[];
}

export interface CatalogProduct {
  id: string;
  name: string;
}

export type IntervalUnit = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

export interface BillingPlan {
  id: string;
  productId: string;
  name: string;
  status: string;
  description: string | null;
  /** The regular billing cycle; null when PayPal's answer carries none (list summaries). */
  cycle: { unit: IntervalUnit; count: number; price: { value: string; currency: string } } | null;
}

export interface NewBillingPlan {
  productId: string;
  name: string;
  description: string;
  unit: IntervalUnit;
  count: number;
  price: { value: string; currency: string };
}

const PAGE_SIZE = 20;
/** Enough pages for any real catalog; a longer list is not read to its end. */
const MAX_PAGES = 50;

export class PayPalAccount {
  private readonly tokens: TokenSource;
  private readonly fetch: Fetch;
  private readonly baseUrl: string;

  constructor(private readonly options: PayPalAccountOptions) {
    this.fetch = options.fetch ?? nodeHttpFetch;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.tokens = new TokenSource({ ...options, baseUrl: this.baseUrl, fetch: this.fetch });
  }

  /** Fails with PayPal's refusal when the client id and secret do not get an access token. */
  async verifyCredentials(): Promise<void> {
    await this.tokens.get();
  }

  async getWebhook(id: string): Promise<WebhookListener> {
    return listener('getWebhook', await this.call('getWebhook', 'GET', `/v1/notifications/webhooks/${encodeURIComponent(id)}`));
  }

  async listWebhooks(): Promise<WebhookListener[]> {
    const json = await this.call('listWebhooks', 'GET', '/v1/notifications/webhooks');
    return (getArray(asObject(json), 'webhooks') ?? []).map((w) => listener('listWebhooks', w));
  }

  async createWebhook(url: string, eventTypes: readonly string[], requestId: string): Promise<WebhookListener> {
    const body = { url, event_types: eventTypes.map((name) => ({ name })) };
    return listener('createWebhook', await this.call('createWebhook', 'POST', '/v1/notifications/webhooks', body, { 'paypal-request-id': requestId }));
  }

  async setWebhookEventTypes(id: string, eventTypes: readonly string[]): Promise<WebhookListener> {
    const patch = [{ op: 'replace', path: '/event_types', value: eventTypes.map((name) => ({ name })) }];
    return listener('updateWebhook', await this.call('updateWebhook', 'PATCH', `/v1/notifications/webhooks/${encodeURIComponent(id)}`, patch));
  }

  /** null when there is no such product. */
  async getProduct(id: string): Promise<CatalogProduct | null> {
    try {
      return product('getProduct', await this.call('getProduct', 'GET', `/v1/catalogs/products/${encodeURIComponent(id)}`));
    } catch (error) {
      if (error instanceof PayPalApiError && error.code === 'not_found') return null;
      throw error;
    }
  }

  async createProduct(input: { id: string; name: string; description: string }, requestId: string): Promise<CatalogProduct> {
    const body = { ...input, type: 'SERVICE', category: 'SOFTWARE' };
    return product('createProduct', await this.call('createProduct', 'POST', '/v1/catalogs/products', body, { 'paypal-request-id': requestId }));
  }

  /** The product's plans as PayPal lists them (summaries: no billing cycle; read one with getPlan). */
  async listPlans(productId: string): Promise<BillingPlan[]> {
    const plans: BillingPlan[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = `product_id=${encodeURIComponent(productId)}&page_size=${PAGE_SIZE}&page=${page}&total_required=true`;
      const json = asObject(await this.call('listPlans', 'GET', `/v1/billing/plans?${query}`));
      plans.push(...(getArray(json, 'plans') ?? []).map((p) => billingPlan('listPlans', p)));
      const totalPages = get(json, 'total_pages');
      if (typeof totalPages !== 'number' || page >= totalPages) break;
    }
    return plans;
  }

  async getPlan(id: string): Promise<BillingPlan> {
    return billingPlan('getPlan', await this.call('getPlan', 'GET', `/v1/billing/plans/${encodeURIComponent(id)}`));
  }

  async createPlan(input: NewBillingPlan, requestId: string): Promise<BillingPlan> {
    const body = {
      product_id: input.productId,
      name: input.name,
      description: input.description,
      status: 'ACTIVE',
      billing_cycles: [{
        frequency: { interval_unit: input.unit, interval_count: input.count },
        tenure_type: 'REGULAR',
        sequence: 1,
        total_cycles: 0,
        pricing_scheme: { fixed_price: { value: input.price.value, currency_code: input.price.currency } },
      }],
      payment_preferences: { auto_bill_outstanding: true, payment_failure_threshold: 3 },
    };
    const json = await this.call('createPlan', 'POST', '/v1/billing/plans', body, {
      'paypal-request-id': requestId,
      prefer: 'return=representation',
    });
    return billingPlan('createPlan', json);
  }

  private async call(
    operation: string,
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: Json | Json[],
    extraHeaders: Record<string, string> = {},
  ): Promise<unknown> {
    const token = await this.tokens.get();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const request = { operation, method, url: `${this.baseUrl}${path}`, headers };
    const answer = await exchange(this.fetch, this.options.timeoutMs, body === undefined ? request : { ...request, body: JSON.stringify(body) });
    return answer.json;
  }
}

function badResponse(operation: string): PayPalApiError {
  return new PayPalApiError('provider_unavailable', { operation, cause: 'bad_response' });
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function listener(operation: string, value: unknown): WebhookListener {
  const json = asObject(value);
  const id = text(get(json, 'id'));
  const url = text(get(json, 'url'));
  const types = getArray(json, 'event_types')?.map((t) => text(get(asObject(t), 'name')));
  if (id === undefined || url === undefined || types === undefined || types.some((t) => t === undefined)) throw badResponse(operation);
  return { id, url, eventTypes: types as string[] };
}

function product(operation: string, value: unknown): CatalogProduct {
  const json = asObject(value);
  const id = text(get(json, 'id'));
  const name = text(get(json, 'name'));
  if (id === undefined || name === undefined) throw badResponse(operation);
  return { id, name };
}

const UNITS: readonly IntervalUnit[] = ['DAY', 'WEEK', 'MONTH', 'YEAR'];

function billingPlan(operation: string, value: unknown): BillingPlan {
  const json = asObject(value);
  const id = text(get(json, 'id'));
  const productId = text(get(json, 'product_id'));
  const name = text(get(json, 'name'));
  const status = text(get(json, 'status'));
  if (id === undefined || productId === undefined || name === undefined || status === undefined) throw badResponse(operation);
  return { id, productId, name, status, description: text(get(json, 'description')) ?? null, cycle: regularCycle(json) };
}

function regularCycle(plan: Json | undefined): BillingPlan['cycle'] {
  const regular = getArray(plan, 'billing_cycles')?.map(asObject).find((c) => get(c, 'tenure_type') === 'REGULAR');
  const frequency = getObject(regular, 'frequency');
  const unit = UNITS.find((u) => u === get(frequency, 'interval_unit'));
  const count = get(frequency, 'interval_count');
  const price = getObject(regular, 'pricing_scheme', 'fixed_price');
  const amount = text(get(price, 'value'));
  const currency = text(get(price, 'currency_code'));
  if (unit === undefined || typeof count !== 'number' || amount === undefined || currency === undefined) return null;
  return { unit, count, price: { value: amount, currency } };
}
