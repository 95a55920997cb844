// Migrations are listed here in code (no directory scan), so they travel with the bundle and run identically
// on both dialects. Names sort in application order.
import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import type { Database, StoreDialect } from '../database';
import { StoreError } from '../errors';
import { initialMigration } from './0001-initial';

function migrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
  };
}

export async function migrateToLatest(db: Kysely<Database>, dialect: StoreDialect): Promise<void> {
  let migrator: Migrator;
  try {
    migrator = new Migrator({ db, provider: { getMigrations: async () => migrations(dialect) }, ...(await migrationTableSchema(db, dialect)) });
  } catch (error) {
    throw new StoreError('migration_failed', `Store migration (before any migration ran) failed: ${describe(error)}`, { cause: error });
  }
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? '(before any migration ran)';
  throw new StoreError('migration_failed', `Store migration ${failed} failed: ${describe(error)}`, { cause: error });
}

/**
 * PostgreSQL: the schema our tables live in (the first of the search_path), named to the migrator. Without it,
 * Kysely's check for its migration tables looks at every schema of the database, finds another application's
 * (or another Hardbound's) kysely_migration there, skips creating ours, and the migration fails.
 */
async function migrationTableSchema(db: Kysely<Database>, dialect: StoreDialect): Promise<{ migrationTableSchema?: string }> {
  if (dialect !== 'postgres') return {};
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('no schema of the search_path exists in this database (current_schema() is null)');
  return { migrationTableSchema: schema };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
