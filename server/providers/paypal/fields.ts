// Reading PayPal JSON without trusting it. Each reader takes one named field, checks its type and format and
// returns it, or undefined when it is absent or malformed. Callers copy only what these return, so nothing
// outside the whitelist (payer names, emails, addresses, free text) can travel further.
import type { Money } from '../../billing/events';

export type Json = Readonly<Record<string, unknown>>;

/** Orders v2 order, capture and refund ids and v1 sale ids: 17 uppercase alphanumerics at PayPal. */
const RESOURCE_ID = /^[A-Z0-9]{1,36}$/;
const SUBSCRIPTION_ID = /^I-[A-Z0-9]{1,36}$/;
/** PayPal generates P-…; the API accepts any id of these characters for plans made with one. */
const PLAN_ID = /^[A-Za-z0-9_-]{3,50}$/;
const EVENT_ID = /^WH-[A-Z0-9]{1,30}(-[A-Z0-9]{1,30}){0,3}$/;
/** "PP-D-12345" and the older "PP-000-042-663-135". */
const DISPUTE_ID = /^PP-[A-Z0-9]{1,20}(-[A-Z0-9]{1,20}){0,5}$/;
/** What we put in custom_id / invoice_id ourselves: checkout ids. An '@' or a space can never pass. */
const CUSTOM_ID = /^[A-Za-z0-9_-]{1,127}$/;
const EVENT_TYPE = /^[A-Z][A-Z0-9_-]{0,40}(\.[A-Z0-9_-]{1,40}){0,5}$/;
const ENUM = /^[A-Z][A-Z_]{0,40}$/;
const AMOUNT = /^\d{1,15}(\.\d{1,3})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export function asObject(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

/** An own property only: a parsed body's prototype chain must not answer for a missing field. */
export function get(object: Json | undefined, key: string): unknown {
  return object !== undefined && Object.hasOwn(object, key) ? object[key] : undefined;
}

export function getObject(object: Json | undefined, ...path: string[]): Json | undefined {
  let current = object;
  for (const key of path) current = asObject(get(current, key));
  return current;
}

export function getArray(object: Json | undefined, key: string): readonly unknown[] | undefined {
  const value = get(object, key);
  return Array.isArray(value) ? value : undefined;
}

function matching(pattern: RegExp, value: unknown): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

export const ids = {
  resource: (value: unknown) => matching(RESOURCE_ID, value),
  subscription: (value: unknown) => matching(SUBSCRIPTION_ID, value),
  plan: (value: unknown) => matching(PLAN_ID, value),
  event: (value: unknown) => matching(EVENT_ID, value),
  dispute: (value: unknown) => matching(DISPUTE_ID, value),
  custom: (value: unknown) => matching(CUSTOM_ID, value),
};

export function eventType(value: unknown): string | undefined {
  return matching(EVENT_TYPE, value);
}

/** An upper-case status or code from PayPal's enums ("COMPLETED", "RESOLVED_BUYER_FAVOUR"). */
export function enumValue(value: unknown): string | undefined {
  return matching(ENUM, value);
}

/** An ISO 8601 time with a zone, as epoch ms. */
export function time(value: unknown): number | undefined {
  const text = matching(ISO_TIME, value);
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

function currency(value: unknown): string | undefined {
  return matching(CURRENCY, value);
}

function decimal(value: unknown): string | undefined {
  return matching(AMOUNT, value);
}

/** Orders/Payments v2 money: {currency_code, value}. */
export function money(value: unknown): Money | undefined {
  const object = asObject(value);
  const amount = decimal(get(object, 'value'));
  const code = currency(get(object, 'currency_code'));
  return amount !== undefined && code !== undefined ? { value: amount, currency: code } : undefined;
}

/** v1 Payments money: {total, currency}. Refund webhooks may carry it negated; the sign says nothing more. */
export function legacyMoney(value: unknown, options: { unsigned?: boolean } = {}): Money | undefined {
  const object = asObject(value);
  const raw = get(object, 'total');
  const total = options.unsigned && typeof raw === 'string' && raw.startsWith('-') ? raw.slice(1) : raw;
  const amount = decimal(total);
  const code = currency(get(object, 'currency'));
  return amount !== undefined && code !== undefined ? { value: amount, currency: code } : undefined;
}

/** The id at the end of a HATEOAS link of the given rel whose path is `<pathPrefix><id>`; the URL itself is
 *  never kept. */
export function linkedId(links: unknown, rel: string, pathPrefix: string): string | undefined {
  if (!Array.isArray(links)) return undefined;
  for (const entry of links) {
    const link = asObject(entry);
    if (get(link, 'rel') !== rel) continue;
    const href = get(link, 'href');
    if (typeof href !== 'string' || !URL.canParse(href)) return undefined;
    const path = new URL(href).pathname;
    return path.startsWith(pathPrefix) ? ids.resource(path.slice(pathPrefix.length)) : undefined;
  }
  return undefined;
}

/** The ids of every link of the given rels whose path is `<pathPrefix><id>`. */
export function linkedIds(links: unknown, rels: readonly string[], pathPrefix: string): string[] {
  if (!Array.isArray(links)) return [];
  return rels.flatMap((rel) => {
    const found = linkedId(links.filter((entry) => get(asObject(entry), 'rel') === rel), rel, pathPrefix);
    return found === undefined ? [] : [found];
  });
}

/** Two decimal strings denote the same amount ("49.0" and "49.00"); compared as text, never as floats. */
export function sameDecimal(a: string, b: string): boolean {
  return canonicalDecimal(a) === canonicalDecimal(b);
}

function canonicalDecimal(text: string): string {
  const [whole = '', fraction = ''] = text.split('.');
  const integer = whole.replace(/^0+(?=\d)/, '');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? integer : `${integer}.${trimmed}`;
}
