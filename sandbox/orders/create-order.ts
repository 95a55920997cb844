// POST /v2/checkout/orders request validation: turns a request body into a new Order, or PayPal's error.
import type { SandboxContext } from '../context';
import { ids } from '../ids';
import type { Order, PurchaseUnit } from '../model';
import { fromMinor, isSupportedCurrency, toMinor } from '../money';
import { badField, unprocessable, type PaymentsApi } from './order-errors';

const MAX_PURCHASE_UNITS = 10;
const MAX_ID_LENGTH = 127;
const MAX_REFERENCE_ID_LENGTH = 256;
const MAX_URL_LENGTH = 4000;

type Json = Record<string, unknown>;

export function createOrder(ctx: SandboxContext, body: Json): Order {
  checkIntent(body.intent);
  const purchaseUnits = parsePurchaseUnits(body.purchase_units);
  const { contextStyle, context, contextPath } = merchantContext(body);
  const returnUrl = optionalUrl(context.return_url, `${contextPath}/return_url`);
  const cancelUrl = optionalUrl(context.cancel_url, `${contextPath}/cancel_url`);
  const brandName = optionalString(context.brand_name, `${contextPath}/brand_name`, MAX_ID_LENGTH);
  const now = ctx.isoNow();
  return {
    // Taken last, so that a refused request leaves a reserved id for the next order.
    id: ctx.newId('order', ids.resource),
    intent: 'CAPTURE',
    status: contextStyle === 'experience_context' ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
    purchaseUnits,
    contextStyle,
    returnUrl,
    cancelUrl,
    brandName,
    createTime: now,
    updateTime: now,
    captureIds: [],
  };
}

function checkIntent(intent: unknown): void {
  if (intent === undefined) throw badField('/intent', 'MISSING_REQUIRED_PARAMETER');
  if (intent === 'AUTHORIZE') throw unprocessable('UNSUPPORTED_INTENT', '/intent', intent);
  if (intent !== 'CAPTURE') throw badField('/intent', 'INVALID_PARAMETER_VALUE', intent);
}

function parsePurchaseUnits(value: unknown): PurchaseUnit[] {
  if (value === undefined) throw badField('/purchase_units', 'MISSING_REQUIRED_PARAMETER');
  if (!Array.isArray(value)) throw badField('/purchase_units', 'INVALID_PARAMETER_SYNTAX');
  if (value.length === 0) throw badField('/purchase_units', 'INVALID_ARRAY_MIN_ITEMS');
  if (value.length > MAX_PURCHASE_UNITS) throw badField('/purchase_units', 'INVALID_ARRAY_MAX_ITEMS');
  const units = value.map((unit: unknown, index) => parsePurchaseUnit(unit, index));
  if (units.length > 1) {
    if (value.some((unit: Json) => unit.reference_id === undefined)) throw unprocessable('REFERENCE_ID_REQUIRED');
    if (new Set(units.map((u) => u.reference_id)).size !== units.length) throw unprocessable('DUPLICATE_REFERENCE_ID');
    if (new Set(units.map((u) => u.amount.currency_code)).size !== 1) throw unprocessable('MULTI_CURRENCY_ORDER');
  }
  return units;
}

function parsePurchaseUnit(unit: unknown, index: number): PurchaseUnit {
  if (!isObject(unit)) throw badField(`/purchase_units/${index}`, 'INVALID_PARAMETER_SYNTAX');
  const referenceId =
    optionalString(unit.reference_id, `/purchase_units/${index}/reference_id`, MAX_REFERENCE_ID_LENGTH) ?? 'default';
  const at = `/purchase_units/@reference_id=='${referenceId}'`;
  const parsed: PurchaseUnit = { reference_id: referenceId, amount: parseAmount(unit.amount, `${at}/amount`) };
  const customId = optionalString(unit.custom_id, `${at}/custom_id`, MAX_ID_LENGTH);
  const invoiceId = optionalString(unit.invoice_id, `${at}/invoice_id`, MAX_ID_LENGTH);
  const description = optionalString(unit.description, `${at}/description`, MAX_ID_LENGTH);
  if (customId !== undefined) parsed.custom_id = customId;
  if (invoiceId !== undefined) parsed.invoice_id = invoiceId;
  if (description !== undefined) parsed.description = description;
  return parsed;
}

/** An `amount` object: currency_code and value as a decimal string; normalized to the currency's precision. */
export function parseAmount(amount: unknown, at: string, api: PaymentsApi = 'orders'): PurchaseUnit['amount'] {
  if (amount === undefined) throw badField(at, 'MISSING_REQUIRED_PARAMETER');
  if (!isObject(amount)) throw badField(at, 'INVALID_PARAMETER_SYNTAX');
  const { currency_code: currency, value } = amount;
  if (currency === undefined) throw badField(`${at}/currency_code`, 'MISSING_REQUIRED_PARAMETER');
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw badField(`${at}/currency_code`, 'INVALID_CURRENCY_CODE', currency);
  }
  if (!isSupportedCurrency(currency)) throw unprocessable('CURRENCY_NOT_SUPPORTED', `${at}/currency_code`, currency, api);
  if (value === undefined) throw badField(`${at}/value`, 'MISSING_REQUIRED_PARAMETER');
  if (typeof value !== 'string') throw badField(`${at}/value`, 'INVALID_PARAMETER_SYNTAX', value);
  const minor = toMinor(value, currency);
  if (minor === 'SYNTAX') throw badField(`${at}/value`, 'INVALID_PARAMETER_SYNTAX', value);
  if (typeof minor === 'string') throw unprocessable(minor === 'NEGATIVE' ? 'CANNOT_BE_ZERO_OR_NEGATIVE' : minor, `${at}/value`, value, api);
  if (minor === 0) throw unprocessable('CANNOT_BE_ZERO_OR_NEGATIVE', `${at}/value`, value, api);
  return fromMinor(minor, currency);
}

/** Where the merchant put its return/cancel URLs: PayPal's current payment_source.paypal.experience_context,
 *  or the deprecated top-level application_context. */
function merchantContext(body: Json): { contextStyle: Order['contextStyle']; context: Json; contextPath: string } {
  const source = body.payment_source;
  if (source !== undefined) {
    if (!isObject(source)) throw badField('/payment_source', 'INVALID_PARAMETER_SYNTAX');
    const paypal = source.paypal;
    if (paypal === undefined || Object.keys(source).length > 1) throw unprocessable('PAYMENT_SOURCE_NOT_SUPPORTED');
    if (!isObject(paypal)) throw badField('/payment_source/paypal', 'INVALID_PARAMETER_SYNTAX');
    const context = paypal.experience_context ?? {};
    const contextPath = '/payment_source/paypal/experience_context';
    if (!isObject(context)) throw badField(contextPath, 'INVALID_PARAMETER_SYNTAX');
    return { contextStyle: 'experience_context', context, contextPath };
  }
  const context = body.application_context ?? {};
  if (!isObject(context)) throw badField('/application_context', 'INVALID_PARAMETER_SYNTAX');
  return { contextStyle: 'application_context', context, contextPath: '/application_context' };
}

/** An optional string field of 1..maxLength characters. */
export function optionalString(value: unknown, field: string, maxLength: number): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badField(field, 'INVALID_PARAMETER_SYNTAX', value);
  if (value.length === 0 || value.length > maxLength) throw badField(field, 'INVALID_STRING_LENGTH', value);
  return value;
}

function optionalUrl(value: unknown, field: string): string | undefined {
  const url = optionalString(value, field, MAX_URL_LENGTH);
  if (url === undefined) return undefined;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw badField(field, 'INVALID_PARAMETER_SYNTAX', url);
  }
  return url;
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
