// Every provider id we have seen (order, capture, subscription, sale, refund, dispute) mapped to our checkout
// and license, so support can find a license from whatever id the buyer quotes.
import type { Selectable } from 'kysely';
import type { ProviderRefKind, ProviderRefsTable, Queryable } from './database';
import { precompiled } from './precompiled';

export type ProviderRefRecord = Selectable<ProviderRefsTable>;

export interface ProviderRefEntry {
  provider: string;
  ref: string;
  kind: ProviderRefKind;
  licenseId?: string | null;
  checkoutId?: string | null;
}

/**
 * Inserts the reference or updates its kind; a link given now is set, a link not given keeps its stored value
 * (an order seen first with only its checkout gains its license later).
 */
export async function upsert(db: Queryable, entry: ProviderRefEntry): Promise<void> {
  await upsertOne(db, entry.provider, entry.ref, entry.kind, entry.licenseId ?? null, entry.checkoutId ?? null);
}

// Every payment links its ids here; see precompiled.ts.
const upsertOne = precompiled(
  (db, provider: string, ref: string, kind: ProviderRefKind, licenseId: string | null, checkoutId: string | null) =>
    db
      .insertInto('providerRefs')
      .values({ provider, ref, kind, licenseId, checkoutId })
      .onConflict((oc) =>
        oc.columns(['provider', 'ref']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          licenseId: eb.fn.coalesce('excluded.licenseId', 'providerRefs.licenseId'),
          checkoutId: eb.fn.coalesce('excluded.checkoutId', 'providerRefs.checkoutId'),
        })),
      ),
);

export async function find(db: Queryable, provider: string, ref: string): Promise<ProviderRefRecord | undefined> {
  return (await selectOne(db, provider, ref)).rows[0];
}

// Every webhook delivery looks its resource ids up here; see precompiled.ts.
const selectOne = precompiled((db, provider: string, ref: string) =>
  db.selectFrom('providerRefs').selectAll().where('provider', '=', provider).where('ref', '=', ref),
);

/** The reference under any provider (support does not know which provider an id came from). */
export function findAnyProvider(db: Queryable, ref: string): Promise<ProviderRefRecord[]> {
  return db.selectFrom('providerRefs').selectAll().where('ref', '=', ref).orderBy('provider').execute();
}

/** All references linked to the license, e.g. to show every id support could have been given. */
export function listForLicense(db: Queryable, licenseId: string): Promise<ProviderRefRecord[]> {
  return db.selectFrom('providerRefs').selectAll().where('licenseId', '=', licenseId).orderBy('provider').orderBy('ref').execute();
}
