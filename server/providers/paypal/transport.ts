// One HTTP exchange with PayPal: a deadline on the whole exchange (headers and body), JSON in and out, and
// every failure turned into a PayPalApiError. Response bodies are parsed, never kept or logged.
import { asObject, enumValue, get, getArray } from './fields';
import { PayPalApiError, type PayPalErrorDetail } from './errors';

/** What an exchange needs of an HTTP client; globalThis.fetch fits, and so does nodeHttpFetch (the default). */
export type Fetch = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; redirect: 'error' },
) => Promise<FetchAnswer>;

export interface FetchAnswer {
  status: number;
  text(): Promise<string>;
}

export interface Exchange {
  operation: string;
  url: string;
  method: 'GET' | 'POST' | 'PATCH';
  headers: Record<string, string>;
  body?: string;
}

export interface Answer {
  status: number;
  /** Parsed JSON, or undefined for an empty body (204). */
  json: unknown;
}

export async function exchange(fetchImpl: Fetch, timeoutMs: number, request: Exchange): Promise<Answer> {
  const { operation } = request;
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let text: string;
  try {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal,
      redirect: 'error',
    });
    status = response.status;
    text = await response.text();
  } catch {
    throw new PayPalApiError('provider_unavailable', { operation, cause: signal.aborted ? 'timeout' : 'network' });
  }
  const json = parseJson(text);
  if (status >= 200 && status < 300) {
    if (json === INVALID) throw new PayPalApiError('provider_unavailable', { operation, status, cause: 'bad_response' });
    return { status, json };
  }
  throw errorFor(operation, status, json === INVALID ? undefined : json);
}

const INVALID = Symbol('invalid JSON');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID;
  }
}

/** PayPal's REST errors carry name/details[].issue/debug_id; its OAuth errors carry `error`. Only those
 *  identifiers are kept: messages and descriptions may echo request values. */
function errorFor(operation: string, status: number, body: unknown): PayPalApiError {
  const object = asObject(body);
  const firstDetail = asObject(getArray(object, 'details')?.[0]);
  const detail: PayPalErrorDetail = { operation, status };
  const paypalName = identifier(get(object, 'name')) ?? identifier(get(object, 'error'));
  const issue = enumValue(get(firstDetail, 'issue'));
  const debugId = identifier(get(object, 'debug_id'));
  if (paypalName !== undefined) detail.paypalName = paypalName;
  if (issue !== undefined) detail.issue = issue;
  if (debugId !== undefined) detail.debugId = debugId;
  if (status === 404) return new PayPalApiError('not_found', detail);
  if (status === 429) return new PayPalApiError('provider_unavailable', { ...detail, cause: 'rate_limited' });
  if (status >= 500) return new PayPalApiError('provider_unavailable', { ...detail, cause: 'server_error' });
  return new PayPalApiError('provider_rejected', detail);
}

function identifier(value: unknown): string | undefined {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : undefined;
}
