// Orders and payments errors in PayPal's words: the issue codes, descriptions and field pointers its
// Orders v2 and Payments v2 APIs answer with.
import { PayPalError, type PayPalErrorDetail } from '../errors';

const DESCRIPTIONS: Record<string, string> = {
  MISSING_REQUIRED_PARAMETER: 'A required field / parameter is missing.',
  INVALID_PARAMETER_VALUE: 'The value of a field is invalid.',
  INVALID_PARAMETER_SYNTAX: 'The value of a field does not conform to the expected format.',
  INVALID_STRING_LENGTH: 'The value of a field is either too short or too long.',
  INVALID_ARRAY_MIN_ITEMS: 'The number of items in an array parameter is too small.',
  INVALID_ARRAY_MAX_ITEMS: 'The number of items in an array parameter is too large.',
  INVALID_CURRENCY_CODE: 'Currency code is invalid or is not currently supported.',
  CURRENCY_NOT_SUPPORTED: 'Currency code is not currently supported.',
  CANNOT_BE_ZERO_OR_NEGATIVE: 'Must be greater than zero. If the currency supports decimals, only two decimal place precision is supported.',
  DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
  DECIMALS_NOT_SUPPORTED:
    'Currency does not support decimals. Please refer to https://developer.paypal.com/docs/api/reference/currency-codes/ for more information.',
  DUPLICATE_REFERENCE_ID: '`reference_id` must be unique if multiple `purchase_unit` are provided.',
  REFERENCE_ID_REQUIRED: '`reference_id` is required for each `purchase_unit` if multiple `purchase_unit` are provided.',
  MULTI_CURRENCY_ORDER: 'Multiple differing values of currency_code are not supported. Entire Order request must have the same currency_code.',
  UNSUPPORTED_INTENT: 'intent=AUTHORIZE is not supported by this sandbox; create the order with intent=CAPTURE.',
  PAYMENT_SOURCE_NOT_SUPPORTED: 'Only payment_source.paypal is supported by this sandbox.',
  ORDER_NOT_APPROVED:
    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
  ORDER_ALREADY_CAPTURED: "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
  PENDING_CAPTURE: 'Cannot initiate a refund as the capture is pending.',
  CAPTURE_FULLY_REFUNDED: 'The capture has already been fully refunded',
  REFUND_AMOUNT_EXCEEDED: 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
  REFUND_CAPTURE_CURRENCY_MISMATCH: 'Refund must be in the same currency as the capture.',
  REFUND_NOT_PERMITTED_DUE_TO_CHARGEBACK:
    'Refunds not allowed on this capture due to a chargeback on the card or bank. Please contact the payee to resolve the chargeback.',
  REFUND_NOT_ALLOWED: 'The capture was not completed, so it cannot be refunded.',
  // Control API only: states a test asked for that PayPal could not reach.
  ORDER_ALREADY_APPROVED: 'The buyer has already approved this order.',
  CAPTURE_NOT_PENDING: 'Only a PENDING capture can be completed or denied.',
  DISPUTE_ALREADY_RESOLVED: 'The dispute has already been resolved.',
};

export type ResourceKind = 'order_id' | 'capture_id' | 'refund_id' | 'dispute_id' | 'transaction_id';

export function describe(issue: string): string {
  return DESCRIPTIONS[issue] ?? issue;
}

/** A 400 INVALID_REQUEST about one body field; `field` is PayPal's JSON pointer to it. */
export function badField(field: string, issue: string, value?: unknown): PayPalError {
  const detail: PayPalErrorDetail = { field, location: 'body', issue, description: describe(issue) };
  if (value !== undefined && typeof value !== 'object') detail.value = String(value);
  return new PayPalError(400, 'INVALID_REQUEST', [detail]);
}

/** Which API answers: each links its errors to its own reference page. */
export type PaymentsApi = 'orders' | 'payments';

const REFERENCE: Record<PaymentsApi, string> = {
  orders: 'https://developer.paypal.com/docs/api/orders/v2/',
  payments: 'https://developer.paypal.com/docs/api/payments/v2/',
};

/** A 422 UNPROCESSABLE_ENTITY; `field` when PayPal points at one. Linked to the issue's entry in the API
 *  reference, as PayPal links them (`…/orders/v2/#error-DECIMALS_NOT_SUPPORTED`). */
export function unprocessable(issue: string, field?: string, value?: string, api: PaymentsApi = 'orders'): PayPalError {
  const detail: PayPalErrorDetail = { issue, description: describe(issue) };
  if (field !== undefined) Object.assign(detail, { field, location: 'body' });
  if (value !== undefined) detail.value = value;
  const error = new PayPalError(422, 'UNPROCESSABLE_ENTITY', [detail]);
  error.informationLink = `${REFERENCE[api]}#error-${issue}`;
  return error;
}

export function notFound(kind: ResourceKind, id: string): PayPalError {
  return new PayPalError(404, 'RESOURCE_NOT_FOUND', [
    {
      field: kind,
      value: id,
      location: 'path',
      issue: 'INVALID_RESOURCE_ID',
      description: 'Specified resource ID does not exist. Please check the resource ID and try again.',
    },
  ]);
}

/** Looks a record up by the id in the request path, or answers PayPal's 404 naming it. */
export function lookUp<T>(map: Map<string, T>, kind: ResourceKind, id: string): T {
  const value = map.get(id);
  if (value === undefined) throw notFound(kind, id);
  return value;
}
