// What the money-truth rules need: the inbox records unreadable deliveries (with a reason code, never the body)
// and is keyed by what a delivery is about as well as its event id (a signed body can claim any event id: one
// claiming a genuine event's id for another type or resource must not make the genuine one a "duplicate"),
// licenses remember when reconciliation last read them from the provider, and background jobs take a lease so
// that each runs once per database however many server processes share it. Frozen once released.
import { sql, type Kysely, type Migration } from 'kysely';

export function moneyTruthMigration(): Migration {
  const oneOf = (column: string, values: readonly string[]) => sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
  return {
    async up(db: Kysely<unknown>) {
      // A check constraint cannot be altered on SQLite: the inbox is rebuilt, on both dialects alike.
      await db.schema.alterTable('webhook_inbox').renameTo('webhook_inbox_0001').execute();
      await db.schema
        .createTable('webhook_inbox')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('outcome', 'text', (c) => c.notNull().check(oneOf('outcome', ['applied', 'ignored', 'unmatched', 'unreadable'])))
        .addColumn('reason', 'text')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_inbox_event_pkey', ['provider', 'event_id', 'event_type', 'resource_id'])
        .execute();
      await sql`insert into webhook_inbox (provider, event_id, event_type, resource_id, outcome, reason, received_at)
        select provider, event_id, event_type, coalesce(resource_id, ''), outcome, null, received_at from webhook_inbox_0001`.execute(db);
      await db.schema.dropTable('webhook_inbox_0001').execute();

      await db.schema.alterTable('licenses').addColumn('reconciled_at', 'bigint').execute();
      // The subscription a lifetime checkout replaces, named only when the machine's own app asked for it.
      await db.schema.alterTable('checkouts').addColumn('replaces_subscription_id', 'text').execute();

      await db.schema
        .createTable('job_leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        .addColumn('last_run_at', 'bigint')
        .execute();
    },
  };
}
