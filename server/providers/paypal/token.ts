// OAuth2 client-credentials access token: fetched once, shared by concurrent callers, reused until shortly
// before it expires on the injected clock, and dropped when PayPal refuses it.
import type { Clock } from '../../../common/clock';
import { PayPalApiError } from './errors';
import { asObject, get } from './fields';
import { exchange, type Fetch } from './transport';

/** Renew this long before expiry, so a token is never sent in its last moments (clocks drift, calls take time). */
const RENEW_BEFORE_MS = 5 * 60_000;

export interface TokenSourceOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  clock: Clock;
  timeoutMs: number;
  fetch: Fetch;
}

export class TokenSource {
  private current: { token: string; renewAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: TokenSourceOptions) {}

  get(): Promise<string> {
    if (this.current !== undefined && this.options.clock.now() < this.current.renewAt) {
      return Promise.resolve(this.current.token);
    }
    this.pending ??= this.request().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Forgets `token` (PayPal answered 401 to it) unless a newer one has replaced it already. */
  invalidate(token: string): void {
    if (this.current?.token === token) this.current = undefined;
  }

  private async request(): Promise<string> {
    const { baseUrl, clientId, clientSecret, clock, timeoutMs } = this.options;
    const requestedAt = clock.now();
    const { json, status } = await exchange(this.options.fetch, timeoutMs, {
      operation: 'getAccessToken',
      url: `${baseUrl}/v1/oauth2/token`,
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: 'grant_type=client_credentials',
    });
    const body = asObject(json);
    const token = get(body, 'access_token');
    const expiresIn = get(body, 'expires_in');
    if (typeof token !== 'string' || token === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
      throw new PayPalApiError('provider_unavailable', { operation: 'getAccessToken', status, cause: 'bad_response' });
    }
    const lifetimeMs = expiresIn * 1000;
    this.current = { token, renewAt: requestedAt + lifetimeMs - Math.min(RENEW_BEFORE_MS, lifetimeMs / 2) };
    return token;
  }
}
