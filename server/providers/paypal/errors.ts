// PayPal's failures as the provider-neutral ProviderError (../errors.ts), with PayPal's error name kept apart.
import { ProviderError, type ProviderErrorCode, type ProviderErrorDetail } from '../errors';

export type PayPalErrorCode = ProviderErrorCode;
export type { UnavailableCause } from '../errors';

export interface PayPalErrorDetail extends ProviderErrorDetail {
  /** PayPal's error `name` (REST) or `error` (OAuth), e.g. "UNPROCESSABLE_ENTITY". */
  paypalName?: string;
}

export class PayPalApiError extends ProviderError {
  override name = 'PayPalApiError';
  declare readonly detail: PayPalErrorDetail;

  constructor(code: PayPalErrorCode, detail: PayPalErrorDetail) {
    super('paypal', code, detail, detail.paypalName);
  }
}

export function isPayPalApiError(error: unknown, code?: PayPalErrorCode): error is PayPalApiError {
  return error instanceof PayPalApiError && (code === undefined || error.code === code);
}
