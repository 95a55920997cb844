// Request-field checks that answer with PayPal's 400 details (JSON-pointer field names, as v1 APIs do).
import { PayPalError, errors } from '../errors';

export type Json = Record<string, unknown>;

export function syntaxError(field: string, value: unknown, location: 'body' | 'query' = 'body'): PayPalError {
  return fieldError(field, value, location, 'INVALID_PARAMETER_SYNTAX',
    'The value of a field does not conform to the expected format.');
}

export function lengthError(field: string, value: string): PayPalError {
  return fieldError(field, value, 'body', 'INVALID_STRING_LENGTH', 'The value of a field is either too short or too long.');
}

export function valueError(field: string, value: unknown, location: 'body' | 'query' = 'body'): PayPalError {
  return fieldError(field, value, location, 'INVALID_PARAMETER_VALUE', 'The value of a field is invalid.');
}

/** PayPal's 400 INVALID_REQUEST naming one field; non-string values are shown as JSON. */
function fieldError(field: string, value: unknown, location: 'body' | 'query', issue: string, description: string): PayPalError {
  return new PayPalError(400, 'INVALID_REQUEST', [
    { field, value: typeof value === 'string' ? value : JSON.stringify(value), location, issue, description },
  ]);
}

/** `body[key]` as a string of min..max characters; `path` is the JSON pointer of the object holding it. */
export function requiredString(body: Json, key: string, max: number, path = ''): string {
  const value = body[key];
  if (value === undefined || value === null || value === '') throw errors.missingField(`${path}/${key}`);
  return checkedString(value, `${path}/${key}`, max);
}

export function optionalString(body: Json, key: string, max: number, path = ''): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  return checkedString(value, `${path}/${key}`, max);
}

function checkedString(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw syntaxError(field, value);
  if (value.length < 1 || value.length > max) throw lengthError(field, value);
  return value;
}

export function optionalObject(body: Json, key: string, path = ''): Json | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw syntaxError(`${path}/${key}`, value);
  return value as Json;
}

export function requiredObject(body: Json, key: string, path = ''): Json {
  const value = optionalObject(body, key, path);
  if (value === undefined) throw errors.missingField(`${path}/${key}`);
  return value;
}

/** An integer in min..max; absent gives the fallback. */
export function optionalInteger(body: Json, key: string, min: number, max: number, fallback: number, path = ''): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw syntaxError(`${path}/${key}`, value);
  if (value < min || value > max) throw valueError(`${path}/${key}`, value);
  return value;
}

export function oneOf<T extends string>(value: string, allowed: readonly T[], field: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw valueError(field, value);
  return value as T;
}

const AMOUNT_ISSUES = {
  DECIMALS_NOT_SUPPORTED:
    'Currency does not support decimals. Please refer to https://developer.paypal.com/docs/api/reference/currency-codes/ for more information.',
  DECIMAL_PRECISION: 'If the currency supports decimals, only two decimal place precision is supported.',
} as const;

/** PayPal's 422 for a price with decimals its currency does not have ("49.00" in JPY, HUF or TWD). */
export function amountRefused(issue: keyof typeof AMOUNT_ISSUES, field: string, value: string): PayPalError {
  const error = new PayPalError(422, 'UNPROCESSABLE_ENTITY', [
    { field, value, location: 'body', issue, description: AMOUNT_ISSUES[issue] },
  ]);
  error.informationLink = `https://developer.paypal.com/docs/api/subscriptions/v1/#error-${issue}`;
  return error;
}
