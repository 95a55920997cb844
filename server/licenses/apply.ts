// Applies normalized billing events to the license a checkout produced, inside the caller's transaction:
// provider ids bound (never re-bound: a conflict throws and rolls everything back), timeline append
// (deduplicated by event id), state recomputed from the whole timeline by the pure billing core, checkout
// status moved. Every road — the app's return, the return page, the webhooks, reconciliation — comes through
// here, so whichever arrives first wins and the rest are no-ops. Other licenses of the same machine are left as
// they are: the machine's access is what its best license gives (best-license.ts).
import { sql, type Transaction } from 'kysely';
import { licenseState, paidOf, type BillingEvent, type LicenseState } from '../billing';
import * as checkouts from '../store/checkouts';
import type { CheckoutRecord } from '../store/checkouts';
import type { Database, EventSource, StoreDialect } from '../store/database';
import * as licenseEvents from '../store/license-events';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import * as providerRefs from '../store/provider-refs';
import type { ProviderRefEntry } from '../store/provider-refs';
import { newId } from '../ids';

export interface ApplyInput {
  checkout: CheckoutRecord;
  events: readonly BillingEvent[];
  source: EventSource;
  /** Provider ids learnt on the way (capture, sale, refund …), linked to the license for support lookups. */
  refs?: readonly Omit<ProviderRefEntry, 'licenseId' | 'checkoutId'>[];
  now: number;
  reference?: string | null;
}

export interface ApplyResult {
  license: LicenseRecord;
  /** False when every event was already on the timeline (a duplicate delivery, the second road). */
  changed: boolean;
  /** The checkout as this call left it (its row is locked by the caller, so nothing else changed it meanwhile). */
  checkout: CheckoutRecord;
}

/** Statuses reached through a completed payment: a checkout that gets here is completed for good. */
const PAID_STATUSES = new Set<LicenseState['status']>(['active', 'past_due', 'canceled', 'disputed', 'suspended', 'expired', 'refunded', 'reversed']);

export async function applyToCheckout(trx: Transaction<Database>, dialect: StoreDialect, input: ApplyInput): Promise<ApplyResult> {
  const { now } = input;
  let { checkout } = input;
  // Serialise per anchor (SQLite writers are serial), so rules that look at a machine's other licenses (a
  // lifetime purchase replacing a subscription) see them as committed.
  if (dialect === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${checkout.anchor}))`.execute(trx);

  let license = checkout.licenseId ? await licenses.get(trx, checkout.licenseId, { forUpdate: true }) : undefined;
  if (!license) {
    license = await licenses.insert(trx, {
      id: newId('lic'),
      anchor: checkout.anchor,
      planId: checkout.planId,
      provider: checkout.provider,
      checkoutId: checkout.id,
      status: 'pending',
      tier: 'enterprise',
      orderId: checkout.providerOrderId,
      subscriptionId: checkout.providerSubscriptionId,
      state: { status: 'pending' } satisfies LicenseState,
      createdAt: now,
    });
    if (await checkouts.attachLicense(trx, checkout.id, license.id, now)) checkout = { ...checkout, licenseId: license.id, updatedAt: now };
  }

  for (const ref of input.refs ?? []) {
    await providerRefs.bindOrThrow(trx, { ...ref, licenseId: license.id, checkoutId: checkout.id });
  }

  let appended = 0;
  for (const event of input.events) {
    const added = await licenseEvents.append(trx, { licenseId: license.id, source: input.source, event, recordedAt: now, reference: input.reference ?? null });
    if (added) appended++;
  }
  if (appended === 0) return { license, changed: false, checkout };

  const timeline = await licenseEvents.listByLicense(trx, license.id);
  const state = licenseState(timeline.map((e) => e.event));
  const paid = paidOf(state);
  const updated = await licenses.updateAndRead(trx, license.id, {
    status: state.status,
    transactionId: paid?.transactionId ?? null,
    amount: paid?.amount?.value ?? null,
    currency: paid?.amount?.currency ?? null,
    paidThrough: paid?.paidThrough ?? null,
    ...(paid?.subscriptionId ? { subscriptionId: paid.subscriptionId } : {}),
    state,
    updatedAt: now,
  });

  if (PAID_STATUSES.has(state.status) && checkout.status !== 'completed') {
    // Money taken grants, even after the buyer closed the window or the checkout timed out.
    checkout = await moved(trx, checkout, { from: ['pending', 'approved', 'cancelled', 'expired', 'failed'], to: 'completed', at: now });
  } else if (state.status === 'failed' && (checkout.status === 'pending' || checkout.status === 'approved')) {
    checkout = await moved(trx, checkout, { from: ['pending', 'approved'], to: 'failed', at: now, failureReason: state.reason });
  }
  return { license: updated ?? license, changed: true, checkout };
}

/** The checkout after a compare-and-set of its status: the columns updateStatus sets, or as it was. */
async function moved(trx: Transaction<Database>, checkout: CheckoutRecord, change: checkouts.StatusChange): Promise<CheckoutRecord> {
  if (!(await checkouts.updateStatus(trx, checkout.id, change))) return checkout;
  return { ...checkout, status: change.to, failureReason: change.failureReason ?? null, updatedAt: change.at };
}
