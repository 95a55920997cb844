// Paystack's list pagination: `perPage` (default 50) and `page` (from 1), answered with a `meta` block.
import { paystackErrors } from './errors';

export function paginate<T>(items: T[], query: { perPage?: string; page?: string }): { rows: T[]; meta: Record<string, number> } {
  const perPage = positive(query.perPage, 50, 'perPage');
  const page = positive(query.page, 1, 'page');
  const skipped = (page - 1) * perPage;
  return {
    rows: items.slice(skipped, skipped + perPage),
    meta: { total: items.length, skipped, perPage, page, pageCount: Math.max(1, Math.ceil(items.length / perPage)) },
  };
}

function positive(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw paystackErrors.invalid(`${name} must be a positive integer`);
  return n;
}
