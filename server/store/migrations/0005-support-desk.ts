// The support desk: token roles (least privilege: a read-only kind and an acting one; tokens made before roles
// existed keep acting, as they did), console sessions (only the hash of the session secret is kept, with the
// token it was opened with, so revoking the token ends them), and the mark a support cancellation leaves on a
// license so the app can say who ended its billing. Frozen once released.
import type { Kysely, Migration } from 'kysely';

export const supportDeskMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('support_tokens').addColumn('role', 'text', (c) => c.notNull().defaultTo('act')).execute();
    await db.schema
      .createTable('support_sessions')
      .addColumn('id_hash', 'text', (c) => c.primaryKey())
      .addColumn('token_id', 'text', (c) => c.notNull().references('support_tokens.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .execute();
    await db.schema.createIndex('support_sessions_token_idx').on('support_sessions').column('token_id').execute();
    await db.schema.alterTable('licenses').addColumn('support_cancelled_at', 'bigint').execute();
  },
};
