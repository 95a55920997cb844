// What a machine may buy given what it already holds. Pure. A machine with a lifetime license needs nothing
// more; a machine with a live subscription may buy lifetime (the subscription is then cancelled at PayPal once
// the lifetime payment is confirmed, see replaced-subscriptions.ts) but not a second subscription.
import { access, type AccessPolicy, type LicenseState } from '../billing';
import type { LicenseRecord } from '../store/licenses';

type Held = Pick<LicenseRecord, 'id' | 'planId' | 'subscriptionId' | 'supersededBy' | 'state'>;

export type PurchaseVerdict =
  | { ok: true; replaces: { licenseId: string; subscriptionId: string; planId: string } | null }
  | { ok: false; code: 'already_licensed' | 'already_subscribed'; message: string };

/** Statuses of a subscription that PayPal is still billing (a canceled one bills no more). */
const BILLING: ReadonlySet<LicenseState['status']> = new Set(['active', 'past_due', 'disputed', 'suspended']);

export function isLifetime(license: Pick<Held, 'state'>, now: number, policy: AccessPolicy): boolean {
  const granted = access(license.state as LicenseState, now, policy);
  return granted.tier === 'enterprise' && granted.until === null;
}

/** The subscription a license is still being billed for, if any. */
export function billedSubscription(license: Held): string | null {
  const state = license.state as LicenseState;
  return license.supersededBy === null && license.subscriptionId !== null && BILLING.has(state.status) ? license.subscriptionId : null;
}

export function purchaseVerdict(held: readonly Held[], kind: 'one_time' | 'recurring', now: number, policy: AccessPolicy): PurchaseVerdict {
  const current = held.filter((l) => l.supersededBy === null);
  if (current.some((l) => isLifetime(l, now, policy))) {
    return { ok: false, code: 'already_licensed', message: 'This computer already has a lifetime Enterprise license; there is nothing more to buy.' };
  }
  const subscribed = current.find((l) => billedSubscription(l) !== null);
  if (subscribed === undefined) return { ok: true, replaces: null };
  if (kind === 'recurring') {
    return {
      ok: false,
      code: 'already_subscribed',
      message: `This computer already has a subscription (${subscribed.subscriptionId}); manage it from the License panel instead of starting another.`,
    };
  }
  return { ok: true, replaces: { licenseId: subscribed.id, subscriptionId: subscribed.subscriptionId!, planId: subscribed.planId } };
}
