// The cap on open checkouts per anchor counts a buyer's checkouts at every creation: by index, not by scan.
import type { Kysely, Migration } from 'kysely';

export const checkoutsAnchorIndex: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('checkouts_anchor_idx').on('checkouts').columns(['anchor', 'status']).execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('checkouts_anchor_idx').execute();
  },
};
