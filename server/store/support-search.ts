// Candidates for a support lookup's "did you mean": stored ids (provider references, license and checkout ids,
// machine codes) that begin or end like the query, compared without case. The caller measures how close each is.
import { sql } from 'kysely';
import type { Queryable } from './database';

const EDGE = 5;

export async function idsLike(db: Queryable, id: string, limit = 200): Promise<string[]> {
  if (id.length < 2 * EDGE) return [];
  const head = id.slice(0, EDGE).toLowerCase();
  const tail = id.slice(-EDGE).toLowerCase();
  const like = (column: string) =>
    sql<boolean>`(substr(lower(${sql.ref(column)}), 1, ${EDGE}) = ${head} or substr(lower(${sql.ref(column)}), length(${sql.ref(column)}) - ${EDGE - 1}) = ${tail})`;
  const [refs, lics, chks, anchors] = await Promise.all([
    db.selectFrom('providerRefs').select('ref as id').where(like('ref')).limit(limit).execute(),
    db.selectFrom('licenses').select('id').where(like('id')).limit(limit).execute(),
    db.selectFrom('checkouts').select('id').where(like('id')).limit(limit).execute(),
    db.selectFrom('licenses').select('anchor as id').where(like('anchor')).limit(limit).execute(),
  ]);
  return [...new Set([...refs, ...lics, ...chks, ...anchors].map((r) => r.id))];
}
