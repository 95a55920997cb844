// Restoring a revoked license. A revocation is final for every other event, so the only way back is to undo
// that revocation itself: a `license.restored` event names the revocation's event id, and the license is then
// exactly what it would be had the revocation never been made — provider events that arrived meanwhile (a
// refund, PayPal's cancellation of the billing the revocation stopped) included. Both events leave the fold
// together, before it starts, so the state stays a function of the set of events whatever their order. A
// restore naming no revocation on the timeline changes nothing; a later revocation is a new event and needs a
// restore of its own.
import type { BillingEvent } from './events';

export function withoutUndone(events: readonly BillingEvent[]): BillingEvent[] {
  const undone = new Set<string>();
  for (const event of events) if (event.type === 'license.restored') undone.add(event.revocationId);
  return events.filter((event) => event.type !== 'license.restored' && !(event.type === 'license.revoked' && undone.has(event.id)));
}

/** Revocations on the timeline that no restore has undone: what a restore now must name. */
export function standingRevocations(events: readonly BillingEvent[]): Extract<BillingEvent, { type: 'license.revoked' }>[] {
  const undone = new Set<string>();
  for (const event of events) if (event.type === 'license.restored') undone.add(event.revocationId);
  const seen = new Set<string>();
  return events.filter((event): event is Extract<BillingEvent, { type: 'license.revoked' }> => {
    if (event.type !== 'license.revoked' || undone.has(event.id) || seen.has(event.id)) return false;
    seen.add(event.id);
    return true;
  });
}
