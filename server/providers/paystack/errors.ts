// Paystack's failures as the provider-neutral ProviderError: the HTTP status and Paystack's message code when it
// sends one, never any part of a body (which may hold the customer's data).
import { ProviderError, type ProviderErrorCode, type ProviderErrorDetail } from '../errors';

export class PaystackApiError extends ProviderError {
  override name = 'PaystackApiError';

  constructor(code: ProviderErrorCode, detail: ProviderErrorDetail) {
    super('paystack', code, detail);
  }
}
