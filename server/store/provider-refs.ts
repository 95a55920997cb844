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
 * Binds the reference to a checkout and/or license. A link is set once and never re-pointed: an order seen
 * first with only its checkout gains its license later, but a reference bound to one checkout or license is
 * never moved to another. 'conflict' when the stored link differs from the one given (nothing is changed);
 * callers roll their transaction back. The insert-or-fill and the read after it are one row lock on PostgreSQL,
 * so two concurrent binders cannot both win.
 */
export async function bind(db: Queryable, entry: ProviderRefEntry): Promise<'bound' | 'conflict'> {
  const licenseId = entry.licenseId ?? null;
  const checkoutId = entry.checkoutId ?? null;
  await upsertOne(db, entry.provider, entry.ref, entry.kind, licenseId, checkoutId);
  const [stored] = (await selectOne(db, entry.provider, entry.ref)).rows;
  const differs = (given: string | null, kept: string | null | undefined) => given !== null && kept !== given;
  return stored && !differs(licenseId, stored.license_id) && !differs(checkoutId, stored.checkout_id) ? 'bound' : 'conflict';
}

/** A provider reference claimed for one checkout/license while bound to another. */
export class RefConflictError extends Error {
  constructor(readonly ref: string) {
    super(`provider reference ${ref} is bound to another checkout or license`);
  }
}

/** bind, throwing RefConflictError on a conflict (to roll the caller's transaction back). */
export async function bindOrThrow(db: Queryable, entry: ProviderRefEntry): Promise<void> {
  if ((await bind(db, entry)) === 'conflict') throw new RefConflictError(entry.ref);
}

// Every payment links its ids here; see precompiled.ts. A stored row is filled in only where nothing it holds
// disagrees with what is given, so a conflicting bind changes nothing (see bind).
const upsertOne = precompiled(
  (db, provider: string, ref: string, kind: ProviderRefKind, licenseId: string | null, checkoutId: string | null) =>
    db
      .insertInto('provider_refs')
      .values({ provider, ref, kind, license_id: licenseId, checkout_id: checkoutId })
      .onConflict((oc) =>
        oc
          .columns(['provider', 'ref'])
          .doUpdateSet((eb) => ({
            license_id: eb.fn.coalesce('provider_refs.license_id', 'excluded.license_id'),
            checkout_id: eb.fn.coalesce('provider_refs.checkout_id', 'excluded.checkout_id'),
          }))
          .where((eb) =>
            eb.and([
              eb.or([eb('provider_refs.license_id', 'is', null), eb('excluded.license_id', 'is', null), eb('provider_refs.license_id', '=', eb.ref('excluded.license_id'))]),
              eb.or([eb('provider_refs.checkout_id', 'is', null), eb('excluded.checkout_id', 'is', null), eb('provider_refs.checkout_id', '=', eb.ref('excluded.checkout_id'))]),
            ]),
          ),
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
