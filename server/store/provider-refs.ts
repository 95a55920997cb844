// Every provider id we have seen (order, capture, subscription, sale, refund, dispute) mapped to our checkout
// and license, so support can find a license from whatever id the buyer quotes.
import type { Selectable } from 'kysely';
import type { ProviderRefKind, ProviderRefsTable, Queryable } from './database';
import { precompiled } from './precompiled';

export interface ProviderRefRecord {
  provider: string;
  ref: string;
  kind: ProviderRefKind;
  licenseId: string | null;
  checkoutId: string | null;
}

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
      .insertInto('provider_refs')
      .values({ provider, ref, kind, license_id: licenseId, checkout_id: checkoutId })
      .onConflict((oc) =>
        oc.columns(['provider', 'ref']).doUpdateSet((eb) => ({
          kind: eb.ref('excluded.kind'),
          license_id: eb.fn.coalesce('excluded.license_id', 'provider_refs.license_id'),
          checkout_id: eb.fn.coalesce('excluded.checkout_id', 'provider_refs.checkout_id'),
        })),
      ),
);

export async function find(db: Queryable, provider: string, ref: string): Promise<ProviderRefRecord | undefined> {
  const [row] = (await selectOne(db, provider, ref)).rows;
  return row && toRecord(row);
}

// Every webhook delivery looks its resource ids up here; see precompiled.ts.
const selectOne = precompiled((db, provider: string, ref: string) =>
  db.selectFrom('provider_refs').selectAll().where('provider', '=', provider).where('ref', '=', ref),
);

/** The reference under any provider (support does not know which provider an id came from). */
export async function findAnyProvider(db: Queryable, ref: string): Promise<ProviderRefRecord[]> {
  const rows = await db.selectFrom('provider_refs').selectAll().where('ref', '=', ref).orderBy('provider').execute();
  return rows.map(toRecord);
}

/** All references linked to the license, e.g. to show every id support could have been given. */
export async function listForLicense(db: Queryable, licenseId: string): Promise<ProviderRefRecord[]> {
  const rows = await db
    .selectFrom('provider_refs')
    .selectAll()
    .where('license_id', '=', licenseId)
    .orderBy('provider')
    .orderBy('ref')
    .execute();
  return rows.map(toRecord);
}

function toRecord(row: Selectable<ProviderRefsTable>): ProviderRefRecord {
  return { provider: row.provider, ref: row.ref, kind: row.kind, licenseId: row.license_id, checkoutId: row.checkout_id };
}
