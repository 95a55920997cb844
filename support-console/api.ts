// The console's only way to the server: the support API, same origin, with the session cookie (httpOnly: this
// code never sees it) and the session's CSRF token on every POST. Paths are relative to /support/, so a public
// URL with a path prefix works too. The support token is sent once, to sign in, and kept nowhere.
import type {
  ApiErrorBody, CancelAccess, SupportAction, SupportActionResponse, SupportLicensePage, SupportLookupResponse, SupportSessionResponse, SupportSessionState,
} from '../common/api';

export class ConsoleApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

const base = new URL('../', document.baseURI);
let csrfToken = '';

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path.replace(/^\//, ''), base), {
      method,
      credentials: 'same-origin',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'POST' ? { 'x-csrf-token': csrfToken } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ConsoleApiError(0, 'network', 'The server could not be reached. Check your connection and try again.');
  }
  const json = (await res.json().catch(() => null)) as unknown;
  if (!res.ok) {
    const error = (json as ApiErrorBody | null)?.error;
    throw new ConsoleApiError(res.status, error?.code ?? 'unknown', error?.message ?? `The server answered ${res.status}.`);
  }
  return json as T;
}

export async function currentSession(): Promise<SupportSessionState> {
  const state = await call<SupportSessionState>('GET', '/v1/support/session');
  if (state.signedIn) csrfToken = state.csrfToken;
  return state;
}

export async function signIn(token: string): Promise<SupportSessionResponse> {
  const session = await call<SupportSessionResponse>('POST', '/v1/support/session', { token });
  csrfToken = session.csrfToken;
  return session;
}

export async function signOut(): Promise<void> {
  await call('POST', '/v1/support/session/sign-out');
  csrfToken = '';
}

export function lookup(q: string, reason: string): Promise<SupportLookupResponse> {
  const query = new URLSearchParams({ q });
  if (reason.trim()) query.set('reason', reason.trim());
  return call('GET', `/v1/support/lookup?${query}`);
}

export function licensePage(id: string, reason: string): Promise<SupportLicensePage> {
  const query = new URLSearchParams();
  if (reason.trim()) query.set('reason', reason.trim());
  return call('GET', `/v1/support/licenses/${encodeURIComponent(id)}${query.toString() ? `?${query}` : ''}`);
}

export function act(id: string, action: SupportAction, input: { reason: string; anchor?: string; accessUntil?: CancelAccess }): Promise<SupportActionResponse> {
  return call('POST', `/v1/support/licenses/${encodeURIComponent(id)}/${action}`, input);
}
