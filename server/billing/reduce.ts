import type { BillingEvent } from './events';
import { canonicalEvents } from './order';
import { withoutUndone } from './restore';
import { type LicenseState, PENDING } from './state';
import { applyEvent } from './transitions';

/**
 * A license's state from every event recorded for it. A function of the set of events: redelivered
 * duplicates and any arrival order give the same state, so callers refold the whole set when one arrives.
 * Revocations support has undone are left out first, with the restores that undo them.
 */
export function licenseState(events: readonly BillingEvent[]): LicenseState {
  return canonicalEvents(withoutUndone(events)).reduce(applyEvent, PENDING);
}
