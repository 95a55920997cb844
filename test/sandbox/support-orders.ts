// Shared by the orders-area sandbox tests: a started sandbox, an access token, a small JSON client and the
// steps most tests start from (an order created, approved, captured).
import { PayPalError } from '../../sandbox/errors';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/index';
import { accessToken } from './support-auth';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** undefined: the suite's token; null: no Authorization header. */
  token?: string | null;
}

export interface OrdersHarness {
  sandbox: Sandbox;
  token: string;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startHarness(options: SandboxOptions = {}): Promise<OrdersHarness> {
  const sandbox = await startSandbox({ port: 0, ...options });
  const token = await accessToken(sandbox);
  const call = async (method: string, path: string, opts: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    const bearer = opts.token === undefined ? token : opts.token;
    if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${sandbox.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : {} };
  };
  return { sandbox, token, call, close: () => sandbox.close() };
}

export interface OrderOverrides {
  amount?: string;
  currency?: string;
  customId?: string;
  invoiceId?: string;
  /** Legacy application_context instead of payment_source.paypal.experience_context. */
  legacy?: boolean;
  returnUrl?: string;
  cancelUrl?: string;
  brandName?: string;
}

export function orderBody(o: OrderOverrides = {}): Json {
  const context = {
    return_url: o.returnUrl ?? 'https://merchant.example/checkout/return',
    cancel_url: o.cancelUrl ?? 'https://merchant.example/checkout/cancel',
    ...(o.brandName ? { brand_name: o.brandName } : {}),
  };
  return {
    intent: 'CAPTURE',
    purchase_units: [
      {
        amount: { currency_code: o.currency ?? 'USD', value: o.amount ?? '49.00' },
        custom_id: o.customId ?? 'chk_01HXYZ',
        ...(o.invoiceId ? { invoice_id: o.invoiceId } : {}),
        description: 'Hardbound Enterprise (lifetime)',
      },
    ],
    ...(o.legacy
      ? { application_context: context }
      : { payment_source: { paypal: { experience_context: context } } }),
  };
}

export async function createOrder(h: OrdersHarness, o: OrderOverrides = {}): Promise<string> {
  const reply = await h.call('POST', '/v2/checkout/orders', { body: orderBody(o) });
  if (reply.status !== 201) throw new Error(`create order answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.id as string;
}

export async function approvedOrder(h: OrdersHarness, o: OrderOverrides = {}): Promise<string> {
  const id = await createOrder(h, o);
  h.sandbox.control.approveOrder(id);
  return id;
}

/** Creates, approves and captures an order; returns the order id and its capture. */
export async function capturedOrder(h: OrdersHarness, o: OrderOverrides = {}): Promise<{ orderId: string; capture: Json }> {
  const orderId = await approvedOrder(h, o);
  const reply = await h.call('POST', `/v2/checkout/orders/${orderId}/capture`);
  if (reply.status !== 201) throw new Error(`capture answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return { orderId, capture: reply.body.purchase_units[0].payments.captures[0] as Json };
}

/** Published events of one type, newest first, through PayPal's events API. */
export async function eventsOfType(h: OrdersHarness, eventType: string): Promise<Json[]> {
  const reply = await h.call('GET', `/v1/notifications/webhooks-events?event_type=${encodeURIComponent(eventType)}&page_size=300`);
  if (reply.status !== 200) throw new Error(`events API answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.events as Json[];
}

/** The one published event of a type whose resource satisfies `match`. */
export async function eventFor(h: OrdersHarness, eventType: string, match: (resource: Json) => boolean): Promise<Json> {
  const found = (await eventsOfType(h, eventType)).filter((e) => match(e.resource as Json));
  if (found.length !== 1) throw new Error(`expected one ${eventType} event, found ${found.length}`);
  return found[0] as Json;
}

export function link(resource: Json, rel: string): Json | undefined {
  return (resource.links as Json[]).find((l) => l.rel === rel);
}

/** The PayPal issue code a control function threw, or undefined when it did not throw one. */
export function thrownIssue(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof PayPalError) return error.details[0]?.issue;
    throw error;
  }
  return undefined;
}
