import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LicenseStatus } from '../../common/license';
import { type BillingEvent, type LicenseState, canonicalEvents, licenseState } from '../../server/billing';
import { DAY, T0, USD49, USD9, ev } from './billing-fixtures';

const MONTH = 30 * DAY;
const P1 = T0 + MONTH;
const P2 = T0 + 2 * MONTH;
const P3 = T0 + 3 * MONTH;

const lifetimePaid = { transactionId: 'CAP-1', firstPaidAt: T0, amount: USD49, subscriptionId: null, paidThrough: null };
const subscriptionPaid = (transactionId: string | null, paidThrough: number, firstPaidAt = T0) => ({
  transactionId,
  firstPaidAt,
  amount: transactionId === null ? null : USD9,
  subscriptionId: 'I-SUB1',
  paidThrough,
});

/** Every ordering of the events; the histories given to it are small enough to try them all. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

function expectSameInEveryOrder(events: BillingEvent[], expected: LicenseState): void {
  for (const delivered of permutations(events)) expect(licenseState(delivered)).toEqual(expected);
}

describe('license state contract', () => {
  it('uses exactly the statuses of the wire contract', () => {
    expectTypeOf<LicenseState['status']>().toEqualTypeOf<LicenseStatus>();
    expect(licenseState([]).status).toBe('pending');
  });
});

describe('one-time orders', () => {
  it('stays pending until a payment completes', () => {
    expect(licenseState([])).toEqual({ status: 'pending' });
    expect(licenseState([ev.pending(T0)])).toEqual({ status: 'pending' });
  });

  it('becomes active on completion, with the capture as its transaction', () => {
    expect(licenseState([ev.pending(T0 - 1000), ev.completed(T0)])).toEqual({ status: 'active', paid: lifetimePaid });
  });

  it('fails only if never paid', () => {
    expect(licenseState([ev.failed(T0, null, 'INSTRUMENT_DECLINED')])).toEqual({
      status: 'failed',
      reason: 'INSTRUMENT_DECLINED',
      at: T0,
    });
    expect(licenseState([ev.completed(T0), ev.failed(T0 + 1000)])).toEqual({ status: 'active', paid: lifetimePaid });
  });

  it('becomes active when a retry completes after a declined attempt', () => {
    expect(licenseState([ev.failed(T0 - 5000, null), ev.pending(T0 - 1000), ev.completed(T0)])).toEqual({
      status: 'active',
      paid: lifetimePaid,
    });
  });

  it('ignores a second completion: the license is paid once', () => {
    expect(licenseState([ev.completed(T0), ev.completed(T0 + 1000, 'CAP-2')]).status).toBe('active');
    expect(licenseState([ev.completed(T0), ev.completed(T0 + 1000, 'CAP-2')])).toEqual({ status: 'active', paid: lifetimePaid });
  });

  it('is refunded by a full refund and unchanged by a partial one', () => {
    expect(licenseState([ev.completed(T0), ev.refunded(T0 + DAY)])).toEqual({
      status: 'refunded',
      paid: lifetimePaid,
      at: T0 + DAY,
    });
    expect(licenseState([ev.completed(T0), ev.refunded(T0 + DAY, 'CAP-1', false)])).toEqual({
      status: 'active',
      paid: lifetimePaid,
    });
  });

  it('is reversed by a reversal', () => {
    expect(licenseState([ev.completed(T0), ev.reversed(T0 + DAY)])).toEqual({
      status: 'reversed',
      paid: lifetimePaid,
      at: T0 + DAY,
    });
  });

  it('ignores refunds, reversals and disputes of a transaction that is not its own', () => {
    const paid = [ev.completed(T0)];
    const foreign = [ev.refunded(T0 + DAY, 'CAP-OTHER'), ev.reversed(T0 + 2 * DAY, 'CAP-OTHER'), ev.disputeOpened(T0 + 3 * DAY, 'CAP-OTHER')];
    expect(licenseState([...paid, ...foreign])).toEqual(licenseState(paid));
    expect(licenseState(foreign)).toEqual({ status: 'pending' });
  });

  it('is refunded when the refund is delivered before the completion', () => {
    expectSameInEveryOrder([ev.pending(T0 - 1000), ev.completed(T0), ev.refunded(T0 + DAY)], {
      status: 'refunded',
      paid: lifetimePaid,
      at: T0 + DAY,
    });
  });

  it('keeps refunded and reversed final for provider events', () => {
    const later = [ev.completed(T0 + 2 * DAY, 'CAP-2'), ev.disputeOpened(T0 + 3 * DAY), ev.disputeResolved(T0 + 4 * DAY, 'seller')];
    expect(licenseState([ev.completed(T0), ev.refunded(T0 + DAY), ...later]).status).toBe('refunded');
    expect(licenseState([ev.completed(T0), ev.reversed(T0 + DAY), ...later]).status).toBe('reversed');
  });
});

describe('subscriptions', () => {
  it('becomes active on activation, paid through the date the event gives', () => {
    expect(licenseState([ev.activated(T0, P1)])).toEqual({ status: 'active', paid: subscriptionPaid(null, P1) });
  });

  it('takes the first sale as its transaction, whichever of sale and activation came first', () => {
    const saleFirst = [ev.renewed(T0, 'SALE-0', P1), ev.activated(T0 + 1000, P1)];
    expectSameInEveryOrder(saleFirst, { status: 'active', paid: subscriptionPaid('SALE-0', P1) });
    const activationFirst = [ev.activated(T0, P1), ev.renewed(T0 + 1000, 'SALE-0', P1)];
    expectSameInEveryOrder(activationFirst, { status: 'active', paid: subscriptionPaid('SALE-0', P1) });
  });

  it('advances paid-through on renewal and never moves it back', () => {
    const history = [ev.activated(T0, P1), ev.renewed(T0 + 1000, 'SALE-0', P1), ev.renewed(P1, 'SALE-1', P2)];
    expect(licenseState(history)).toEqual({ status: 'active', paid: subscriptionPaid('SALE-1', P2) });
    const stale = ev.renewed(P1 + DAY, 'SALE-X', P1);
    expect(licenseState([...history, stale])).toEqual({ status: 'active', paid: subscriptionPaid('SALE-X', P2) });
  });

  it('is active after a renewal delivered before the activation', () => {
    expectSameInEveryOrder([ev.activated(T0, P1), ev.renewed(P1, 'SALE-1', P2)], {
      status: 'active',
      paid: subscriptionPaid('SALE-1', P2),
    });
  });

  it('goes past due on a failed renewal, keeps the first failure time, and recovers on renewal', () => {
    const failing = [ev.activated(T0, P1), ev.paymentFailed(P1), ev.paymentFailed(P1 + 5 * DAY)];
    expect(licenseState(failing)).toEqual({ status: 'past_due', paid: subscriptionPaid(null, P1), since: P1 });
    expect(licenseState([...failing, ev.renewed(P1 + 6 * DAY, 'SALE-1', P2)])).toEqual({
      status: 'active',
      paid: subscriptionPaid('SALE-1', P2),
    });
  });

  it('ignores subscription events before anything was paid', () => {
    const unpaid = [ev.paymentFailed(T0), ev.suspended(T0 + 1), ev.reactivated(T0 + 2), ev.cancelled(T0 + 3), ev.expired(T0 + 4)];
    expect(licenseState(unpaid)).toEqual({ status: 'pending' });
  });

  it('is suspended, then active again on reactivation or a new activation', () => {
    const suspended = [ev.activated(T0, P1), ev.paymentFailed(P1), ev.suspended(P1 + 10 * DAY)];
    expect(licenseState(suspended)).toEqual({ status: 'suspended', paid: subscriptionPaid(null, P1), at: P1 + 10 * DAY });
    expect(licenseState([...suspended, ev.reactivated(P1 + 11 * DAY)])).toEqual({
      status: 'active',
      paid: subscriptionPaid(null, P1),
    });
    expect(licenseState([...suspended, ev.withId('WH-ACT-2', ev.activated(P1 + 11 * DAY, P2))])).toEqual({
      status: 'active',
      paid: subscriptionPaid(null, P2),
    });
  });

  it('a re-activation after a failed payment resumes the subscription: active, not past due', () => {
    const failing = [ev.activated(T0, P1), ev.paymentFailed(P1)];
    expect(licenseState(failing).status).toBe('past_due');
    // Whether or not the suspension in between was seen, the re-activation is what PayPal shows last.
    expect(licenseState([...failing, ev.withId('WH-ACT-2', ev.activated(P1 + 11 * DAY, P2))])).toEqual({ status: 'active', paid: subscriptionPaid(null, P2) });
    expect(licenseState([...failing, ev.suspended(P1 + 10 * DAY), ev.withId('WH-ACT-2', ev.activated(P1 + 11 * DAY, P2))]).status).toBe('active');
  });

  it('stays suspended when a sale arrives before reactivation', () => {
    const history = [ev.activated(T0, P1), ev.suspended(T0 + DAY), ev.renewed(P1, 'SALE-1', P2)];
    expect(licenseState(history)).toEqual({ status: 'suspended', paid: subscriptionPaid('SALE-1', P2), at: T0 + DAY });
  });

  it('is canceled with access until the paid-through date', () => {
    expect(licenseState([ev.activated(T0, P1), ev.cancelled(T0 + DAY)])).toEqual({
      status: 'canceled',
      paid: subscriptionPaid(null, P1),
      canceledAt: T0 + DAY,
      accessEndsAt: P1,
    });
  });

  it('gives no access back when a suspended subscription is canceled', () => {
    const state = licenseState([ev.activated(T0, P1), ev.suspended(T0 + DAY), ev.cancelled(T0 + 2 * DAY)]);
    expect(state).toEqual({ status: 'canceled', paid: subscriptionPaid(null, P1), canceledAt: T0 + 2 * DAY, accessEndsAt: T0 + DAY });
  });

  it('counts a renewal delivered after the cancellation that followed it', () => {
    expectSameInEveryOrder([ev.activated(T0, P1), ev.renewed(P1, 'SALE-1', P2), ev.cancelled(P1 + DAY)], {
      status: 'canceled',
      paid: subscriptionPaid('SALE-1', P2),
      canceledAt: P1 + DAY,
      accessEndsAt: P2,
    });
  });

  it('extends access for a sale made after cancellation', () => {
    const state = licenseState([ev.activated(T0, P1), ev.cancelled(T0 + DAY), ev.renewed(P1, 'SALE-1', P2)]);
    expect(state).toMatchObject({ status: 'canceled', accessEndsAt: P2, paid: { paidThrough: P2, transactionId: 'SALE-1' } });
  });

  it('ignores an old activation redelivered after cancellation', () => {
    const canceled = [ev.activated(T0, P1), ev.cancelled(T0 + DAY)];
    expect(licenseState([...canceled, ev.withId('WH-ACT-late', ev.activated(T0 + 2 * DAY, P1))])).toEqual(licenseState(canceled));
  });

  it('is expired, and stays expired whatever follows', () => {
    const expired = [ev.activated(T0, P1), ev.cancelled(T0 + DAY), ev.expired(P1)];
    expect(licenseState(expired)).toEqual({ status: 'expired', paid: subscriptionPaid(null, P1), at: P1 });
    const later = [ev.renewed(P1 + DAY, 'SALE-1', P2), ev.reactivated(P1 + 2 * DAY), ev.activated(P1 + 3 * DAY, P3)];
    expect(licenseState([...expired, ...later])).toEqual(licenseState(expired));
  });

  it('ignores events for another subscription', () => {
    const mine = [ev.activated(T0, P1)];
    const other = [ev.renewed(T0 + 1, 'SALE-9', P3, 'I-OTHER'), ev.paymentFailed(T0 + 2, 'I-OTHER'), ev.cancelled(T0 + 3, 'I-OTHER'), ev.expired(T0 + 4, 'I-OTHER')];
    expect(licenseState([...mine, ...other])).toEqual(licenseState(mine));
  });

  it('is refunded only by a full refund of its latest sale', () => {
    const history = [ev.activated(T0, P1), ev.renewed(T0 + 1, 'SALE-0', P1), ev.renewed(P1, 'SALE-1', P2)];
    expect(licenseState([...history, ev.refunded(P1 + DAY, 'SALE-0')])).toEqual(licenseState(history));
    expect(licenseState([...history, ev.refunded(P1 + DAY, 'SALE-1', false, USD9)])).toEqual(licenseState(history));
    expect(licenseState([...history, ev.refunded(P1 + DAY, 'SALE-1', true, USD9)])).toEqual({
      status: 'refunded',
      paid: subscriptionPaid('SALE-1', P2),
      at: P1 + DAY,
    });
  });

  it('keeps a refunded subscription refunded when it renews later', () => {
    const history = [ev.renewed(T0, 'SALE-0', P1), ev.refunded(T0 + DAY, 'SALE-0', true, USD9), ev.renewed(P1, 'SALE-1', P2)];
    expect(licenseState(history).status).toBe('refunded');
  });
});

describe('disputes', () => {
  const paid = [ev.completed(T0)];
  const opened = ev.disputeOpened(T0 + DAY);

  it('flags a paid license as disputed and remembers its status', () => {
    expect(licenseState([...paid, opened])).toEqual({
      status: 'disputed',
      paid: lifetimePaid,
      disputeId: 'PP-D-1',
      openedAt: T0 + DAY,
      resumeTo: { status: 'active' },
    });
  });

  it('returns to that status when the seller wins, in any delivery order', () => {
    expectSameInEveryOrder([...paid, opened, ev.disputeResolved(T0 + 2 * DAY, 'seller')], { status: 'active', paid: lifetimePaid });
  });

  it('is reversed when the buyer wins, in any delivery order', () => {
    expectSameInEveryOrder([...paid, opened, ev.disputeResolved(T0 + 2 * DAY, 'buyer')], {
      status: 'reversed',
      paid: lifetimePaid,
      at: T0 + 2 * DAY,
    });
  });

  it('returns a past-due subscription to past due, with its failure time', () => {
    const pastDue = [ev.renewed(T0, 'SALE-0', P1), ev.paymentFailed(P1)];
    const history = [...pastDue, ev.disputeOpened(P1 + DAY, 'SALE-0'), ev.disputeResolved(P1 + 2 * DAY, 'seller')];
    expect(licenseState([...pastDue, ev.disputeOpened(P1 + DAY, 'SALE-0')])).toMatchObject({
      status: 'disputed',
      resumeTo: { status: 'past_due', since: P1 },
    });
    expect(licenseState(history)).toEqual(licenseState(pastDue));
  });

  it('lets subscription events happen underneath an open dispute', () => {
    const disputed = [ev.renewed(T0, 'SALE-0', P1), ev.disputeOpened(T0 + DAY, 'SALE-0')];
    const renewedMeanwhile = [...disputed, ev.renewed(P1, 'SALE-1', P2)];
    expect(licenseState(renewedMeanwhile)).toMatchObject({
      status: 'disputed',
      paid: { transactionId: 'SALE-1', paidThrough: P2 },
      resumeTo: { status: 'active' },
    });
    const canceledMeanwhile = [...renewedMeanwhile, ev.cancelled(P1 + DAY), ev.disputeResolved(P1 + 2 * DAY, 'seller')];
    expect(licenseState(canceledMeanwhile)).toEqual({
      status: 'canceled',
      paid: subscriptionPaid('SALE-1', P2),
      canceledAt: P1 + DAY,
      accessEndsAt: P2,
    });
  });

  it('ends the dispute when the subscription expires or the payment is refunded', () => {
    const disputed = [ev.renewed(T0, 'SALE-0', P1), ev.disputeOpened(T0 + DAY, 'SALE-0')];
    expect(licenseState([...disputed, ev.expired(P1)]).status).toBe('expired');
    expect(licenseState([...paid, opened, ev.refunded(T0 + 2 * DAY)]).status).toBe('refunded');
    expect(licenseState([...paid, opened, ev.refunded(T0 + 2 * DAY), ev.disputeResolved(T0 + 3 * DAY, 'buyer')]).status).toBe(
      'refunded',
    );
  });

  it('ignores another dispute, the resolution of another dispute, and disputes from final states', () => {
    const second = ev.disputeOpened(T0 + 2 * DAY, 'CAP-1', 'PP-D-2');
    expect(licenseState([...paid, opened, second])).toEqual(licenseState([...paid, opened]));
    expect(licenseState([...paid, opened, ev.disputeResolved(T0 + 3 * DAY, 'buyer', 'PP-D-2')])).toEqual(
      licenseState([...paid, opened]),
    );
    expect(licenseState([...paid, ev.refunded(T0 + 1), opened]).status).toBe('refunded');
    expect(licenseState([ev.disputeOpened(T0), ev.disputeResolved(T0 + 1, 'buyer')])).toEqual({ status: 'pending' });
  });
});

describe('revocation', () => {
  it('revokes a license that was never paid', () => {
    expect(licenseState([ev.pending(T0), ev.revoked(T0 + 1, 'fraud')])).toEqual({
      status: 'revoked',
      paid: null,
      reason: 'fraud',
      at: T0 + 1,
    });
  });

  it('is final: nothing after it, in any delivery order, undoes it', () => {
    const revoked = { status: 'revoked', paid: lifetimePaid, reason: 'fraud', at: T0 + DAY };
    expectSameInEveryOrder(
      [ev.completed(T0), ev.revoked(T0 + DAY, 'fraud'), ev.disputeOpened(T0 + 2 * DAY), ev.disputeResolved(T0 + 3 * DAY, 'seller'), ev.revoked(T0 + 4 * DAY, 'again')],
      revoked as LicenseState,
    );
  });

  it('overrides final provider states', () => {
    expect(licenseState([ev.completed(T0), ev.refunded(T0 + 1), ev.revoked(T0 + 2)]).status).toBe('revoked');
  });
});

describe('delivery', () => {
  const history = [
    ev.activated(T0, P1),
    ev.renewed(T0 + 1, 'SALE-0', P1),
    ev.paymentFailed(P1),
    ev.renewed(P1 + DAY, 'SALE-1', P2),
    ev.disputeOpened(P1 + 2 * DAY, 'SALE-1'),
    ev.cancelled(P1 + 3 * DAY),
  ];

  it('gives the same state for every order of a subscription history', () => {
    const expected = licenseState(history);
    expect(expected).toMatchObject({ status: 'disputed', resumeTo: { status: 'canceled', accessEndsAt: P2 } });
    expectSameInEveryOrder(history, expected);
  });

  it('applies a redelivered event once', () => {
    const once = [ev.activated(T0, P1), ev.paymentFailed(P1), ev.renewed(P1 + DAY, 'SALE-1', P2), ev.paymentFailed(P2)];
    const again = [...once, ...once.map((e) => ({ ...e })), once[1] as BillingEvent];
    expect(licenseState(again)).toEqual(licenseState(once));
    expect(licenseState(again)).toEqual({ status: 'past_due', paid: subscriptionPaid('SALE-1', P2), since: P2 });
  });

  it('breaks ties in provider time by the order of a payment’s life', () => {
    expectSameInEveryOrder([ev.completed(T0), ev.refunded(T0)], { status: 'refunded', paid: lifetimePaid, at: T0 });
    expectSameInEveryOrder([ev.activated(T0, P1), ev.paymentFailed(P1), ev.renewed(P1, 'SALE-1', P2)], {
      status: 'active',
      paid: subscriptionPaid('SALE-1', P2),
    });
    expect(licenseState([ev.activated(T0, P1), ev.expired(P1), ev.cancelled(P1)]).status).toBe('expired');
    expect(licenseState([ev.completed(T0), ev.revoked(T0 + DAY), ev.reversed(T0 + DAY)])).toMatchObject({ status: 'revoked' });
  });

  it('keeps one of two differing deliveries under one id, the same one whatever the order', () => {
    const a = ev.withId('WH-SAME', ev.refunded(T0 + DAY, 'CAP-1', true));
    const b = ev.withId('WH-SAME', ev.refunded(T0 + DAY, 'CAP-1', false));
    expect(licenseState([ev.completed(T0), a, b])).toEqual(licenseState([b, ev.completed(T0), a]));
    expect(canonicalEvents([a, b])).toEqual(canonicalEvents([b, a]));
    expect(canonicalEvents([a, b])).toHaveLength(1);
  });

  it('orders the timeline by provider time, then type, then id', () => {
    const sorted = canonicalEvents([ev.refunded(T0), ev.withId('B', ev.pending(T0)), ev.withId('A', ev.pending(T0)), ev.completed(T0 - 1)]);
    expect(sorted.map((e) => `${e.type}:${e.id}`)).toEqual([
      `payment.completed:WH-payment.completed-${T0 - 1}`,
      'payment.pending:A',
      'payment.pending:B',
      `payment.refunded:WH-payment.refunded-${T0}`,
    ]);
  });
});
