// Buying lifetime while subscribed: once the lifetime license is paid, the subscription it replaces is cancelled
// at its provider so the buyer is not billed for both — only a subscription the lifetime checkout named when the
// machine's own app created it (CheckoutService.create), never one a stranger's purchase for a machine code hits. Runs right after the lifetime payment is recorded and again from
// reconciliation (a failed call is retried there); the subscription license then follows the provider's cancellation
// like any other (access until its paid period ends — moot beside lifetime). Audited.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { AccessPolicy } from '../billing';
import type { Metrics } from '../observability/metrics';
import * as audit from '../store/audit';
import type { Store } from '../store/database';
import * as checkouts from '../store/checkouts';
import * as licenses from '../store/licenses';
import type { ProviderRegistry } from '../providers/registry';
import { billedSubscription, isLifetime } from './purchase-rules';


export interface ReplacedSubscriptionsDeps {
  store: Store;
  clock: Clock;
  policy: AccessPolicy;
  providers: ProviderRegistry;
  metrics: Metrics;
  log: Logger;
}

export const REPLACED_REASON = 'Replaced by a lifetime license bought on the same computer';

export class ReplacedSubscriptions {
  constructor(private readonly deps: ReplacedSubscriptionsDeps) {}

  /** Cancels each subscription still billed on `anchor` that a paid lifetime checkout there was bought to replace. */
  async settle(anchor: string, actor: string): Promise<number> {
    const { store, clock, policy } = this.deps;
    const held = (await licenses.listByAnchor(store.db, anchor)).filter((l) => l.supersededBy === null);
    const replacing = new Map<string, string>();
    for (const license of held) {
      if (!isLifetime(license, clock.now(), policy)) continue;
      const checkout = await checkouts.get(store.db, license.checkoutId);
      if (checkout?.replacesSubscriptionId) replacing.set(checkout.replacesSubscriptionId, license.id);
    }
    let cancelled = 0;
    for (const license of held) {
      const subscriptionId = billedSubscription(license);
      const lifetimeId = subscriptionId === null ? undefined : replacing.get(subscriptionId);
      if (subscriptionId === null || lifetimeId === undefined) continue;
      try {
        // 'not_billing': cancelled already, its webhook on the way.
        if ((await this.deps.providers.get(license.provider).cancelSubscription(subscriptionId, REPLACED_REASON)) === 'not_billing') continue;
      } catch (error) {
        this.deps.log.warn({ licenseId: license.id, err: (error as Error).message }, 'could not cancel a replaced subscription; reconciliation will retry');
        continue;
      }
      cancelled++;
      this.deps.metrics.inc('hardbound_replaced_subscriptions_cancelled_total');
      await audit.append(store.db, {
        at: clock.now(), actor, action: 'cancel-replaced-subscription', target: license.id, reason: REPLACED_REASON,
        detail: { subscriptionId, replacedBy: lifetimeId },
      });
    }
    return cancelled;
  }
}
