// The webhook inbox: one row per (provider, event id) ever received. Recording it in the same transaction as
// the state change it causes is what turns a redelivered webhook into a no-op.
import type { Selectable } from 'kysely';
import type { InboxOutcome, Queryable, WebhookInboxTable } from './database';

export interface InboxEntry {
  provider: string;
  eventId: string;
  eventType: string;
  resourceId: string | null;
  outcome: InboxOutcome;
  receivedAt: number;
}

/**
 * 'recorded' for the first delivery of an event, 'duplicate' for any later one. ON CONFLICT DO NOTHING keeps
 * the transaction usable after a duplicate; on PostgreSQL a concurrent first delivery makes this wait for its
 * commit, so exactly one of them gets 'recorded'.
 */
export async function record(db: Queryable, entry: InboxEntry): Promise<'recorded' | 'duplicate'> {
  const result = await db
    .insertInto('webhook_inbox')
    .values({
      provider: entry.provider,
      event_id: entry.eventId,
      event_type: entry.eventType,
      resource_id: entry.resourceId,
      outcome: entry.outcome,
      received_at: entry.receivedAt,
    })
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n ? 'recorded' : 'duplicate';
}

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
  const row = await db
    .selectFrom('webhook_inbox')
    .selectAll()
    .where('provider', '=', provider)
    .where('event_id', '=', eventId)
    .executeTakeFirst();
  return row && toEntry(row);
}

function toEntry(row: Selectable<WebhookInboxTable>): InboxEntry {
  return {
    provider: row.provider,
    eventId: row.event_id,
    eventType: row.event_type,
    resourceId: row.resource_id,
    outcome: row.outcome,
    receivedAt: row.received_at,
  };
}
