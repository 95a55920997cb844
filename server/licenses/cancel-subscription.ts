// POST /v1/entitlements/cancel-subscription: "Manage subscription → Cancel" in the app. The server asks the
// license's provider to cancel, then waits briefly for the provider's cancellation webhook, which is what
// actually moves the license (the API is the truth; our request is not). Access lasts until the period ends.
import type { CancelSubscriptionResponse } from '../../common/api';
import type { CheckoutWaiters } from '../checkouts/waiters';
import { ApiError } from '../http/api-error';
import { buyerFacing } from '../http/provider-errors';
import { isProviderError } from '../providers/errors';
import type { ProviderRegistry } from '../providers/registry';
import * as licenses from '../store/licenses';
import { billedSubscription } from './purchase-rules';
import { answerFor, currentLicense, presentedLicense, type EntitlementDeps } from './refresh';
import type { LicenseRecord } from '../store/licenses';

const CANCELLABLE = new Set(['active', 'past_due', 'disputed']);

export class CancelSubscriptionService {
  constructor(
    private readonly deps: EntitlementDeps & { providers: ProviderRegistry; waiters: CheckoutWaiters; waitMs: number },
  ) {}

  async cancel(anchor: unknown, token: unknown): Promise<CancelSubscriptionResponse> {
    const found = await presentedLicense(this.deps, anchor, token);
    // The machine's subscription, whichever license its best access comes from (it may also hold lifetime).
    const held = (await licenses.listByAnchor(this.deps.store.db, found.anchor)).filter((l) => l.supersededBy === null && l.subscriptionId);
    const license = held.find((l) => billedSubscription(l) !== null) ?? held.find((l) => l.status === 'canceled') ?? held.at(-1);
    if (!license || !license.subscriptionId) {
      throw new ApiError(409, 'not_a_subscription', 'This machine has no subscription to cancel.');
    }
    if (license.status === 'canceled') return { ...(await this.answer(found.anchor, found.license)), cancellation: 'recorded' };
    if (!CANCELLABLE.has(license.status)) {
      throw new ApiError(409, 'not_a_subscription', `This subscription is ${license.status}; there is nothing to cancel.`);
    }
    const provider = this.deps.providers.get(license.provider);
    const parked = this.deps.waiters.park(license.checkoutId, this.deps.waitMs);
    try {
      // 'not_billing': the subscription is no longer billed there — an earlier attempt (a retry after a lost
      // answer) already cancelled it. Its webhook decides, as for a first cancel.
      await provider.cancelSubscription(license.subscriptionId, 'Cancelled by the buyer in the app');
    } catch (error) {
      parked.cancel();
      if (isProviderError(error)) throw buyerFacing(error, provider.displayName);
      throw error;
    }
    await parked.done;
    const after = (await licenses.get(this.deps.store.db, license.id)) ?? license;
    return { ...(await this.answer(found.anchor, found.license)), cancellation: after.status === 'canceled' ? 'recorded' : 'requested' };
  }

  /** The machine's entitlement as a refresh would give it now. */
  private async answer(anchor: string, presented: LicenseRecord | null) {
    return answerFor(this.deps, anchor, await currentLicense(this.deps, anchor, presented?.id ?? null));
  }
}
