// The initial schema. Frozen once released: later changes are new migrations, never edits here.
import { sql, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { StoreDialect } from '../database';

type Table = CreateTableBuilder<string, never>;

export function initialMigration(dialect: StoreDialect): Migration {
  // Each dialect's native auto-increment key; same column name and integer values either way.
  const serialId = (table: Table): Table =>
    dialect === 'postgres'
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
  const oneOf = (column: string, values: readonly string[]) =>
    sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;

  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('checkouts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('anchor', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(oneOf('kind', ['one_time', 'recurring'])))
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('provider_order_id', 'text')
        .addColumn('provider_subscription_id', 'text')
        .addColumn('amount', 'text', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) =>
          c.notNull().check(oneOf('status', ['pending', 'approved', 'completed', 'failed', 'cancelled', 'expired'])),
        )
        .addColumn('failure_reason', 'text')
        .addColumn('poll_token_hash', 'text', (c) => c.notNull())
        .addColumn('license_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('checkouts_provider_order_id_key', ['provider', 'provider_order_id'])
        .addUniqueConstraint('checkouts_provider_subscription_id_key', ['provider', 'provider_subscription_id'])
        .execute();

      await db.schema
        .createTable('licenses')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('anchor', 'text', (c) => c.notNull())
        .addColumn('plan_id', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('checkout_id', 'text', (c) => c.notNull().references('checkouts.id'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('tier', 'text', (c) => c.notNull())
        .addColumn('transaction_id', 'text')
        .addColumn('order_id', 'text')
        .addColumn('subscription_id', 'text')
        .addColumn('amount', 'text')
        .addColumn('currency', 'text')
        .addColumn('paid_through', 'bigint')
        .addColumn('superseded_by', 'text', (c) => c.references('licenses.id'))
        .addColumn('state_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('licenses_anchor_idx').on('licenses').column('anchor').execute();

      await serialId(db.schema.createTable('license_events'))
        .addColumn('license_id', 'text', (c) => c.notNull().references('licenses.id'))
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull().check(oneOf('source', ['provider', 'support', 'server'])))
        .addColumn('occurred_at', 'bigint', (c) => c.notNull())
        .addColumn('recorded_at', 'bigint', (c) => c.notNull())
        .addColumn('transaction_id', 'text')
        .addColumn('amount', 'text')
        .addColumn('currency', 'text')
        .addColumn('reference', 'text')
        .addColumn('event_json', 'text', (c) => c.notNull())
        .addUniqueConstraint('license_events_license_event_key', ['license_id', 'event_id'])
        .execute();

      await db.schema
        .createTable('webhook_inbox')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull().check(oneOf('outcome', ['applied', 'ignored', 'unmatched'])))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_inbox_pkey', ['provider', 'event_id'])
        .execute();

      await db.schema
        .createTable('provider_refs')
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('ref', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) =>
          c.notNull().check(oneOf('kind', ['order', 'capture', 'subscription', 'sale', 'refund', 'dispute'])),
        )
        .addColumn('license_id', 'text', (c) => c.references('licenses.id'))
        .addColumn('checkout_id', 'text', (c) => c.references('checkouts.id'))
        .addPrimaryKeyConstraint('provider_refs_pkey', ['provider', 'ref'])
        .execute();
      // Support searches by a reference without knowing its provider.
      await db.schema.createIndex('provider_refs_ref_idx').on('provider_refs').column('ref').execute();

      await db.schema
        .createTable('support_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();

      await serialId(db.schema.createTable('audit_log'))
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('detail_json', 'text')
        .execute();
      await db.schema.createIndex('audit_log_target_idx').on('audit_log').columns(['target', 'at']).execute();
    },
  };
}
