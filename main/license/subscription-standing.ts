// How a subscription's entitlement reads to a person — renewing on a date, past due with Enterprise until a
// date, cancelled with access ending on a date — from the signed claims alone, so it shows offline too.
import type { SubscriptionStanding } from '../../common/app-state';
import type { EntitlementClaims } from '../../common/entitlement';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Null for a one-time purchase: only subscriptions carry a paid-through date (`ptd`). */
export function subscriptionStanding(claims: EntitlementClaims): SubscriptionStanding | null {
  if (claims.ptd === undefined) return null;
  // On Free the dates no longer promise anything; the panel's reason says why it ended.
  if (claims.tier !== 'enterprise') return { kind: 'ended' };
  const paidThrough = iso(claims.ptd);
  switch (claims.status) {
    case 'active':
      return { kind: 'renewing', renewsOn: paidThrough };
    // The server sets `exp` to the earlier of its refresh deadline and the grace's end. The grace (days) ends
    // inside the refresh window (weeks) for any entitlement issued after the failure; were it ever the other
    // way, the refresh the app makes before `exp` brings the later date.
    case 'past_due':
      return { kind: 'past_due', paidThrough, enterpriseUntil: iso(claims.exp) };
    // A cancelled subscription that still grants access does so until its paid-through date.
    case 'canceled':
      return { kind: 'canceled', accessEndsOn: paidThrough };
    case 'disputed':
      return { kind: 'disputed', paidThrough };
    default:
      return { kind: 'ended' };
  }
}
