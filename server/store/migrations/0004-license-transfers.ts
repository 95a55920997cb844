// Self-service moves of a license between computers: one row per release, with the hash of its one-time
// transfer code (never the code), when it expires and, once used, the anchor it moved the license to.
// Numbered apart from the 00xx series so that parallel work adding migrations does not collide with it.
import type { Kysely, Migration } from 'kysely';

export const licenseTransfersMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('license_transfers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
      .addColumn('code_hash', 'text', (c) => c.notNull().unique())
      .addColumn('from_anchor', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('redeemed_at', 'bigint')
      .addColumn('to_anchor', 'text')
      .execute();
    // The yearly limit counts a license's releases; support's timeline lists them.
    await db.schema.createIndex('license_transfers_license_idx').on('license_transfers').columns(['license_id', 'created_at']).execute();
  },
};
