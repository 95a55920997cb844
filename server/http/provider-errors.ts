// The one place a provider's failure (ProviderError) becomes an HTTP answer, in a sentence naming the provider.
import { isProviderError, type ProviderError } from '../providers/errors';
import { ApiError } from './api-error';

/** A call made for the buyer (start or settle a checkout, cancel a subscription): retry later, or not at all. */
export function buyerFacing(error: ProviderError, providerName: string): ApiError {
  if (error.code === 'provider_rejected') return new ApiError(502, 'provider_rejected', `${providerName} refused the request; try again or contact support.`);
  return new ApiError(503, 'provider_unavailable', `${providerName} could not be reached; try again in a moment.`);
}

/** A support action: nothing else was changed when the provider refused or could not be reached. */
export function supportFacing(error: unknown, providerName: string, action: string): Error {
  if (isProviderError(error, 'provider_rejected') || isProviderError(error, 'not_found')) {
    return new ApiError(409, 'provider_rejected', `${providerName} refused the ${action}${error.issue ? ` (${error.issue})` : ''}; nothing else was changed.`);
  }
  if (isProviderError(error)) return new ApiError(503, 'provider_unavailable', `${providerName} could not be reached, so the ${action} was not made; try again in a moment.`);
  return error instanceof Error ? error : new Error(String(error));
}
