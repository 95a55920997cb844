// Migrations are listed here in code (no directory scan), so they travel with the bundle and run identically
// on both dialects. Names sort in application order.
import { Migrator, type Kysely, type Migration } from 'kysely';
import type { Database, StoreDialect } from '../database';
import { StoreError } from '../errors';
import { initialMigration } from './0001-initial';
import { moneyTruthMigration } from './0002-money-truth';
import { checkoutsAnchorIndex } from './0003-checkouts-anchor-index';
import { licenseTransfersMigration } from './0004-license-transfers';
import { supportDeskMigration } from './0005-support-desk';
import { severalProcessesMigration } from './0006-several-processes';

function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-money-truth': moneyTruthMigration(),
    '0003-checkouts-anchor-index': checkoutsAnchorIndex,
    '0004-license-transfers': licenseTransfersMigration,
    '0005-support-desk': supportDeskMigration,
    '0006-several-processes': severalProcessesMigration(dialect),
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) } });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
  const detail = error instanceof Error ? error.message : String(error);
  throw new StoreError('migration_failed', `Store migration ${failed} failed: ${detail}`, { cause: error });
}
