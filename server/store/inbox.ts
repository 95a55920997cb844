// The webhook inbox: one row per (provider, event id) ever received. Recording it in the same transaction as
// the state change it causes is what turns a redelivered webhook into a no-op.
import type { Selectable } from 'kysely';
import type { InboxOutcome, Queryable, WebhookInboxTable } from './database';
import { precompiled } from './precompiled';

export interface InboxEntry {
  provider: string;
  eventId: string;
  eventType: string;
  resourceId: string | null;
  outcome: InboxOutcome;
  /** For an unreadable delivery: why, as a code. */
  reason?: string | null;
  receivedAt: number;
}

/**
 * 'recorded' for the first delivery of an event, 'duplicate' for any later one. ON CONFLICT DO NOTHING keeps
 * the transaction usable after a duplicate; on PostgreSQL a concurrent first delivery makes this wait for its
 * commit, so exactly one of them gets 'recorded'.
 */
export async function record(db: Queryable, entry: InboxEntry): Promise<'recorded' | 'duplicate'> {
  const result = await insertOnce(db, entry.provider, entry.eventId, entry.eventType, entry.resourceId, entry.outcome, entry.reason ?? null, entry.receivedAt);
  return (result.numAffectedRows ?? 0n) > 0n ? 'recorded' : 'duplicate';
}

// Every delivery runs these two; see precompiled.ts.
const insertOnce = precompiled(
  (db, provider: string, eventId: string, eventType: string, resourceId: string | null, outcome: InboxOutcome, reason: string | null, receivedAt: number) =>
    db
      .insertInto('webhook_inbox')
      .values({ provider, event_id: eventId, event_type: eventType, resource_id: resourceId, outcome, reason, received_at: receivedAt })
      .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing()),
);

const selectOne = precompiled((db, provider: string, eventId: string) =>
  db.selectFrom('webhook_inbox').selectAll().where('provider', '=', provider).where('event_id', '=', eventId),
);

/** For an outcome known only after applying the event (recorded first to claim it). True if the row exists. */
export async function setOutcome(db: Queryable, provider: string, eventId: string, outcome: InboxOutcome): Promise<boolean> {
  const result = await db
    .updateTable('webhook_inbox')
    .set({ outcome })
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function get(db: Queryable, provider: string, eventId: string): Promise<InboxEntry | undefined> {
  const [row] = (await selectOne(db, provider, eventId)).rows;
  return row && toEntry(row);
}

function toEntry(row: Selectable<WebhookInboxTable>): InboxEntry {
  return {
    provider: row.provider,
    eventId: row.event_id,
    eventType: row.event_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    reason: row.reason,
    receivedAt: row.received_at,
  };
}
