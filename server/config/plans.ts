// The plans the vendor sells. Defaults suit the demo; HARDBOUND_PLANS_FILE replaces them.
import { readFileSync } from 'node:fs';
import { minorUnits, normalizeAmount } from '../../common/currency';
import type { Plan } from '../../common/plans';

export const DEFAULT_PLANS: Plan[] = [
  { id: 'enterprise-lifetime', name: 'Enterprise (lifetime)', tier: 'enterprise', price: '49.00', currency: 'USD', billing: { kind: 'one_time' } },
  { id: 'enterprise-monthly', name: 'Enterprise (monthly)', tier: 'enterprise', price: '9.00', currency: 'USD', billing: { kind: 'recurring', interval: 'month', intervalCount: 1 } },
  { id: 'enterprise-annual', name: 'Enterprise (annual)', tier: 'enterprise', price: '90.00', currency: 'USD', billing: { kind: 'recurring', interval: 'year', intervalCount: 1 } },
];

/** Returns the plans or the problems found, each naming the plan and field. */
export function parsePlans(json: unknown): { plans: Plan[] } | { problems: string[] } {
  const problems: string[] = [];
  if (!Array.isArray(json) || json.length === 0) return { problems: ['plans file must hold a non-empty JSON array'] };
  const seen = new Set<string>();
  json.forEach((p: Record<string, unknown>, i) => {
    const where = `plan #${i + 1}${typeof p?.id === 'string' ? ` (${p.id})` : ''}`;
    if (typeof p?.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(p.id)) problems.push(`${where}: id must be lower-case letters, digits and dashes`);
    else if (seen.has(p.id)) problems.push(`${where}: duplicate id`);
    else seen.add(p.id);
    if (typeof p?.name !== 'string' || p.name.length === 0) problems.push(`${where}: name is required`);
    if (p?.tier !== 'enterprise') problems.push(`${where}: tier must be "enterprise"`);
    const currencyOk = typeof p?.currency === 'string' && /^[A-Z]{3}$/.test(p.currency);
    if (!currencyOk) problems.push(`${where}: currency must be an ISO 4217 code`);
    const price = typeof p?.price === 'string' && currencyOk ? normalizeAmount(p.price, p.currency as string) : undefined;
    if (price === undefined || Number(price) <= 0) {
      const example = currencyOk && minorUnits(p.currency as string) === 0 ? `"4900" (${String(p.currency)} has no decimals)` : '"49.00"';
      problems.push(`${where}: price must be a positive amount in the currency's own form, like ${example}`);
    } else {
      p.price = price;
    }
    const b = p?.billing as Record<string, unknown> | undefined;
    const okBilling =
      b?.kind === 'one_time' ||
      (b?.kind === 'recurring' && (b.interval === 'month' || b.interval === 'year') && Number.isInteger(b.intervalCount) && (b.intervalCount as number) >= 1);
    const providers = p?.providers;
    if (providers !== undefined && (!Array.isArray(providers) || providers.length === 0 || providers.some((n) => typeof n !== 'string' || !/^[a-z][a-z0-9-]{0,31}$/.test(n)) || new Set(providers).size !== providers.length)) {
      problems.push(`${where}: providers must be a non-empty list of provider names without repeats, like ["paypal","paystack"]`);
    }
    if (!okBilling) problems.push(`${where}: billing must be {"kind":"one_time"} or {"kind":"recurring","interval":"month"|"year","intervalCount":N}`);
  });
  return problems.length ? { problems } : { plans: json as Plan[] };
}

export function loadPlansFile(path: string): { plans: Plan[] } | { problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    return { problems: [`HARDBOUND_PLANS_FILE: cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`] };
  }
  try {
    return parsePlans(JSON.parse(text));
  } catch {
    return { problems: [`HARDBOUND_PLANS_FILE: ${path} is not valid JSON`] };
  }
}
