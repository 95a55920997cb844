import type { BillingEvent } from './events';
import { canonicalEvents } from './order';
import { type LicenseState, PENDING } from './state';
import { applyEvent } from './transitions';

/**
 * A license's state from every event recorded for it. A function of the set of events: redelivered
 * duplicates and any arrival order give the same state, so callers refold the whole set when one arrives.
 */
export function licenseState(events: readonly BillingEvent[]): LicenseState {
  return canonicalEvents(events).reduce(applyEvent, PENDING);
}
