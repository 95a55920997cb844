// Several server processes on one database: each background job run is a row (who ran it, when, how it ended),
// so runs are counted per database rather than per process; and each live process says which signing keys it
// holds (a heartbeat row), so a process whose keys differ from the others' is noticed before it signs a token
// the others cannot verify. Frozen once released.
import type { Kysely, Migration } from 'kysely';
import type { StoreDialect } from '../database';

export function severalProcessesMigration(dialect: StoreDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const withId = db.schema.createTable('job_runs');
      await (dialect === 'postgres'
        ? withId.addColumn('id', 'serial', (c) => c.primaryKey())
        : withId.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement()))
        .addColumn('job', 'text', (c) => c.notNull())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        // running, ran, failed, interrupted (its process died mid-run: found so by the next run's holder)
        .addColumn('outcome', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('job_runs_job_idx').on('job_runs').columns(['job', 'started_at']).execute();

      await db.schema
        .createTable('server_instances')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('pid', 'integer', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('seen_at', 'bigint', (c) => c.notNull())
        .addColumn('active_kid', 'text', (c) => c.notNull())
        // The kids this process verifies, sorted, comma-separated: public key ids only, never key material.
        .addColumn('kids', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
