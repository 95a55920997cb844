// Reconciliation: providers do not deliver every event (cancellations go missing, a server may be down for longer
// than a provider retries), so on a schedule the server re-reads from each provider's API what webhooks may never
// have told it, and applies it through the same path with the same event ids as a webhook would (a late webhook is then a
// no-op): checkouts the buyer may have paid without any road reaching us, and every subscription whose state is
// not final. Bounded per run; each change is audited.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { BillingEvent } from '../billing/events';
import type { CheckoutService } from '../checkouts/service';
import type { ReplacedSubscriptions } from '../licenses/replaced-subscriptions';
import type { Metrics } from '../observability/metrics';
import { isProviderError } from '../providers/errors';
import type { ProviderRegistry } from '../providers/registry';
import * as audit from '../store/audit';
import * as checkouts from '../store/checkouts';
import type { CheckoutRecord } from '../store/checkouts';
import type { Store } from '../store/database';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import { RefConflictError } from '../store/provider-refs';

export interface ReconcilerDeps {
  store: Store;
  clock: Clock;
  providers: ProviderRegistry;
  checkouts: CheckoutService;
  replaced: ReplacedSubscriptions;
  metrics: Metrics;
  log: Logger;
  /** At most this many checkouts and this many subscriptions are read per run. */
  batch: number;
  /** A subscription read more recently than this is not read again. */
  intervalMs: number;
}

export interface ReconcileReport {
  checkoutsRead: number;
  checkoutsSettled: number;
  subscriptionsRead: number;
  licensesChanged: number;
  failures: number;
}

const ACTOR = 'reconciliation';
/** How long after our window closed a payment is still looked for (PayPal keeps approved orders capturable). */
const LATE_PAYMENT_MS = 3 * 86_400_000;

export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  async runOnce(): Promise<ReconcileReport> {
    const report: ReconcileReport = { checkoutsRead: 0, checkoutsSettled: 0, subscriptionsRead: 0, licensesChanged: 0, failures: 0 };
    const { store, clock, batch } = this.deps;
    for (const checkout of await checkouts.unsettledSince(store.db, clock.now() - LATE_PAYMENT_MS, batch)) {
      await this.guarded(report, () => this.checkout(checkout, report));
    }
    for (const license of await licenses.dueForReconciliation(store.db, clock.now() - this.deps.intervalMs, batch)) {
      await this.guarded(report, () => this.subscription(license, report));
    }
    this.deps.metrics.inc('hardbound_reconciled_total', { what: 'checkouts' }, report.checkoutsRead);
    this.deps.metrics.inc('hardbound_reconciled_total', { what: 'subscriptions' }, report.subscriptionsRead);
    this.deps.metrics.inc('hardbound_reconciliation_changes_total', {}, report.licensesChanged + report.checkoutsSettled);
    return report;
  }

  /** A checkout no road settled: if its provider shows it approved or paid, settle it as the return would. */
  private async checkout(checkout: CheckoutRecord, report: ReconcileReport): Promise<void> {
    report.checkoutsRead++;
    const provider = this.deps.providers.find(checkout.provider);
    if (!provider || !(await provider.mayHaveBeenPaid(checkout))) return;
    const after = await this.deps.checkouts.settle(checkout, 'provider');
    if (after.status === checkout.status) return;
    report.checkoutsSettled++;
    await audit.append(this.deps.store.db, {
      at: this.deps.clock.now(), actor: ACTOR, action: 'reconcile', target: after.licenseId ?? checkout.id,
      reason: `payment found at ${provider.displayName} that no return or webhook had reported`, detail: { checkoutId: checkout.id, status: after.status },
    });
  }

  /** A subscription's state and payments as its provider shows them now, applied as the webhooks would have. */
  private async subscription(license: LicenseRecord, report: ReconcileReport): Promise<void> {
    const { clock, store } = this.deps;
    report.subscriptionsRead++;
    const checkout = await checkouts.get(store.db, license.checkoutId);
    const provider = this.deps.providers.find(license.provider);
    if (!checkout || !provider) return;
    const subscriptionId = license.subscriptionId ?? checkout.providerSubscriptionId;
    const facts = await provider.subscriptionFacts(license, checkout, clock.now());
    if (!facts.ok) {
      this.deps.metrics.inc('hardbound_reconciliation_not_confirmed_total', { reason: facts.reason });
      await audit.append(store.db, {
        at: clock.now(), actor: ACTOR, action: 'reconcile-not-confirmed', target: license.id, reason: facts.reason,
        detail: { subscriptionId },
      });
    } else if (facts.events.length > 0) {
      const applied = await this.deps.checkouts.applyAll([{ checkoutId: checkout.id, events: facts.events, refs: facts.refs }], 'provider');
      if (applied.results.some((r) => r.changed)) {
        report.licensesChanged++;
        const after = await licenses.get(store.db, license.id);
        await audit.append(store.db, {
          at: clock.now(), actor: ACTOR, action: 'reconcile', target: license.id,
          reason: `subscription state read from ${provider.displayName}`, detail: { subscriptionId, from: license.status, to: after?.status, events: eventSummary(facts.events) },
        });
      }
    }
    await licenses.markReconciled(store.db, license.id, clock.now());
    await this.deps.replaced.settle(license.anchor, ACTOR);
  }

  /** One item's failure (its provider unreachable, a conflicting reference) never stops the run. */
  private async guarded(report: ReconcileReport, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      report.failures++;
      const code = isProviderError(error) ? error.code : error instanceof RefConflictError ? 'ref_conflict' : 'internal';
      this.deps.metrics.inc('hardbound_reconciliation_failures_total', { code });
      this.deps.log.warn({ code, err: (error as Error).message }, 'reconciliation item failed; retried next run');
    }
  }
}

function eventSummary(events: readonly BillingEvent[]): string[] {
  return events.map((e) => e.type);
}
