// PayPal's error bodies. REST v2 (orders) and v1 (billing, notifications) share the name/message/debug_id/
// details shape; OAuth uses the RFC 6749 error/error_description shape.
import { ids } from './ids';

export interface PayPalErrorDetail {
  issue: string;
  description: string;
  field?: string;
  value?: string;
  location?: 'body' | 'path' | 'query' | 'header';
}

const MESSAGES: Record<string, string> = {
  INVALID_REQUEST: 'Request is not well-formed, syntactically incorrect, or violates schema.',
  AUTHENTICATION_FAILURE:
    'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
  NOT_AUTHORIZED: 'Authorization failed due to insufficient permissions.',
  RESOURCE_NOT_FOUND: 'The specified resource does not exist.',
  UNPROCESSABLE_ENTITY:
    'The requested action could not be performed, semantically incorrect, or failed business validation.',
  INTERNAL_SERVER_ERROR: 'An internal server error has occurred.',
};

export class PayPalError extends Error {
  /** PayPal links each error to its documentation; specific errors to their own anchor. */
  informationLink = 'https://developer.paypal.com/docs/api/overview/#error';

  constructor(
    readonly status: number,
    readonly errorName: keyof typeof MESSAGES | string,
    readonly details: PayPalErrorDetail[] = [],
    message?: string,
  ) {
    super(message ?? MESSAGES[errorName] ?? errorName);
  }

  body(): Record<string, unknown> {
    const debugId = ids.debug();
    return {
      name: this.errorName,
      message: this.message,
      debug_id: debugId,
      ...(this.details.length ? { details: this.details } : {}),
      links: [{ href: this.informationLink, rel: 'information_link', method: 'GET' }],
    };
  }
}

export const errors = {
  invalidRequest: (details: PayPalErrorDetail[]) => new PayPalError(400, 'INVALID_REQUEST', details),
  missingField: (field: string) =>
    new PayPalError(400, 'INVALID_REQUEST', [
      { field, location: 'body', issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field / parameter is missing.' },
    ]),
  invalidField: (field: string, value: unknown, description: string) =>
    new PayPalError(400, 'INVALID_REQUEST', [
      { field, value: String(value), location: 'body', issue: 'INVALID_PARAMETER_VALUE', description },
    ]),
  notFound: (description = 'Specified resource ID does not exist. Please check the resource ID and try again.') =>
    new PayPalError(404, 'RESOURCE_NOT_FOUND', [{ issue: 'INVALID_RESOURCE_ID', description }]),
  unprocessable: (issue: string, description: string) =>
    new PayPalError(422, 'UNPROCESSABLE_ENTITY', [{ issue, description }]),
  authentication: () => new PayPalError(401, 'AUTHENTICATION_FAILURE'),
};

/** OAuth2 token endpoint errors are not PayPal's REST shape but RFC 6749's. */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
  body(): Record<string, string> {
    return { error: this.error, error_description: this.description };
  }
}
