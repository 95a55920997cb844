import type { ApiErrorBody, ApiErrorCode } from '../../common/api';

/** A failure the client can act on: an HTTP status, a machine-readable code and a plain sentence. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
  body(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export const apiErrors = {
  badRequest: (message: string) => new ApiError(400, 'bad_request', message),
  notFound: (message = 'No such resource.') => new ApiError(404, 'not_found', message),
  unauthorized: (message = 'A valid bearer token is required.') => new ApiError(401, 'unauthorized', message),
};
