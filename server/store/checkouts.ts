// Checkouts: one buyer's attempt to pay for a plan, from creation to completion, failure, cancel or expiry.
import type { Selectable } from 'kysely';
import type { CheckoutStatus } from '../../common/api';
import type { CheckoutKind, CheckoutsTable, Queryable } from './database';
import { precompiled } from './precompiled';

export interface CheckoutRecord {
  id: string;
  anchor: string;
  planId: string;
  kind: CheckoutKind;
  provider: string;
  providerOrderId: string | null;
  providerSubscriptionId: string | null;
  amount: string;
  currency: string;
  status: CheckoutStatus;
  failureReason: string | null;
  pollTokenHash: string;
  licenseId: string | null;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
}

export interface NewCheckout {
  id: string;
  anchor: string;
  planId: string;
  kind: CheckoutKind;
  provider: string;
  providerOrderId?: string | null;
  providerSubscriptionId?: string | null;
  amount: string;
  currency: string;
  pollTokenHash: string;
  createdAt: number;
  expiresAt: number;
}

/** Inserts a pending checkout. A reused id or provider order/subscription id throws (see isUniqueViolation). */
export async function insert(db: Queryable, checkout: NewCheckout): Promise<CheckoutRecord> {
  const row: Selectable<CheckoutsTable> = {
    id: checkout.id,
    anchor: checkout.anchor,
    plan_id: checkout.planId,
    kind: checkout.kind,
    provider: checkout.provider,
    provider_order_id: checkout.providerOrderId ?? null,
    provider_subscription_id: checkout.providerSubscriptionId ?? null,
    amount: checkout.amount,
    currency: checkout.currency,
    status: 'pending',
    failure_reason: null,
    poll_token_hash: checkout.pollTokenHash,
    license_id: null,
    created_at: checkout.createdAt,
    updated_at: checkout.createdAt,
    expires_at: checkout.expiresAt,
  };
  await db.insertInto('checkouts').values(row).execute();
  return toRecord(row);
}

/** `forUpdate` locks the row until the transaction ends (PostgreSQL; SQLite transactions are serial anyway). */
export async function get(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<CheckoutRecord | undefined> {
  const [row] = (await (options.forUpdate ? selectForUpdate : selectOne)(db, id)).rows;
  return row && toRecord(row);
}

// Webhook deliveries and long-polls read checkouts by id all the time; see precompiled.ts.
const selectOne = precompiled((db, id: string) => db.selectFrom('checkouts').selectAll().where('id', '=', id));
const selectForUpdate = precompiled((db, id: string) => db.selectFrom('checkouts').selectAll().where('id', '=', id).forUpdate());

export async function getByOrderId(db: Queryable, provider: string, orderId: string): Promise<CheckoutRecord | undefined> {
  const row = await db
    .selectFrom('checkouts')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_order_id', '=', orderId)
    .executeTakeFirst();
  return row && toRecord(row);
}

export async function getBySubscriptionId(
  db: Queryable,
  provider: string,
  subscriptionId: string,
): Promise<CheckoutRecord | undefined> {
  const row = await db
    .selectFrom('checkouts')
    .selectAll()
    .where('provider', '=', provider)
    .where('provider_subscription_id', '=', subscriptionId)
    .executeTakeFirst();
  return row && toRecord(row);
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
      ...(ids.providerOrderId !== undefined && { provider_order_id: ids.providerOrderId }),
      ...(ids.providerSubscriptionId !== undefined && { provider_subscription_id: ids.providerSubscriptionId }),
      updated_at: ids.at,
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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
    .set({ status: change.to, failure_reason: change.failureReason ?? null, updated_at: change.at })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Checkouts of this anchor still waiting for payment (pending or approved, not past their expiry). */
export async function countOpenForAnchor(db: Queryable, anchor: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('checkouts')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('open'))
    .where('anchor', '=', anchor)
    .where('status', 'in', ['pending', 'approved'])
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.open);
}

/** Links the license the checkout produced; true only for the first link (a checkout yields one license). */
export async function attachLicense(db: Queryable, id: string, licenseId: string, at: number): Promise<boolean> {
  const result = await attachOnce(db, licenseId, at, id);
  return (result.numAffectedRows ?? 0n) > 0n;
}

const attachOnce = precompiled((db, licenseId: string, at: number, id: string) =>
  db.updateTable('checkouts').set({ license_id: licenseId, updated_at: at }).where('id', '=', id).where('license_id', 'is', null),
);

function toRecord(row: Selectable<CheckoutsTable>): CheckoutRecord {
  return {
    id: row.id,
    anchor: row.anchor,
    planId: row.plan_id,
    kind: row.kind,
    provider: row.provider,
    providerOrderId: row.provider_order_id,
    providerSubscriptionId: row.provider_subscription_id,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    failureReason: row.failure_reason,
    pollTokenHash: row.poll_token_hash,
    licenseId: row.license_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
  };
}
