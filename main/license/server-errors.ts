// What can go wrong talking to the companion server, as values the flow and the UI can act on.
import axios from 'axios';
import type { ApiErrorBody, ApiErrorCode } from '../../common/api';

export type ServerErrorKind =
  /** No answer: refused, reset, DNS, timeout. Retried. */
  | 'offline'
  /** 5xx. Retried. */
  | 'server_error'
  /** 4xx: the server understood and said no. Never retried. */
  | 'rejected'
  /** A 2xx whose body is not what the API promises. */
  | 'bad_response'
  /** Our own AbortSignal fired. */
  | 'aborted';

export class ServerClientError extends Error {
  constructor(
    readonly kind: ServerErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The server's machine-readable code from its {error:{code,message}} body, when there is one. */
    readonly code: ApiErrorCode | null = null,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'offline' || this.kind === 'server_error';
  }
}

export function isServerClientError(error: unknown): error is ServerClientError {
  return error instanceof ServerClientError;
}

function errorBody(data: unknown): ApiErrorBody['error'] | null {
  if (typeof data !== 'object' || data === null) return null;
  const inner = (data as { error?: unknown }).error;
  if (typeof inner !== 'object' || inner === null) return null;
  const { code, message } = inner as { code?: unknown; message?: unknown };
  return typeof code === 'string' && typeof message === 'string' ? { code: code as ApiErrorCode, message } : null;
}

// What a person reads: a sentence and what to do about it, never an errno or a status code (those stay on
// the error's `status`/`code` and its cause, for logs).
export const UNREACHABLE = 'the license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.';
const TOO_SLOW = 'the license server did not answer in time. Check your internet connection and try again.';
const SERVER_TROUBLE = 'the license server had a problem. Try again in a moment.';
const REFUSED = 'the license server did not accept the request. Make sure the app is up to date, then try again.';
export const NOT_UNDERSTOOD = 'the license server\'s answer was not understood. Try again; if it keeps happening, update the app.';

/** Maps whatever axios threw to a ServerClientError. */
export function toServerError(error: unknown, what: string): ServerClientError {
  if (error instanceof ServerClientError) return error;
  if (axios.isCancel(error)) return new ServerClientError('aborted', `${what} was stopped.`);
  if (axios.isAxiosError(error)) {
    const response = error.response;
    if (!response) {
      const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT';
      return new ServerClientError('offline', `${what} failed: ${timedOut ? TOO_SLOW : UNREACHABLE}`);
    }
    const body = errorBody(response.data);
    const kind = response.status >= 500 ? 'server_error' : 'rejected';
    const message = body?.message ?? `${what} failed: ${kind === 'server_error' ? SERVER_TROUBLE : REFUSED}`;
    return new ServerClientError(kind, message, response.status, body?.code ?? null);
  }
  return new ServerClientError('bad_response', `${what} failed: ${NOT_UNDERSTOOD}`);
}
