// Restoring a revoked license: the restore undoes the one revocation it names, and the license is what it would
// be without that revocation — in any delivery order, with whatever the provider said meanwhile.
import { describe, expect, it } from 'vitest';
import { type BillingEvent, licenseState, standingRevocations } from '../../server/billing';
import { DAY, T0, ev, restored } from './billing-fixtures';

const MONTH = 30 * DAY;

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function expectEveryOrder(events: BillingEvent[], expected: ReturnType<typeof licenseState>): void {
  for (const delivered of permutations(events)) expect(licenseState(delivered)).toEqual(expected);
}

describe('license.restored', () => {
  it('brings a revoked lifetime license back to active, in every order', () => {
    const revoke = ev.revoked(T0 + DAY);
    const events = [ev.completed(T0), revoke, restored(T0 + 2 * DAY, revoke.id)];
    expectEveryOrder(events, licenseState([ev.completed(T0)]));
    expect(licenseState(events).status).toBe('active');
  });

  it('lets what the provider said during the revocation count: a refund meanwhile leaves it refunded', () => {
    const revoke = ev.revoked(T0 + DAY);
    const events = [ev.completed(T0), revoke, ev.refunded(T0 + 2 * DAY), restored(T0 + 3 * DAY, revoke.id)];
    expectEveryOrder(events, licenseState([ev.completed(T0), ev.refunded(T0 + 2 * DAY)]));
    expect(licenseState(events).status).toBe('refunded');
  });

  it('a subscription whose billing the revocation cancelled comes back cancelled, with access until its paid-through date', () => {
    const revoke = ev.revoked(T0 + DAY);
    const state = licenseState([ev.activated(T0, T0 + MONTH), revoke, ev.cancelled(T0 + DAY + 1), restored(T0 + 2 * DAY, revoke.id)]);
    expect(state).toMatchObject({ status: 'canceled', accessEndsAt: T0 + MONTH });
  });

  it('undoes only the revocation it names: another standing revocation keeps the license revoked', () => {
    const first = ev.revoked(T0 + DAY, 'one');
    const second = ev.revoked(T0 + 2 * DAY, 'two');
    const events = [ev.completed(T0), first, second, restored(T0 + 3 * DAY, first.id)];
    expect(licenseState(events)).toMatchObject({ status: 'revoked', reason: 'two' });
    expect(standingRevocations(events).map((e) => e.id)).toEqual([second.id]);
    expect(licenseState([...events, restored(T0 + 4 * DAY, second.id)]).status).toBe('active');
  });

  it('a restore naming no revocation changes nothing, and a revocation after a restore is final again', () => {
    const paid = [ev.completed(T0)];
    expect(licenseState([...paid, restored(T0 + DAY, 'support-revoke-unknown')])).toEqual(licenseState(paid));
    const revoke = ev.revoked(T0 + DAY);
    const again = ev.revoked(T0 + 3 * DAY, 'again');
    const events = [...paid, revoke, restored(T0 + 2 * DAY, revoke.id), again];
    expect(licenseState(events)).toMatchObject({ status: 'revoked', reason: 'again' });
    expect(standingRevocations(events).map((e) => e.id)).toEqual([again.id]);
  });

  it('a redelivered restore or revocation counts once', () => {
    const revoke = ev.revoked(T0 + DAY);
    const restore = restored(T0 + 2 * DAY, revoke.id);
    expect(licenseState([ev.completed(T0), revoke, revoke, restore, restore]).status).toBe('active');
    expect(standingRevocations([revoke, revoke])).toHaveLength(1);
  });
});
