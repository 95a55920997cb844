// Licenses: the Enterprise tier bound to a hashed anchor, with the reduced, provider-neutral billing state.
import { sql, type Selectable, type Updateable } from 'kysely';
import type { LicenseStatus } from '../../common/license';
import type { Tier } from '../../common/plans';
import type { LicensesTable, Queryable } from './database';
import { precompiled } from './precompiled';

export interface LicenseRecord {
  id: string;
  anchor: string;
  planId: string;
  provider: string;
  checkoutId: string;
  status: LicenseStatus;
  tier: Tier;
  transactionId: string | null;
  orderId: string | null;
  subscriptionId: string | null;
  amount: string | null;
  currency: string | null;
  paidThrough: number | null;
  supersededBy: string | null;
  /** The billing core's reduced state as it was saved (JSON); the billing core owns its shape. */
  state: unknown;
  createdAt: number;
  updatedAt: number;
  /** When reconciliation last read its subscription from the provider; null if never. */
  reconciledAt: number | null;
}

export interface NewLicense {
  id: string;
  anchor: string;
  planId: string;
  provider: string;
  checkoutId: string;
  status: LicenseStatus;
  tier: Tier;
  transactionId?: string | null;
  orderId?: string | null;
  subscriptionId?: string | null;
  amount?: string | null;
  currency?: string | null;
  paidThrough?: number | null;
  state: object;
  createdAt: number;
}

/** The fields that change as events are applied, or when support transfers a license to a new anchor. */
export interface LicensePatch {
  anchor?: string;
  status?: LicenseStatus;
  tier?: Tier;
  transactionId?: string | null;
  orderId?: string | null;
  subscriptionId?: string | null;
  amount?: string | null;
  currency?: string | null;
  paidThrough?: number | null;
  state?: object;
  updatedAt: number;
}

export async function insert(db: Queryable, license: NewLicense): Promise<LicenseRecord> {
  const row: Selectable<LicensesTable> = {
    id: license.id,
    anchor: license.anchor,
    plan_id: license.planId,
    provider: license.provider,
    checkout_id: license.checkoutId,
    status: license.status,
    tier: license.tier,
    transaction_id: license.transactionId ?? null,
    order_id: license.orderId ?? null,
    subscription_id: license.subscriptionId ?? null,
    amount: license.amount ?? null,
    currency: license.currency ?? null,
    paid_through: license.paidThrough ?? null,
    superseded_by: null,
    state_json: JSON.stringify(license.state),
    created_at: license.createdAt,
    updated_at: license.createdAt,
    reconciled_at: null,
  };
  await insertRow(db, row.id, row.anchor, row.plan_id, row.provider, row.checkout_id, row.status, row.tier, row.transaction_id, row.order_id,
    row.subscription_id, row.amount, row.currency, row.paid_through, row.state_json, row.created_at, row.updated_at);
  return toRecord(row);
}

/**
 * `forUpdate` locks the row until the transaction ends, so two events for one license applied at once
 * (PostgreSQL, several connections) read-modify-write in turn instead of losing one update.
 */
export async function get(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<LicenseRecord | undefined> {
  const [row] = (await (options.forUpdate ? selectForUpdate : selectOne)(db, id)).rows;
  return row && toRecord(row);
}

/** Every license ever bound to the anchor, oldest first. */
export async function listByAnchor(db: Queryable, anchor: string): Promise<LicenseRecord[]> {
  const rows = await db
    .selectFrom('licenses')
    .selectAll()
    .where('anchor', '=', anchor)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toRecord);
}

// Every payment and refresh runs these; see precompiled.ts.
const insertRow = precompiled(
  (
    db,
    id: string,
    anchor: string,
    planId: string,
    provider: string,
    checkoutId: string,
    status: LicenseStatus,
    tier: Tier,
    transactionId: string | null,
    orderId: string | null,
    subscriptionId: string | null,
    amount: string | null,
    currency: string | null,
    paidThrough: number | null,
    stateJson: string,
    createdAt: number,
    updatedAt: number,
  ) =>
    db.insertInto('licenses').values({
      id, anchor, plan_id: planId, provider, checkout_id: checkoutId, status, tier, transaction_id: transactionId, order_id: orderId,
      subscription_id: subscriptionId, amount, currency, paid_through: paidThrough, superseded_by: null, state_json: stateJson,
      created_at: createdAt, updated_at: updatedAt,
    }),
);
const selectOne = precompiled((db, id: string) => db.selectFrom('licenses').selectAll().where('id', '=', id));
const selectForUpdate = precompiled((db, id: string) => db.selectFrom('licenses').selectAll().where('id', '=', id).forUpdate());
/** Subscription licenses not yet in a final state, least recently reconciled first (never-read ones first). */
export async function dueForReconciliation(db: Queryable, readBefore: number, limit: number): Promise<LicenseRecord[]> {
  const rows = await db
    .selectFrom('licenses')
    .selectAll()
    .where('subscription_id', 'is not', null)
    .where('superseded_by', 'is', null)
    .where('status', 'in', ['pending', 'active', 'past_due', 'suspended', 'canceled', 'disputed'])
    .where((eb) => eb.or([eb('reconciled_at', 'is', null), eb('reconciled_at', '<', readBefore)]))
    .orderBy(sql`coalesce(reconciled_at, 0)`)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toRecord);
}

export async function markReconciled(db: Queryable, id: string, at: number): Promise<void> {
  await db.updateTable('licenses').set({ reconciled_at: at }).where('id', '=', id).execute();
}

/** True if the license exists (and was updated). */
export async function update(db: Queryable, id: string, patch: LicensePatch): Promise<boolean> {
  const set: Updateable<LicensesTable> = { updated_at: patch.updatedAt };
  if (patch.anchor !== undefined) set.anchor = patch.anchor;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.tier !== undefined) set.tier = patch.tier;
  if (patch.transactionId !== undefined) set.transaction_id = patch.transactionId;
  if (patch.orderId !== undefined) set.order_id = patch.orderId;
  if (patch.subscriptionId !== undefined) set.subscription_id = patch.subscriptionId;
  if (patch.amount !== undefined) set.amount = patch.amount;
  if (patch.currency !== undefined) set.currency = patch.currency;
  if (patch.paidThrough !== undefined) set.paid_through = patch.paidThrough;
  if (patch.state !== undefined) set.state_json = JSON.stringify(patch.state);
  const result = await db.updateTable('licenses').set(set).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Marks the license as replaced by `byId` (a newer purchase or a support re-issue); its status is left as the
 * billing history made it. True only the first time: a license is superseded once.
 */
export async function supersede(db: Queryable, id: string, byId: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('licenses')
    .set({ superseded_by: byId, updated_at: at })
    .where('id', '=', id)
    .where('superseded_by', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

function toRecord(row: Selectable<LicensesTable>): LicenseRecord {
  return {
    id: row.id,
    anchor: row.anchor,
    planId: row.plan_id,
    provider: row.provider,
    checkoutId: row.checkout_id,
    status: row.status,
    tier: row.tier,
    transactionId: row.transaction_id,
    orderId: row.order_id,
    subscriptionId: row.subscription_id,
    amount: row.amount,
    currency: row.currency,
    paidThrough: row.paid_through,
    supersededBy: row.superseded_by,
    state: JSON.parse(row.state_json),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    reconciledAt: row.reconciled_at,
  };
}
