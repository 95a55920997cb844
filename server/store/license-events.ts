// The timeline of a license: each normalized billing event applied to it, once.
import type { Selectable } from 'kysely';
import type { BillingEvent } from '../billing/events';
import type { EventSource, LicenseEventsTable, Queryable } from './database';
import { precompiled } from './precompiled';

export interface LicenseEventRecord {
  id: number;
  licenseId: string;
  eventId: string;
  type: BillingEvent['type'];
  source: EventSource;
  occurredAt: number;
  recordedAt: number;
  transactionId: string | null;
  amount: string | null;
  currency: string | null;
  reference: string | null;
  event: BillingEvent;
}

export interface NewLicenseEvent {
  licenseId: string;
  source: EventSource;
  /** The normalized event only; its id, type, time, transaction id and amount fill the columns. */
  event: BillingEvent;
  recordedAt: number;
  /** A reference a person can quote (a support case, a dispute id). */
  reference?: string | null;
}

/**
 * Appends the event to the license's timeline. False if this license already has an event with that id: the
 * insert is skipped with ON CONFLICT DO NOTHING, so the surrounding transaction stays usable.
 */
export async function append(db: Queryable, entry: NewLicenseEvent): Promise<boolean> {
  const { event } = entry;
  const money = 'amount' in event ? event.amount : null;
  const result = await insertOnce(
    db,
    entry.licenseId,
    event.id,
    event.type,
    entry.source,
    event.at,
    entry.recordedAt,
    'transactionId' in event ? (event.transactionId ?? null) : null,
    money?.value ?? null,
    money?.currency ?? null,
    entry.reference ?? null,
    JSON.stringify(event),
  );
  return (result.numAffectedRows ?? 0n) > 0n;
}

/** The license's events in the order they happened (ties in the order they were recorded). */
export async function listByLicense(db: Queryable, licenseId: string): Promise<LicenseEventRecord[]> {
  return (await selectByLicense(db, licenseId)).rows.map(toRecord);
}

// Every payment, renewal and refund runs these; see precompiled.ts.
const insertOnce = precompiled(
  (
    db,
    licenseId: string,
    eventId: string,
    type: BillingEvent['type'],
    source: EventSource,
    occurredAt: number,
    recordedAt: number,
    transactionId: string | null,
    amount: string | null,
    currency: string | null,
    reference: string | null,
    eventJson: string,
  ) =>
    db
      .insertInto('license_events')
      .values({
        license_id: licenseId,
        event_id: eventId,
        type,
        source,
        occurred_at: occurredAt,
        recorded_at: recordedAt,
        transaction_id: transactionId,
        amount,
        currency,
        reference,
        event_json: eventJson,
      })
      .onConflict((oc) => oc.columns(['license_id', 'event_id']).doNothing()),
);

const selectByLicense = precompiled((db, licenseId: string) =>
  db.selectFrom('license_events').selectAll().where('license_id', '=', licenseId).orderBy('occurred_at').orderBy('id'),
);

function toRecord(row: Selectable<LicenseEventsTable>): LicenseEventRecord {
  const event = JSON.parse(row.event_json) as BillingEvent;
  return {
    id: row.id,
    licenseId: row.license_id,
    eventId: row.event_id,
    type: event.type,
    source: row.source,
    occurredAt: row.occurred_at,
    recordedAt: row.recorded_at,
    transactionId: row.transaction_id,
    amount: row.amount,
    currency: row.currency,
    reference: row.reference,
    event,
  };
}
