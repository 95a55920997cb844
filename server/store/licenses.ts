// Licenses: the Enterprise tier bound to a hashed anchor, with the reduced, provider-neutral billing state.
import { sql, type Selectable, type Updateable } from 'kysely';
import type { LicenseStatus } from '../../common/license';
import type { Tier } from '../../common/plans';
import type { LicensesTable, Queryable } from './database';
import { precompiled } from './precompiled';

/** The row with its saved JSON read back: `state` is the billing core's reduced state (the core owns its shape). */
export type LicenseRecord = Omit<Selectable<LicensesTable>, 'stateJson'> & { state: unknown };

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
  supportCancelledAt?: number;
  updatedAt: number;
}

export async function insert(db: Queryable, license: NewLicense): Promise<LicenseRecord> {
  const row: Selectable<LicensesTable> = {
    id: license.id,
    anchor: license.anchor,
    planId: license.planId,
    provider: license.provider,
    checkoutId: license.checkoutId,
    status: license.status,
    tier: license.tier,
    transactionId: license.transactionId ?? null,
    orderId: license.orderId ?? null,
    subscriptionId: license.subscriptionId ?? null,
    amount: license.amount ?? null,
    currency: license.currency ?? null,
    paidThrough: license.paidThrough ?? null,
    supersededBy: null,
    stateJson: JSON.stringify(license.state),
    createdAt: license.createdAt,
    updatedAt: license.createdAt,
    reconciledAt: null,
    supportCancelledAt: null,
  };
  await insertRow(db, row.id, row.anchor, row.planId, row.provider, row.checkoutId, row.status, row.tier, row.transactionId, row.orderId,
    row.subscriptionId, row.amount, row.currency, row.paidThrough, row.stateJson, row.createdAt, row.updatedAt);
  return withState(row);
}

/**
 * `forUpdate` locks the row until the transaction ends, so two events for one license applied at once
 * (PostgreSQL, several connections) read-modify-write in turn instead of losing one update.
 */
export async function get(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<LicenseRecord | undefined> {
  const [row] = (await (options.forUpdate ? selectForUpdate : selectOne)(db, id)).rows;
  return row && withState(row);
}

/** Licenses bound to an anchor that starts and ends so (the short machine code a customer reads out), at most `limit`. */
export async function listByAnchorEnds(db: Queryable, prefix: string, suffix: string, limit: number): Promise<LicenseRecord[]> {
  const rows = await db
    .selectFrom('licenses')
    .selectAll()
    .where(sql<boolean>`substr(anchor, 1, ${prefix.length}) = ${prefix}`)
    .where(sql<boolean>`substr(anchor, length(anchor) - ${suffix.length - 1}) = ${suffix}`)
    .orderBy('createdAt')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(withState);
}

/** Every license ever bound to the anchor, oldest first. */
export async function listByAnchor(db: Queryable, anchor: string): Promise<LicenseRecord[]> {
  const rows = await db
    .selectFrom('licenses')
    .selectAll()
    .where('anchor', '=', anchor)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  return rows.map(withState);
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
      id, anchor, planId, provider, checkoutId, status, tier, transactionId, orderId, subscriptionId, amount, currency, paidThrough,
      supersededBy: null, stateJson, createdAt, updatedAt,
    }),
);
const selectOne = precompiled((db, id: string) => db.selectFrom('licenses').selectAll().where('id', '=', id));
const selectForUpdate = precompiled((db, id: string) => db.selectFrom('licenses').selectAll().where('id', '=', id).forUpdate());

/** Subscription licenses not yet in a final state, least recently reconciled first (never-read ones first). */
export async function dueForReconciliation(db: Queryable, readBefore: number, limit: number): Promise<LicenseRecord[]> {
  const rows = await db
    .selectFrom('licenses')
    .selectAll()
    .where('subscriptionId', 'is not', null)
    .where('supersededBy', 'is', null)
    .where('status', 'in', ['pending', 'active', 'past_due', 'suspended', 'canceled', 'disputed'])
    .where((eb) => eb.or([eb('reconciledAt', 'is', null), eb('reconciledAt', '<', readBefore)]))
    .orderBy(sql`coalesce(reconciled_at, 0)`)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(withState);
}

export async function markReconciled(db: Queryable, id: string, at: number): Promise<void> {
  await db.updateTable('licenses').set({ reconciledAt: at }).where('id', '=', id).execute();
}

/** True if the license exists (and was updated). */
export async function update(db: Queryable, id: string, patch: LicensePatch): Promise<boolean> {
  const result = await db.updateTable('licenses').set(changes(patch)).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** update, answering with the row as it now is (in the same statement: one round trip fewer on the payment path). */
export async function updateAndRead(db: Queryable, id: string, patch: LicensePatch): Promise<LicenseRecord | undefined> {
  const row = await db.updateTable('licenses').set(changes(patch)).where('id', '=', id).returningAll().executeTakeFirst();
  return row && withState(row);
}

function changes(patch: LicensePatch): Updateable<LicensesTable> {
  const set: Updateable<LicensesTable> = { updatedAt: patch.updatedAt };
  if (patch.anchor !== undefined) set.anchor = patch.anchor;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.tier !== undefined) set.tier = patch.tier;
  if (patch.transactionId !== undefined) set.transactionId = patch.transactionId;
  if (patch.orderId !== undefined) set.orderId = patch.orderId;
  if (patch.subscriptionId !== undefined) set.subscriptionId = patch.subscriptionId;
  if (patch.amount !== undefined) set.amount = patch.amount;
  if (patch.currency !== undefined) set.currency = patch.currency;
  if (patch.paidThrough !== undefined) set.paidThrough = patch.paidThrough;
  if (patch.state !== undefined) set.stateJson = JSON.stringify(patch.state);
  if (patch.supportCancelledAt !== undefined) set.supportCancelledAt = patch.supportCancelledAt;
  return set;
}

/**
 * Marks the license as replaced by `byId` (a newer purchase or a support re-issue); its status is left as the
 * billing history made it. True only the first time: a license is superseded once.
 */
export async function supersede(db: Queryable, id: string, byId: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('licenses')
    .set({ supersededBy: byId, updatedAt: at })
    .where('id', '=', id)
    .where('supersededBy', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export function withState({ stateJson, ...row }: Selectable<LicensesTable>): LicenseRecord {
  return { ...row, state: JSON.parse(stateJson) };
}
