// The Webhooks Management API (v1 notifications) names its errors differently from Orders v2.
import { PayPalError } from '../errors';

export const webhookErrors = {
  validation: (field: string, issue: string, location: 'body' | 'query' = 'body') =>
    new PayPalError(400, 'VALIDATION_ERROR', [{ field, location, issue, description: issue }], 'Invalid data provided'),
  urlAlreadyExists: () => new PayPalError(400, 'WEBHOOK_URL_ALREADY_EXISTS', [], 'Webhook URL already exists.'),
  numberLimitExceeded: () =>
    new PayPalError(400, 'WEBHOOK_NUMBER_LIMIT_EXCEEDED', [], "The webhook's number limit has exceeded."),
  invalidResourceId: () => new PayPalError(404, 'INVALID_RESOURCE_ID', [], 'Resource id is invalid.'),
};

/** Looks a record up by id or throws the notifications API's 404. */
export function foundOr404<T>(map: Map<string, T>, id: string): T {
  const value = map.get(id);
  if (value === undefined) throw webhookErrors.invalidResourceId();
  return value;
}
