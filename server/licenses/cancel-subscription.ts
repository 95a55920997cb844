// POST /v1/entitlements/cancel-subscription: "Manage subscription → Cancel" in the app. The server asks
// PayPal to cancel, then waits briefly for PayPal's BILLING.SUBSCRIPTION.CANCELLED webhook, which is what
// actually moves the license (the API is the truth; our request is not). Access lasts until the period ends.
import type { CancelSubscriptionResponse } from '../../common/api';
import type { CheckoutWaiters } from '../checkouts/waiters';
import { ApiError } from '../http/api-error';
import type { PayPalCheckoutProvider } from '../providers/paypal/checkout-provider';
import { isPayPalApiError } from '../providers/paypal/errors';
import * as licenses from '../store/licenses';
import { billedSubscription } from './purchase-rules';
import { answerFor, currentLicense, presentedLicense, type EntitlementDeps } from './refresh';
import type { LicenseRecord } from '../store/licenses';

const CANCELLABLE = new Set(['active', 'past_due', 'disputed']);

export class CancelSubscriptionService {
  constructor(
    private readonly deps: EntitlementDeps & { provider: Pick<PayPalCheckoutProvider, 'cancelSubscription'>; waiters: CheckoutWaiters; waitMs: number },
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
    const parked = this.deps.waiters.park(license.checkoutId, this.deps.waitMs);
    try {
      await this.deps.provider.cancelSubscription(license.subscriptionId, 'Cancelled by the buyer in the app');
    } catch (error) {
      // 422 from PayPal: the subscription is no longer active there — an earlier attempt (a retry after a lost
      // answer) already cancelled it. Its webhook decides, as for a first cancel.
      const alreadyCancelled = isPayPalApiError(error, 'provider_rejected') && error.status === 422;
      if (!alreadyCancelled) {
        parked.cancel();
        if (isPayPalApiError(error)) throw new ApiError(503, 'provider_unavailable', 'PayPal could not be reached; try again in a moment.');
        throw error;
      }
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
