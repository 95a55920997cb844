// A machine's access is what the best of its licenses gives now: a newer purchase that is refunded, reversed or
// never paid leaves an older paid one in force, and lifetime beats any subscription.
import { describe, expect, it } from 'vitest';
import { licenseState, type BillingEvent } from '../../server/billing';
import { bestLicense } from '../../server/licenses/best-license';
import { DAY, T0, ev } from './billing-fixtures';

const policy = { pastDueGraceMs: 3 * DAY };
const NOW = T0 + 10 * DAY;

interface Held {
  id: string;
  state: unknown;
  supersededBy: string | null;
  createdAt: number;
}

function license(id: string, createdAt: number, events: BillingEvent[], supersededBy: string | null = null): Held {
  return { id, createdAt, supersededBy, state: licenseState(events) };
}

const lifetime = (id: string, createdAt: number, ...after: BillingEvent[]) =>
  license(id, createdAt, [ev.completed(createdAt, `CAP-${id}`), ...after]);
const monthly = (id: string, createdAt: number, paidThrough: number, ...after: BillingEvent[]) =>
  license(id, createdAt, [ev.activated(createdAt, paidThrough, `I-${id}`), ev.renewed(createdAt, `SALE-${id}`, paidThrough, `I-${id}`), ...after]);
const best = (licenses: Held[], now = NOW) => bestLicense(licenses, now, policy)?.id ?? null;

describe('bestLicense', () => {
  it('no license, or none that grants Enterprise now → null', () => {
    expect(best([])).toBeNull();
    const unpaid = license('lic_pending', T0, []);
    const declined = license('lic_failed', T0, [ev.failed(T0, 'CAP-X')]);
    const refunded = lifetime('lic_refunded', T0, ev.refunded(T0 + DAY, 'CAP-lic_refunded'));
    const revoked = lifetime('lic_revoked', T0, ev.revoked(T0 + DAY));
    expect(best([unpaid, declined, refunded, revoked])).toBeNull();
  });

  it('a newer purchase refunded, reversed, lost in a dispute or never paid leaves the older paid one in force', () => {
    const first = lifetime('lic_first', T0);
    for (const second of [
      lifetime('lic_second', T0 + DAY, ev.refunded(T0 + 2 * DAY, 'CAP-lic_second')),
      lifetime('lic_second', T0 + DAY, ev.reversed(T0 + 2 * DAY, 'CAP-lic_second')),
      lifetime('lic_second', T0 + DAY, ev.disputeOpened(T0 + 2 * DAY, 'CAP-lic_second'), ev.disputeResolved(T0 + 3 * DAY, 'buyer')),
      license('lic_second', T0 + DAY, [ev.failed(T0 + DAY, 'CAP-lic_second')]),
      license('lic_second', T0 + DAY, [ev.pending(T0 + DAY, 'CAP-lic_second')]),
    ]) {
      expect(best([first, second]), JSON.stringify(second.state)).toBe('lic_first');
      expect(best([second, first])).toBe('lic_first');
    }
  });

  it('an older purchase refunded leaves the newer one in force', () => {
    expect(best([lifetime('lic_first', T0, ev.refunded(T0 + DAY, 'CAP-lic_first')), lifetime('lic_second', T0 + DAY)])).toBe('lic_second');
  });

  it('lifetime beats any subscription, older or newer', () => {
    const sub = monthly('lic_sub', T0 + DAY, T0 + 400 * DAY);
    expect(best([lifetime('lic_life', T0), sub])).toBe('lic_life');
    expect(best([sub, lifetime('lic_life', T0 + 2 * DAY)])).toBe('lic_life');
    // A lifetime license under an open dispute still grants, and still for good.
    const disputed = lifetime('lic_disputed', T0, ev.disputeOpened(T0 + DAY, 'CAP-lic_disputed'));
    expect(best([sub, disputed])).toBe('lic_disputed');
  });

  it('of subscriptions, the one granting longest; a cancelled one until its period ends, a failing one through its grace', () => {
    const short = monthly('lic_short', T0, T0 + 15 * DAY);
    const long = monthly('lic_long', T0 + DAY, T0 + 40 * DAY);
    expect(best([short, long])).toBe('lic_long');
    expect(best([long, short])).toBe('lic_long');
    const cancelled = monthly('lic_cancelled', T0, T0 + 20 * DAY, ev.cancelled(T0 + 2 * DAY, 'I-lic_cancelled'));
    expect(best([cancelled], T0 + 19 * DAY)).toBe('lic_cancelled');
    expect(best([cancelled], T0 + 20 * DAY)).toBeNull();
    const failing = monthly('lic_failing', T0, T0 + 12 * DAY, ev.paymentFailed(T0 + 12 * DAY, 'I-lic_failing'));
    expect(best([failing], T0 + 14 * DAY)).toBe('lic_failing');
    expect(best([failing], T0 + 16 * DAY)).toBeNull();
    // Past its grace, a subscription grants nothing; a suspended one nothing at all.
    const suspended = monthly('lic_suspended', T0, T0 + 30 * DAY, ev.suspended(T0 + 5 * DAY, 'I-lic_suspended'));
    expect(best([suspended, short], T0 + 16 * DAY)).toBe('lic_short');
    expect(best([suspended, short], T0 + 19 * DAY)).toBeNull();
  });

  it('on a tie, the newest purchase; on the same time, the greater id', () => {
    expect(best([lifetime('lic_a', T0), lifetime('lic_b', T0 + DAY)])).toBe('lic_b');
    expect(best([lifetime('lic_b', T0 + DAY), lifetime('lic_a', T0)])).toBe('lic_b');
    expect(best([lifetime('lic_b', T0), lifetime('lic_a', T0)])).toBe('lic_b');
    const a = monthly('lic_a', T0, T0 + 30 * DAY);
    const b = monthly('lic_b', T0 + DAY, T0 + 30 * DAY);
    expect(best([b, a])).toBe('lic_b');
  });

  it('a superseded license (moved by support to another machine) is never this machine\'s best', () => {
    const moved = lifetime('lic_moved', T0);
    expect(best([{ ...moved, supersededBy: 'lic_new' }])).toBeNull();
    expect(best([{ ...moved, supersededBy: 'lic_new' }, monthly('lic_sub', T0, T0 + 30 * DAY)])).toBe('lic_sub');
  });

  it('returns the very record it was given', () => {
    const records = [lifetime('lic_a', T0), monthly('lic_b', T0, T0 + 30 * DAY)];
    expect(bestLicense(records, NOW, policy)).toBe(records[0]);
  });
});
