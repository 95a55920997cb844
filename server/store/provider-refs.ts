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
 * Binds the reference to a checkout and/or license. A link is set once and never re-pointed: an order seen
 * first with only its checkout gains its license later, but a reference bound to one checkout or license is
 * never moved to another. 'conflict' when the stored link differs from the one given; the stored row is then left
 * exactly as it was. One statement inserts or fills and answers with the row it wrote (none when the stored link
 * differs), so two concurrent binders cannot both win.
 */
export async function bind(db: Queryable, entry: ProviderRefEntry): Promise<'bound' | 'conflict'> {
  const licenseId = entry.licenseId ?? null;
  const checkoutId = entry.checkoutId ?? null;
  const [stored] = (await upsertOne(db, entry.provider, entry.ref, entry.kind, licenseId, checkoutId)).rows;
  const differs = (given: string | null, kept: string | null | undefined) => given !== null && kept !== given;
  return stored && !differs(licenseId, stored.licenseId) && !differs(checkoutId, stored.checkoutId) ? 'bound' : 'conflict';
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
      .insertInto('providerRefs')
      .values({ provider, ref, kind, licenseId, checkoutId })
      .onConflict((oc) =>
        oc
          .columns(['provider', 'ref'])
          .doUpdateSet((eb) => ({
            licenseId: eb.fn.coalesce('providerRefs.licenseId', 'excluded.licenseId'),
            checkoutId: eb.fn.coalesce('providerRefs.checkoutId', 'excluded.checkoutId'),
          }))
          .where((eb) =>
            eb.and([
              eb.or([eb('providerRefs.licenseId', 'is', null), eb('excluded.licenseId', 'is', null), eb('providerRefs.licenseId', '=', eb.ref('excluded.licenseId'))]),
              eb.or([eb('providerRefs.checkoutId', 'is', null), eb('excluded.checkoutId', 'is', null), eb('providerRefs.checkoutId', '=', eb.ref('excluded.checkoutId'))]),
            ]),
          ),
      )
      .returning(['licenseId', 'checkoutId']),
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
