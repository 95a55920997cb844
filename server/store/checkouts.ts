// Checkouts: one buyer's attempt to pay for a plan, from creation to completion, failure, cancel or expiry.
import type { Selectable } from 'kysely';
import type { CheckoutStatus } from '../../common/api';
import type { CheckoutKind, CheckoutsTable, Queryable } from './database';
import { precompiled } from './precompiled';

export type CheckoutRecord = Selectable<CheckoutsTable>;

export interface NewCheckout {
  id: string;
  anchor: string;
  planId: string;
  kind: CheckoutKind;
  provider: string;
  providerOrderId?: string | null;
  providerSubscriptionId?: string | null;
  /** The subscription this lifetime checkout replaces, when the machine's own app asked for that. */
  replacesSubscriptionId?: string | null;
  amount: string;
  currency: string;
  pollTokenHash: string;
  createdAt: number;
  expiresAt: number;
}

/** Inserts a pending checkout. A reused id or provider order/subscription id throws (see isUniqueViolation). */
export async function insert(db: Queryable, checkout: NewCheckout): Promise<CheckoutRecord> {
  // Field by field rather than a spread: whatever else the caller's object carries never reaches the INSERT.
  const record: CheckoutRecord = {
    id: checkout.id,
    anchor: checkout.anchor,
    planId: checkout.planId,
    kind: checkout.kind,
    provider: checkout.provider,
    providerOrderId: checkout.providerOrderId ?? null,
    providerSubscriptionId: checkout.providerSubscriptionId ?? null,
    amount: checkout.amount,
    currency: checkout.currency,
    status: 'pending',
    failureReason: null,
    pollTokenHash: checkout.pollTokenHash,
    licenseId: null,
    createdAt: checkout.createdAt,
    updatedAt: checkout.createdAt,
    expiresAt: checkout.expiresAt,
    replacesSubscriptionId: checkout.replacesSubscriptionId ?? null,
  };
  await db.insertInto('checkouts').values(record).execute();
  return record;
}

/** `forUpdate` locks the row until the transaction ends (PostgreSQL; SQLite transactions are serial anyway). */
export async function get(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<CheckoutRecord | undefined> {
  return (await (options.forUpdate ? selectForUpdate : selectOne)(db, id)).rows[0];
}

// Webhook deliveries and long-polls read checkouts by id all the time; see precompiled.ts.
const selectOne = precompiled((db, id: string) => db.selectFrom('checkouts').selectAll().where('id', '=', id));
const selectForUpdate = precompiled((db, id: string) => db.selectFrom('checkouts').selectAll().where('id', '=', id).forUpdate());

export function getByOrderId(db: Queryable, provider: string, orderId: string): Promise<CheckoutRecord | undefined> {
  return db.selectFrom('checkouts').selectAll().where('provider', '=', provider).where('providerOrderId', '=', orderId).executeTakeFirst();
}

export function getBySubscriptionId(db: Queryable, provider: string, subscriptionId: string): Promise<CheckoutRecord | undefined> {
  return db
    .selectFrom('checkouts')
    .selectAll()
    .where('provider', '=', provider)
    .where('providerSubscriptionId', '=', subscriptionId)
    .executeTakeFirst();
}

/** Records the provider's order or subscription id once the provider has created it. True if the row exists. */
export async function setProviderIds(
  db: Queryable,
  id: string,
  ids: { providerOrderId?: string; providerSubscriptionId?: string; at: number },
): Promise<boolean> {
  const result = await db
    .updateTable('checkouts')
    .set({
      ...(ids.providerOrderId !== undefined && { providerOrderId: ids.providerOrderId }),
      ...(ids.providerSubscriptionId !== undefined && { providerSubscriptionId: ids.providerSubscriptionId }),
      updatedAt: ids.at,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Checkouts created since `since` that a buyer may have paid for without any road telling us: still open, or
 * expired or closed without a payment (PayPal keeps an approved order capturable a while after our window timed
 * out). Older ones are left alone: abandoned checkouts are not read again for ever.
 */
export function unsettledSince(db: Queryable, since: number, limit: number): Promise<CheckoutRecord[]> {
  return db
    .selectFrom('checkouts')
    .selectAll()
    .where('status', 'in', ['pending', 'approved', 'expired', 'cancelled'])
    .where('createdAt', '>=', since)
    .where('licenseId', 'is', null)
    .orderBy('createdAt', 'desc')
    .limit(limit)
    .execute();
}

export interface StatusChange {
  /** The status (or any of the statuses) the checkout must be in now for the change to happen. */
  from: CheckoutStatus | readonly CheckoutStatus[];
  to: CheckoutStatus;
  at: number;
  /** Kept with a `failed` status; cleared otherwise. */
  failureReason?: string | null;
}

/**
 * Compare-and-set of the status: true if this call changed it, false if the checkout is missing or was not in
 * `from` (another road got there first). This is what makes "whichever comes first wins" safe.
 */
export async function updateStatus(db: Queryable, id: string, change: StatusChange): Promise<boolean> {
  const from: readonly CheckoutStatus[] = typeof change.from === 'string' ? [change.from] : change.from;
  if (from.length === 0) return false;
  const result = await db
    .updateTable('checkouts')
    .set({ status: change.to, failureReason: change.failureReason ?? null, updatedAt: change.at })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Marks up to `limit` open checkouts whose window has closed as expired (compare-and-set, like updateStatus: a
 * payment that lands first wins) and returns the ids it changed. Run inside a transaction that announces them.
 */
export async function expireDue(db: Queryable, now: number, limit: number): Promise<string[]> {
  const due = await db
    .selectFrom('checkouts')
    .select('id')
    .where('status', 'in', ['pending', 'approved'])
    .where('expiresAt', '<=', now)
    .orderBy('expiresAt')
    .limit(limit)
    .execute();
  if (due.length === 0) return [];
  const changed = await db
    .updateTable('checkouts')
    .set({ status: 'expired', failureReason: null, updatedAt: now })
    .where('id', 'in', due.map((d) => d.id))
    .where('status', 'in', ['pending', 'approved'])
    .where('expiresAt', '<=', now)
    .returning('id')
    .execute();
  return changed.map((c) => c.id);
}

/** Checkouts of this anchor still waiting for payment (pending or approved, not past their expiry). */
export async function countOpenForAnchor(db: Queryable, anchor: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('checkouts')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('open'))
    .where('anchor', '=', anchor)
    .where('status', 'in', ['pending', 'approved'])
    .where('expiresAt', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.open);
}

/** Links the license the checkout produced; true only for the first link (a checkout yields one license). */
export async function attachLicense(db: Queryable, id: string, licenseId: string, at: number): Promise<boolean> {
  const result = await attachOnce(db, licenseId, at, id);
  return (result.numAffectedRows ?? 0n) > 0n;
}

const attachOnce = precompiled((db, licenseId: string, at: number, id: string) =>
  db.updateTable('checkouts').set({ licenseId, updatedAt: at }).where('id', '=', id).where('licenseId', 'is', null),
);
