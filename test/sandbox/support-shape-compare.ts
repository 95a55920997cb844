// Structural comparison of two JSON bodies: their key paths (array items merged under `[]`) and, for each leaf,
// the format of its value rather than the value (an id's pattern, a time's precision and zone, an amount's
// decimals and sign, a link's rel) so that PII and amounts may differ while shapes may not.

export type Formats = Map<string, Set<string>>;

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const AMOUNT_KEYS = new Set(['value', 'total', 'subtotal', 'tax', 'shipping']);
/** Keys whose values are PayPal's vocabulary, compared as values. */
const ENUM_KEYS = new Set([
  'status', 'state', 'event_type', 'resource_type', 'resource_version', 'event_version', 'rel', 'method', 'encType',
  'tenure_type', 'intent', 'payment_mode', 'protection_eligibility', 'reason',
  'dispute_channel', 'dispute_life_cycle_stage', 'posted_by', 'reason_code',
]);
const ID_PATTERNS: [string, RegExp][] = [
  ['id:WH', /^WH-[A-Z0-9]+-[A-Z0-9]+$/],
  ['id:subscription', /^I-[A-Z0-9]+$/],
  ['id:plan', /^P-[A-Z0-9]+$/],
  ['id:v1-payment', /^PAY(ID)?-[A-Z0-9]{24}$/],
  ['id:dispute', /^PP-[A-Z0-9-]+$/],
  ['id:17', /^[A-Z0-9]{17}$/],
  ['id:13', /^[A-Z0-9]{13}$/],
];

/** How a leaf value is written, by its key. */
export function formatOf(key: string, value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value !== 'string') return typeof value;
  if (ENUM_KEYS.has(key)) return `enum:${value}`;
  if (key === 'currency_code' || key === 'currency') return /^[A-Z]{3}$/.test(value) ? 'currency' : 'string';
  if (key === 'quantity') return /^\d+$/.test(value) ? 'digits' : 'string';
  const time = TIME.exec(value);
  if (time) return `time:${time[1] ? `ms${time[1].length - 1}` : 's'}:${time[2] === 'Z' ? 'Z' : 'offset'}`;
  if (AMOUNT_KEYS.has(key) && /^-?\d+(\.\d+)?$/.test(value)) {
    const decimals = value.split('.')[1]?.length ?? 0;
    return `amount:${value.startsWith('-') ? 'negative' : 'positive'}:${decimals}dp`;
  }
  if (/^https?:\/\//.test(value)) return `url:${new URL(value).pathname.replace(/[A-Z0-9-]{10,}/g, '{id}')}${new URL(value).search ? '?' : ''}`;
  if (key === 'id' || key.endsWith('_id') || key === 'parent_payment' || key === 'seller_transaction_id') {
    for (const [name, pattern] of ID_PATTERNS) if (pattern.test(value)) return name;
    return 'id:other';
  }
  return 'string';
}

/** Every key path with the formats of the values found there. */
export function formats(value: unknown, path = '', out: Formats = new Map(), key = ''): Formats {
  const add = (p: string, f: string) => {
    const set = out.get(p) ?? new Set<string>();
    set.add(f);
    out.set(p, set);
  };
  if (Array.isArray(value)) {
    if (value.length === 0) add(`${path}[]`, 'empty');
    for (const item of value) formats(item, `${path}[]`, out, key);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) formats(v, path ? `${path}.${k}` : k, out, k);
  } else {
    add(path, formatOf(key, value));
  }
  return out;
}

export interface ShapeDiff {
  /** Paths the genuine body has and the sandbox's lacks. */
  onlyGenuine: string[];
  /** Paths only the sandbox's body has. */
  onlySandbox: string[];
  /** Paths in both whose value formats differ: "path: genuine | sandbox". */
  formats: string[];
}

/** Paths are compared as leaves: a path that is a leaf in one body and an object in the other shows as both. */
export function compareShapes(genuine: unknown, sandbox: unknown): ShapeDiff {
  const a = formats(genuine);
  const b = formats(sandbox);
  const show = (set: Set<string>) => [...set].sort().join(',');
  return {
    onlyGenuine: [...a.keys()].filter((p) => !b.has(p)).sort(),
    onlySandbox: [...b.keys()].filter((p) => !a.has(p)).sort(),
    formats: [...a.keys()]
      .filter((p) => b.has(p) && show(a.get(p) as Set<string>) !== show(b.get(p) as Set<string>))
      .map((p) => `${p}: ${show(a.get(p) as Set<string>)} | ${show(b.get(p) as Set<string>)}`)
      .sort(),
  };
}
