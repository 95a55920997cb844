// Self-service moves of a license (see migrations/0004-license-transfers.ts): releases, their one-time codes
// (by hash only) and where they led.
import type { Selectable } from 'kysely';
import type { LicenseTransfersTable, Queryable } from './database';

export type LicenseTransferRecord = Selectable<LicenseTransfersTable>;

export type NewLicenseTransfer = Omit<LicenseTransferRecord, 'redeemedAt' | 'toAnchor'>;

export async function insert(db: Queryable, transfer: NewLicenseTransfer): Promise<void> {
  // Field by field rather than a spread: whatever else the caller's object carries never reaches the INSERT.
  await db
    .insertInto('licenseTransfers')
    .values({
      id: transfer.id,
      licenseId: transfer.licenseId,
      codeHash: transfer.codeHash,
      fromAnchor: transfer.fromAnchor,
      createdAt: transfer.createdAt,
      expiresAt: transfer.expiresAt,
      redeemedAt: null,
      toAnchor: null,
    })
    .execute();
}

export function findByCodeHash(db: Queryable, codeHash: string): Promise<LicenseTransferRecord | undefined> {
  return db.selectFrom('licenseTransfers').selectAll().where('codeHash', '=', codeHash).executeTakeFirst();
}

/** The license's releases since `since` (epoch ms), whether used or not: what the yearly limit counts. */
export async function countSince(db: Queryable, licenseId: string, since: number): Promise<number> {
  const { count } = await db
    .selectFrom('licenseTransfers')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('licenseId', '=', licenseId)
    .where('createdAt', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Every release of the license, oldest first. */
export function listByLicense(db: Queryable, licenseId: string): Promise<LicenseTransferRecord[]> {
  return db.selectFrom('licenseTransfers').selectAll().where('licenseId', '=', licenseId).orderBy('createdAt').orderBy('id').execute();
}

/** Marks the code used by `toAnchor`. False when it was used already: a code works once, even under a race. */
export async function redeem(db: Queryable, id: string, toAnchor: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('licenseTransfers')
    .set({ redeemedAt: at, toAnchor })
    .where('id', '=', id)
    .where('redeemedAt', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Releases made from this machine (support finds where its licenses went), oldest first. */
export function listFromAnchor(db: Queryable, anchor: string): Promise<LicenseTransferRecord[]> {
  return db.selectFrom('licenseTransfers').selectAll().where('fromAnchor', '=', anchor).orderBy('createdAt').execute();
}
