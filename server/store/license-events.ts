// The timeline of a license: each normalized billing event applied to it, once.
import type { Selectable } from 'kysely';
import type { BillingEvent } from '../billing/events';
import type { EventSource, LicenseEventsTable, Queryable } from './database';
import { precompiled } from './precompiled';

/** The row with its saved JSON read back: the normalized event, whose type the `type` column repeats. */
export type LicenseEventRecord = Omit<Selectable<LicenseEventsTable>, 'eventJson' | 'type'> & { type: BillingEvent['type']; event: BillingEvent };

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
  return (await selectByLicense(db, licenseId)).rows.map(withEvent);
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
      .insertInto('licenseEvents')
      .values({ licenseId, eventId, type, source, occurredAt, recordedAt, transactionId, amount, currency, reference, eventJson })
      .onConflict((oc) => oc.columns(['licenseId', 'eventId']).doNothing()),
);

const selectByLicense = precompiled((db, licenseId: string) =>
  db.selectFrom('licenseEvents').selectAll().where('licenseId', '=', licenseId).orderBy('occurredAt').orderBy('id'),
);

function withEvent({ eventJson, ...row }: Selectable<LicenseEventsTable>): LicenseEventRecord {
  const event = JSON.parse(eventJson) as BillingEvent;
  return { ...row, type: event.type, event };
}
