// The billing core: provider-neutral events in, license state and access out. Pure; no I/O, no clock.
export type { BillingEvent, BillingEventType, Money } from './events';
export type {
  ActiveState,
  CanceledState,
  DisputedState,
  ExpiredState,
  FailedState,
  LicenseState,
  Paid,
  PastDueState,
  PendingState,
  RefundedState,
  ResumableState,
  ResumeTo,
  ReversedState,
  RevokedState,
  SuspendedState,
} from './state';
export { paidOf, underlyingState } from './state';
export { licenseState } from './reduce';
export { canonicalEvents } from './order';
export { standingRevocations } from './restore';
export type { Access, AccessPolicy, EnterpriseReason, ExpiryPolicy, FreeReason } from './access';
export { access, entitlementExpiry } from './access';
