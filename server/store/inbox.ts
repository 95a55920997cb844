// The webhook inbox: one row per delivered event, keyed by the provider's event id and by what the event is about
// (its type and resource). Claiming an applied event in the same transaction as the state change it causes is what
// turns a redelivered webhook into a no-op. A signed body can claim any event id, so a row under a genuine event's
// id for another type or resource never makes the genuine event a duplicate, and only an applied row ever blocks.
import type { InboxOutcome, Queryable } from './database';
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
 * 'recorded' for the first delivery of an event, 'duplicate' for any later one. An 'applied' entry claims the
 * event even over an earlier row of another outcome (an unmatched copy does not stand in the way of the real
 * one); any other outcome is recorded only if nothing is there yet. ON CONFLICT keeps the transaction usable; on
 * PostgreSQL a concurrent first delivery makes this wait for its commit, so exactly one of them gets 'recorded'.
 */
export async function record(db: Queryable, entry: InboxEntry): Promise<'recorded' | 'duplicate'> {
  const write = entry.outcome === 'applied' ? claimApplied : insertOnce;
  const result = await write(db, entry.provider, entry.eventId, entry.eventType, entry.resourceId ?? '', entry.outcome, entry.reason ?? null, entry.receivedAt);
  return (result.numAffectedRows ?? 0n) > 0n ? 'recorded' : 'duplicate';
}

const KEY = ['provider', 'eventId', 'eventType', 'resourceId'] as const;

// Every delivery runs one of these; see precompiled.ts.
const insertOnce = precompiled(
  (db, provider: string, eventId: string, eventType: string, resourceId: string, outcome: InboxOutcome, reason: string | null, receivedAt: number) =>
    db
      .insertInto('webhookInbox')
      .values({ provider, eventId, eventType, resourceId, outcome, reason, receivedAt })
      .onConflict((oc) => oc.columns(KEY).doNothing()),
);

const claimApplied = precompiled(
  (db, provider: string, eventId: string, eventType: string, resourceId: string, outcome: InboxOutcome, reason: string | null, receivedAt: number) =>
    db
      .insertInto('webhookInbox')
      .values({ provider, eventId, eventType, resourceId, outcome, reason, receivedAt })
      .onConflict((oc) =>
        oc.columns(KEY).doUpdateSet((eb) => ({ outcome: eb.ref('excluded.outcome'), reason: eb.ref('excluded.reason') })).where('webhookInbox.outcome', '<>', 'applied'),
      ),
);

const selectOne = precompiled((db, provider: string, eventId: string, eventType: string, resourceId: string) =>
  db
    .selectFrom('webhookInbox')
    .selectAll()
    .where('provider', '=', provider)
    .where('eventId', '=', eventId)
    .where('eventType', '=', eventType)
    .where('resourceId', '=', resourceId),
);

export async function get(db: Queryable, key: Pick<InboxEntry, 'provider' | 'eventId' | 'eventType' | 'resourceId'>): Promise<InboxEntry | undefined> {
  const [row] = (await selectOne(db, key.provider, key.eventId, key.eventType, key.resourceId ?? '')).rows;
  return row && { ...row, resourceId: row.resourceId === '' ? null : row.resourceId };
}

/** Deliveries about these resources that could not be read (newest last), for a license's support timeline. */
export async function unreadableAbout(db: Queryable, resourceIds: readonly string[]): Promise<InboxEntry[]> {
  if (resourceIds.length === 0) return [];
  const rows = await db
    .selectFrom('webhookInbox')
    .selectAll()
    .where('outcome', '=', 'unreadable')
    .where('resourceId', 'in', resourceIds)
    .orderBy('receivedAt')
    .execute();
  return rows.map((row) => ({ ...row, resourceId: row.resourceId === '' ? null : row.resourceId }));
}
