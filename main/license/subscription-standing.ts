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
    // The grace ends at the later of the paid-through date and the failure plus the grace days; `exp` is the
    // earlier of that and the refresh deadline. The later of `ptd` and `exp` is therefore the grace's end
    // whenever the grace is no longer than the refresh window (the server's defaults: 7 and 14 days); were
    // it longer, this date is early and the refresh the app makes before `exp` brings a later one.
    case 'past_due':
      return { kind: 'past_due', paidThrough, enterpriseUntil: iso(Math.max(claims.ptd, claims.exp)) };
    // A cancelled subscription that still grants access does so until its paid-through date.
    case 'canceled':
      return { kind: 'canceled', accessEndsOn: paidThrough };
    case 'disputed':
      return { kind: 'disputed', paidThrough };
    default:
      return { kind: 'ended' };
  }
}
