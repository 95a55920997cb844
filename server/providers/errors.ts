// Failures of a call to a payment provider, as values every provider throws and every caller reads the same way.
// They carry the provider's own diagnostics (status, error name, issue, debug id: what its support asks for) and
// never any part of a response body, which may hold payer data. One place maps them to HTTP answers
// (server/http/provider-errors.ts).

export type ProviderErrorCode =
  /** Network error, timeout, 5xx, 429 or an answer we cannot read: worth retrying later. */
  | 'provider_unavailable'
  /** The provider refused the request (4xx): retrying the same request will not help. */
  | 'provider_rejected'
  | 'not_found';

export type UnavailableCause = 'timeout' | 'network' | 'server_error' | 'rate_limited' | 'bad_response';

export interface ProviderErrorDetail {
  /** Which client call failed, e.g. "captureOrder". */
  operation: string;
  status?: number;
  /** The provider's specific issue, e.g. PayPal's "ORDER_NOT_APPROVED". */
  issue?: string;
  debugId?: string;
  cause?: UnavailableCause;
}

export class ProviderError extends Error {
  override name = 'ProviderError';

  constructor(
    /** Which provider: "paypal", "paystack". */
    readonly provider: string,
    readonly code: ProviderErrorCode,
    readonly detail: ProviderErrorDetail,
    /** The provider's own error name, e.g. PayPal's "UNPROCESSABLE_ENTITY": for the message. */
    errorName?: string,
  ) {
    const parts = [detail.status, detail.cause, errorName, detail.issue, detail.debugId && `debug_id=${detail.debugId}`];
    super(`${detail.operation}: ${code} (${parts.filter(Boolean).join(' ')})`);
  }

  get status(): number | undefined {
    return this.detail.status;
  }
  get issue(): string | undefined {
    return this.detail.issue;
  }
}

export function isProviderError(error: unknown, code?: ProviderErrorCode): error is ProviderError {
  return error instanceof ProviderError && (code === undefined || error.code === code);
}
