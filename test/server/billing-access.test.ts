import { describe, expect, it } from 'vitest';
import { access, entitlementExpiry, licenseState } from '../../server/billing';
import { DAY, T0, ev } from './billing-fixtures';

const GRACE = 7 * DAY;
const policy = { pastDueGraceMs: GRACE };
const expiryPolicy = { pastDueGraceMs: GRACE, refreshWindowMs: 14 * DAY };
const MONTH = 30 * DAY;
const P1 = T0 + MONTH;
const P2 = T0 + 2 * MONTH;

const lifetime = licenseState([ev.completed(T0)]);
const monthly = licenseState([ev.activated(T0, P1), ev.renewed(T0 + 1, 'SALE-0', P1)]);

describe('access', () => {
  it('grants nothing before payment', () => {
    expect(access(licenseState([]), T0, policy)).toEqual({ tier: 'free', until: null, reason: 'not_paid' });
    expect(access(licenseState([ev.failed(T0)]), T0, policy)).toEqual({ tier: 'free', until: null, reason: 'not_paid' });
  });

  it('grants a lifetime license Enterprise for good', () => {
    expect(access(lifetime, T0 + 10_000 * DAY, policy)).toEqual({ tier: 'enterprise', until: null, reason: 'lifetime' });
  });

  it('grants an active subscription Enterprise until its paid-through date plus grace', () => {
    const granted = { tier: 'enterprise', until: P1 + GRACE, reason: 'subscription_active' };
    expect(access(monthly, T0 + DAY, policy)).toEqual(granted);
    expect(access(monthly, P1 + GRACE - 1, policy)).toEqual(granted);
    expect(access(monthly, P1 + GRACE, policy)).toEqual({ tier: 'free', until: null, reason: 'period_ended' });
  });

  it('grants a past-due subscription Enterprise for the grace after its due date', () => {
    const pastDue = licenseState([ev.activated(T0, P1), ev.paymentFailed(P1 + DAY), ev.paymentFailed(P1 + 3 * DAY)]);
    expect(access(pastDue, P1 + 2 * DAY, policy)).toEqual({ tier: 'enterprise', until: P1 + GRACE, reason: 'past_due_grace' });
    expect(access(pastDue, P1 + GRACE, policy).tier).toBe('free');
  });

  it('counts the grace from a failure reported before the due date, but not into the paid period', () => {
    const early = licenseState([ev.activated(T0, P1), ev.paymentFailed(P1 - 2 * DAY)]);
    expect(access(early, P1 - DAY, policy).until).toBe(P1 + GRACE - 2 * DAY);
    const veryEarly = licenseState([ev.activated(T0, P1), ev.paymentFailed(T0 + DAY)]);
    expect(access(veryEarly, P1 - 1, policy)).toEqual({ tier: 'enterprise', until: P1, reason: 'past_due_grace' });
    expect(access(veryEarly, P1, policy).tier).toBe('free');
  });

  it('is Enterprise again once a past-due renewal is paid', () => {
    const recovered = licenseState([ev.activated(T0, P1), ev.paymentFailed(P1), ev.renewed(P1 + 2 * DAY, 'SALE-1', P2)]);
    expect(access(recovered, P1 + GRACE + DAY, policy)).toEqual({ tier: 'enterprise', until: P2 + GRACE, reason: 'subscription_active' });
  });

  it('keeps a canceled subscription Enterprise until the period ends, without grace', () => {
    const canceled = licenseState([ev.activated(T0, P1), ev.cancelled(T0 + DAY)]);
    expect(access(canceled, P1 - 1, policy)).toEqual({ tier: 'enterprise', until: P1, reason: 'canceled_until_period_end' });
    expect(access(canceled, P1, policy)).toEqual({ tier: 'free', until: null, reason: 'period_ended' });
  });

  it('gives a suspended subscription nothing, even once canceled', () => {
    const suspended = licenseState([ev.activated(T0, P1), ev.suspended(T0 + DAY)]);
    expect(access(suspended, T0 + 2 * DAY, policy)).toEqual({ tier: 'free', until: null, reason: 'suspended' });
    const canceled = licenseState([ev.activated(T0, P1), ev.suspended(T0 + DAY), ev.cancelled(T0 + 2 * DAY)]);
    expect(access(canceled, T0 + 3 * DAY, policy)).toEqual({ tier: 'free', until: null, reason: 'period_ended' });
  });

  it('keeps the access a disputed license had, flagged as disputed', () => {
    const disputedLifetime = licenseState([ev.completed(T0), ev.disputeOpened(T0 + DAY)]);
    expect(access(disputedLifetime, T0 + 2 * DAY, policy)).toEqual({ tier: 'enterprise', until: null, reason: 'disputed' });
    const disputedMonthly = licenseState([ev.renewed(T0, 'SALE-0', P1), ev.disputeOpened(T0 + DAY, 'SALE-0')]);
    expect(access(disputedMonthly, T0 + 2 * DAY, policy)).toEqual({ tier: 'enterprise', until: P1 + GRACE, reason: 'disputed' });
    expect(access(disputedMonthly, P1 + GRACE, policy)).toEqual({ tier: 'free', until: null, reason: 'period_ended' });
    const disputedSuspended = licenseState([ev.renewed(T0, 'SALE-0', P1), ev.suspended(T0 + DAY), ev.disputeOpened(T0 + 2 * DAY, 'SALE-0')]);
    expect(disputedSuspended.status).toBe('disputed');
    expect(access(disputedSuspended, T0 + 3 * DAY, policy)).toEqual({ tier: 'free', until: null, reason: 'suspended' });
  });

  it('gives Free after expiry, refund, reversal, a lost dispute and revocation', () => {
    const cases = [
      [licenseState([ev.activated(T0, P1), ev.expired(T0 + DAY)]), 'expired'],
      [licenseState([ev.completed(T0), ev.refunded(T0 + DAY)]), 'refunded'],
      [licenseState([ev.completed(T0), ev.reversed(T0 + DAY)]), 'reversed'],
      [licenseState([ev.completed(T0), ev.disputeOpened(T0 + DAY), ev.disputeResolved(T0 + 2 * DAY, 'buyer')]), 'reversed'],
      [licenseState([ev.completed(T0), ev.revoked(T0 + DAY)]), 'revoked'],
    ] as const;
    for (const [state, reason] of cases) {
      expect(access(state, T0 + 3 * DAY, policy)).toEqual({ tier: 'free', until: null, reason });
    }
  });
});

describe('entitlementExpiry', () => {
  const refreshBy = (now: number) => now + expiryPolicy.refreshWindowMs;

  it('is the refresh deadline for a lifetime license and for Free', () => {
    expect(entitlementExpiry(lifetime, T0, expiryPolicy)).toBe(refreshBy(T0));
    expect(entitlementExpiry(licenseState([]), T0, expiryPolicy)).toBe(refreshBy(T0));
  });

  it('is the refresh deadline while the paid period plus grace lasts longer', () => {
    expect(entitlementExpiry(monthly, T0 + DAY, expiryPolicy)).toBe(refreshBy(T0 + DAY));
  });

  it('is the paid-through date plus grace when that comes first', () => {
    expect(entitlementExpiry(monthly, P1 - DAY, expiryPolicy)).toBe(P1 + GRACE);
  });

  it('is the end of access for a canceled subscription', () => {
    const canceled = licenseState([ev.activated(T0, P1), ev.cancelled(T0 + DAY)]);
    expect(entitlementExpiry(canceled, P1 - DAY, expiryPolicy)).toBe(P1);
  });

  it('is never in the past, even for a subscription that ended long ago', () => {
    const now = P2 + 100 * DAY;
    expect(entitlementExpiry(monthly, now, expiryPolicy)).toBe(refreshBy(now));
    expect(entitlementExpiry(licenseState([ev.activated(T0, P1), ev.expired(P1)]), now, expiryPolicy)).toBe(refreshBy(now));
  });
});
