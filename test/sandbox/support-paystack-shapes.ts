// Structural comparison of a Paystack body with a documented example: key paths (array items merged under
// `[]`) and the JSON type at each. null matches any type (Paystack's own examples put null where another example
// has a value), and below a null or an empty object on either side (Paystack's {} for "none", as in
// `transaction: {}` of a failed invoice) nothing is compared.

export interface ShapeDiff {
  /** Paths the documented example has and ours lacks. */
  missing: string[];
  /** Paths both have with different JSON types: `path: ours≠documented`. */
  mismatched: string[];
  /** Paths ours has and the example lacks. */
  extra: string[];
}

type Types = Map<string, string>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0) return 'empty-object';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function collect(value: unknown, path: string, out: Types): void {
  out.set(path, typeOf(value));
  if (Array.isArray(value)) {
    for (const item of value) collect(item, `${path}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) collect(child, path ? `${path}.${key}` : key, out);
  }
}

/** True when an ancestor of `path` is null (or an empty array/object elsewhere) in `types`, so its children are unknown there. */
function underOpaque(path: string, types: Types): boolean {
  const parts = path.split(/(?=\.)|(?=\[\])/);
  let prefix = '';
  for (const part of parts.slice(0, -1)) {
    prefix += part;
    const type = types.get(prefix);
    if (type === 'null' || type === 'empty-object') return true;
  }
  return false;
}

/** `anyType`: paths whose type Paystack's examples disagree on (metadata: "" in one, 0 in another). */
export function shapeDiff(ours: unknown, documented: unknown, anyType: string[] = []): ShapeDiff {
  const a: Types = new Map();
  const b: Types = new Map();
  collect(ours, '', a);
  collect(documented, '', b);
  const missing: string[] = [];
  const mismatched: string[] = [];
  const extra: string[] = [];
  for (const [path, type] of b) {
    if (path === '') continue;
    if (!a.has(path)) {
      if (!underOpaque(path, a) && !isUnderEmpty(path, a)) missing.push(path);
      continue;
    }
    const mine = a.get(path) as string;
    const loose = (t: string) => t === 'null' || t === 'empty-object';
    if (mine !== type && !loose(mine) && !loose(type) && !anyType.includes(path)) mismatched.push(`${path}: ${mine}≠${type}`);
  }
  for (const path of a.keys()) {
    if (path !== '' && !b.has(path) && !underOpaque(path, b) && !isUnderEmpty(path, b)) extra.push(path);
  }
  return { missing, mismatched, extra };
}

/** A path below an array that is empty on the other side (`[]` with no items): its items cannot be compared. */
function isUnderEmpty(path: string, types: Types): boolean {
  const i = path.indexOf('[]');
  if (i === -1) return false;
  const arrayPath = path.slice(0, i);
  return types.get(arrayPath) === 'array' && ![...types.keys()].some((p) => p.startsWith(`${arrayPath}[]`));
}
