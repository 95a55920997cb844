// Failures of a PayPal call as values the server can act on. They carry PayPal's error name, issue and
// debug id (what PayPal support asks for) and never any part of a response body, which may hold payer data.

export type PayPalErrorCode =
  /** Network error, timeout, 5xx, 429 or an answer we cannot read: worth retrying later. */
  | 'provider_unavailable'
  /** PayPal refused the request (4xx): retrying the same request will not help. */
  | 'provider_rejected'
  | 'not_found';

export type UnavailableCause = 'timeout' | 'network' | 'server_error' | 'rate_limited' | 'bad_response';

export interface PayPalErrorDetail {
  /** Which client call failed, e.g. "captureOrder". */
  operation: string;
  status?: number;
  /** PayPal's error `name` (REST) or `error` (OAuth), e.g. "UNPROCESSABLE_ENTITY". */
  paypalName?: string;
  /** The first `details[].issue`, e.g. "ORDER_NOT_APPROVED". */
  issue?: string;
  debugId?: string;
  cause?: UnavailableCause;
}

export class PayPalApiError extends Error {
  override readonly name = 'PayPalApiError';

  constructor(
    readonly code: PayPalErrorCode,
    readonly detail: PayPalErrorDetail,
  ) {
    const parts = [detail.status, detail.cause, detail.paypalName, detail.issue, detail.debugId && `debug_id=${detail.debugId}`];
    super(`${detail.operation}: ${code} (${parts.filter(Boolean).join(' ')})`);
  }

  get status(): number | undefined {
    return this.detail.status;
  }
  get issue(): string | undefined {
    return this.detail.issue;
  }
}

export function isPayPalApiError(error: unknown, code?: PayPalErrorCode): error is PayPalApiError {
  return error instanceof PayPalApiError && (code === undefined || error.code === code);
}
