// Paystack's error body: `status: false` and a message, with `meta.nextStep`, `type` and `code` where Paystack
// documents them (test/fixtures/paystack/error.*.json).

export interface PaystackErrorDetail {
  nextStep?: string;
  type?: 'validation_error' | 'processor_error' | 'api_error';
  code?: string;
}

export class PaystackError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly detail: PaystackErrorDetail = {},
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      status: false,
      message: this.message,
      ...(this.detail.nextStep !== undefined ? { meta: { nextStep: this.detail.nextStep } } : {}),
      ...(this.detail.type !== undefined ? { type: this.detail.type } : {}),
      ...(this.detail.code !== undefined ? { code: this.detail.code } : {}),
    };
  }
}

export const paystackErrors = {
  /** Documented for every endpoint: a missing or wrong secret key. */
  invalidKey: () => new PaystackError(401, 'Invalid key'),
  /** Documented sample: a required parameter missing ("Email Address is required"). */
  missing: (message: string) =>
    new PaystackError(400, message, { nextStep: 'Provide all required params ', type: 'validation_error', code: 'missing_params' }),
  invalid: (message: string, nextStep?: string) =>
    new PaystackError(400, message, { type: 'validation_error', code: 'invalid_params', ...(nextStep ? { nextStep } : {}) }),
  /** Documented (Initialize Transaction's 400 example). */
  duplicateReference: () =>
    new PaystackError(400, 'Duplicate Transaction Reference', {
      nextStep: 'Try and create the Transaction or Charge with a new reference',
      type: 'validation_error',
      code: 'duplicate_reference',
    }),
  /** Verify of a reference Paystack never saw: 400 with this message, as Paystack answers it (its OpenAPI
   *  description lists a 404 "Entity not found"; the live API sends this 400). */
  referenceNotFound: () =>
    new PaystackError(400, 'Transaction reference not found', {
      nextStep: "Ensure that you're passing the reference of a transaction that exists on this integration",
      type: 'validation_error',
      code: 'transaction_not_found',
    }),
  notFound: (message: string) => new PaystackError(404, message),
  serverError: (status = 500) =>
    new PaystackError(status, 'An error occurred while processing your request. Please try again.', { type: 'api_error', code: 'unknown' }),
};
