// PayPal's list paging for catalog products and plans: page_size (1-20), page, total_required.
import type { SandboxContext } from '../context';
import { valueError } from './validate';

export interface Page<T> {
  items: T[];
  /** total_items and total_pages, present only when the caller asked with total_required=true. */
  totals: { total_items: number; total_pages: number } | Record<string, never>;
  links: { href: string; rel: string; method: 'GET' }[];
}

export function paginate<T>(ctx: SandboxContext, path: string, all: T[], query: Record<string, string | undefined>): Page<T> {
  const pageSize = integerParam(query, 'page_size', 1, 20, 10);
  const page = integerParam(query, 'page', 1, 100_000, 1);
  const totalRequired = query.total_required ?? 'false';
  if (totalRequired !== 'true' && totalRequired !== 'false') throw valueError('total_required', totalRequired, 'query');
  const totalPages = Math.ceil(all.length / pageSize);
  const href = (p: number) => `${ctx.baseUrl}${path}?page_size=${pageSize}&page=${p}`;
  const links: Page<T>['links'] = [{ href: href(page), rel: 'self', method: 'GET' }];
  if (page > 1) links.push({ href: href(1), rel: 'first', method: 'GET' }, { href: href(page - 1), rel: 'prev', method: 'GET' });
  if (page < totalPages) {
    links.push({ href: href(page + 1), rel: 'next', method: 'GET' }, { href: href(totalPages), rel: 'last', method: 'GET' });
  }
  return {
    items: all.slice((page - 1) * pageSize, page * pageSize),
    totals: totalRequired === 'true' ? { total_items: all.length, total_pages: totalPages } : {},
    links,
  };
}

function integerParam(query: Record<string, string | undefined>, key: string, min: number, max: number, fallback: number): number {
  const text = query[key];
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw valueError(key, text, 'query');
  return value;
}
