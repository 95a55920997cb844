// Reading Paystack's JSON field by field: only what a caller names is copied out, each checked for its shape, so
// nothing else of a body (the customer's e-mail, name, card details) can travel further.
export type Json = Record<string, unknown>;

export function asObject(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

export function get(value: unknown, ...path: string[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    const object = asObject(at);
    if (object === undefined || !Object.hasOwn(object, key)) return undefined;
    at = object[key];
  }
  return at;
}

/** A string matching `pattern` (ids, codes, references), or undefined. */
export function text(value: unknown, pattern: RegExp): string | undefined {
  return typeof value === 'string' && pattern.test(value) ? value : undefined;
}

/** A non-negative whole number (Paystack's amounts are in the currency's subunit), or undefined. */
export function whole(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** An ISO time as epoch ms, or undefined. */
export function time(value: unknown): number | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Paystack's formats for what is read (documented examples: test/fixtures/paystack/). */
export const FORMATS = {
  /** Transaction references: letters, digits, "-", ".", "=" (ours are our checkout ids with "_" as "."). */
  reference: /^[A-Za-z0-9.=_-]{1,100}$/,
  subscriptionCode: /^SUB_[A-Za-z0-9]{1,64}$/,
  planCode: /^PLN_[A-Za-z0-9]{1,64}$/,
  invoiceCode: /^INV_[A-Za-z0-9]{1,64}$/,
  /** Numeric ids (transactions, refunds, disputes, customers) as strings. */
  numericId: /^\d{1,20}$/,
  currency: /^[A-Z]{3}$/,
  token: /^[A-Za-z0-9]{1,64}$/,
} as const;

/** A numeric id (Paystack sends numbers; a few bodies send strings) as a string, or undefined. */
export function numericId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return text(value, FORMATS.numericId);
}
