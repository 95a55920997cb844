// Self-service moves of a license (see migrations/0101-license-transfers.ts): releases, their one-time codes
// (by hash only) and where they led.
import type { Selectable } from 'kysely';
import type { LicenseTransfersTable, Queryable } from './database';

export interface LicenseTransferRecord {
  id: string;
  licenseId: string;
  codeHash: string;
  fromAnchor: string;
  createdAt: number;
  expiresAt: number;
  redeemedAt: number | null;
  toAnchor: string | null;
}

export type NewLicenseTransfer = Omit<LicenseTransferRecord, 'redeemedAt' | 'toAnchor'>;

export async function insert(db: Queryable, transfer: NewLicenseTransfer): Promise<void> {
  await db
    .insertInto('license_transfers')
    .values({
      id: transfer.id,
      license_id: transfer.licenseId,
      code_hash: transfer.codeHash,
      from_anchor: transfer.fromAnchor,
      created_at: transfer.createdAt,
      expires_at: transfer.expiresAt,
      redeemed_at: null,
      to_anchor: null,
    })
    .execute();
}

export async function findByCodeHash(db: Queryable, codeHash: string): Promise<LicenseTransferRecord | undefined> {
  const row = await db.selectFrom('license_transfers').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  return row && toRecord(row);
}

/** The license's releases since `since` (epoch ms), whether used or not: what the yearly limit counts. */
export async function countSince(db: Queryable, licenseId: string, since: number): Promise<number> {
  const { count } = await db
    .selectFrom('license_transfers')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('license_id', '=', licenseId)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Every release of the license, oldest first. */
export async function listByLicense(db: Queryable, licenseId: string): Promise<LicenseTransferRecord[]> {
  const rows = await db.selectFrom('license_transfers').selectAll().where('license_id', '=', licenseId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toRecord);
}

/** Marks the code used by `toAnchor`. False when it was used already: a code works once, even under a race. */
export async function redeem(db: Queryable, id: string, toAnchor: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('license_transfers')
    .set({ redeemed_at: at, to_anchor: toAnchor })
    .where('id', '=', id)
    .where('redeemed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toRecord(row: Selectable<LicenseTransfersTable>): LicenseTransferRecord {
  return {
    id: row.id,
    licenseId: row.license_id,
    codeHash: row.code_hash,
    fromAnchor: row.from_anchor,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    redeemedAt: row.redeemed_at,
    toAnchor: row.to_anchor,
  };
}
