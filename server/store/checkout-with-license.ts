// A checkout and the license it produced, in one statement: what a long-poll reads each time it wakes. On
// PostgreSQL every statement is a round trip, and a woken poll answering "completed" needs both rows.
import type { Selectable } from 'kysely';
import type { CheckoutRecord } from './checkouts';
import type { LicensesTable, Queryable } from './database';
import { withState, type LicenseRecord } from './licenses';
import { precompiled } from './precompiled';

/** Every licenses column; the type below fails to compile when one is added to the table and not here. */
const LICENSE_COLUMNS = [
  'id', 'anchor', 'planId', 'provider', 'checkoutId', 'status', 'tier', 'transactionId', 'orderId', 'subscriptionId', 'amount', 'currency',
  'paidThrough', 'supersededBy', 'stateJson', 'createdAt', 'updatedAt', 'reconciledAt', 'supportCancelledAt',
] as const satisfies readonly (keyof LicensesTable)[];
type Listed = (typeof LICENSE_COLUMNS)[number];
const everyColumnListed: Exclude<keyof LicensesTable, Listed> extends never ? true : never = true;
void everyColumnListed;

/** The license's columns come back as lic<Column> (licId, licPlanId …), clear of the checkout's own names. */
type Aliased = { [C in Listed as `lic${Capitalize<C>}`]: Selectable<LicensesTable>[C] | null };
const alias = (column: Listed) => `lic${column[0]!.toUpperCase()}${column.slice(1)}` as keyof Aliased;

const selectJoined = precompiled((db: Queryable, id: string) =>
  db
    .selectFrom('checkouts')
    .leftJoin('licenses', 'licenses.id', 'checkouts.licenseId')
    .selectAll('checkouts')
    .select(LICENSE_COLUMNS.map((column) => `licenses.${column} as ${alias(column)}` as const))
    .where('checkouts.id', '=', id),
);

export async function getWithLicense(db: Queryable, id: string): Promise<{ checkout: CheckoutRecord; license: LicenseRecord | undefined } | undefined> {
  const [row] = (await selectJoined(db, id)).rows as (CheckoutRecord & Aliased)[];
  if (!row) return undefined;
  const license = Object.fromEntries(LICENSE_COLUMNS.map((column) => [column, row[alias(column)]]));
  const checkout: Record<string, unknown> = { ...row };
  for (const column of LICENSE_COLUMNS) delete checkout[alias(column)];
  return {
    checkout: checkout as CheckoutRecord,
    license: row.licId === null ? undefined : withState(license as unknown as Selectable<LicensesTable>),
  };
}
