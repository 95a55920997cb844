// Order-independence of the billing core: realistic provider histories, delivered with random duplication
// and in random order, give the state of in-order exactly-once delivery, and that state agrees with a
// separately written in-order model of the rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LicenseStatus } from '../../common/license';
import { type BillingEvent, type LicenseState, licenseState, paidOf } from '../../server/billing';
import { grantFor } from '../../server/licenses/view';
import { DAY, type EventBody, T0, USD49, USD9 } from './billing-fixtures';

const PERIOD = 30 * DAY;

/** Emits events with strictly increasing provider times and unique ids, as a provider would. */
class History {
  readonly events: BillingEvent[] = [];
  private at = T0;
  /** Revocations support has not undone yet, by event id. */
  private readonly standing: string[] = [];
  emit(gap: number, body: EventBody): void {
    this.at += gap;
    const id = `WH-${this.events.length}-${body.type}`;
    this.events.push({ id, at: this.at, ...body } as BillingEvent);
    if (body.type === 'license.revoked') this.standing.push(id);
  }
  /** Support restores one of the standing revocations (the n-th, wrapping), if there is any. */
  restore(gap: number, n: number): void {
    if (this.standing.length === 0) return;
    const [revocationId] = this.standing.splice(n % this.standing.length, 1);
    this.emit(gap, { type: 'license.restored', revocationId: revocationId!, reason: 'revoked by mistake' });
  }
}

const gap = fc.integer({ min: 1, max: 10 * DAY });
const pick = fc.nat({ max: 50 });

// ---- one-time orders ------------------------------------------------------------------------------------

const orderStep = fc.oneof(
  fc.tuple(fc.constant('partial_refund' as const), gap),
  fc.tuple(fc.constant('full_refund' as const), gap),
  fc.tuple(fc.constant('reversal' as const), gap),
  fc.tuple(fc.constant('dispute' as const), gap),
  fc.tuple(fc.constantFrom('resolve_buyer' as const, 'resolve_seller' as const), gap),
  fc.tuple(fc.constant('foreign_refund' as const), gap),
  fc.tuple(fc.constant('revoke' as const), gap),
  fc.tuple(fc.constant('restore' as const), gap),
);

const orderHistory = fc
  .record({
    attempts: fc.array(fc.tuple(fc.constantFrom('pending' as const, 'declined' as const), gap), { maxLength: 3 }),
    completes: fc.nat({ max: 4 }).map((n) => n > 0),
    completionGap: gap,
    after: fc.array(orderStep, { maxLength: 6 }),
  })
  .map(({ attempts, completes, completionGap, after }) => {
    const h = new History();
    const capture = 'CAP-1';
    for (const [kind, g] of attempts) {
      if (kind === 'pending') h.emit(g, { type: 'payment.pending', transactionId: capture });
      else h.emit(g, { type: 'payment.failed', transactionId: null, reason: 'INSTRUMENT_DECLINED' });
    }
    if (completes) h.emit(completionGap, { type: 'payment.completed', transactionId: capture, amount: USD49 });
    let moneyBack = false;
    let openDispute: string | null = null;
    let disputes = 0;
    for (const [kind, g] of after) {
      if (kind === 'revoke') h.emit(g, { type: 'license.revoked', reason: 'support' });
      else if (kind === 'restore') h.restore(g, disputes);
      else if (kind === 'foreign_refund') h.emit(g, { type: 'payment.refunded', transactionId: 'CAP-OTHER', amount: USD49, full: true });
      else if (!completes) continue;
      else if (kind === 'partial_refund' && !moneyBack) {
        h.emit(g, { type: 'payment.refunded', transactionId: capture, amount: { value: '10.00', currency: 'USD' }, full: false });
      } else if ((kind === 'full_refund' || kind === 'reversal') && !moneyBack) {
        moneyBack = true;
        if (kind === 'full_refund') h.emit(g, { type: 'payment.refunded', transactionId: capture, amount: USD49, full: true });
        else h.emit(g, { type: 'payment.reversed', transactionId: capture, amount: USD49 });
      } else if (kind === 'dispute' && openDispute === null) {
        openDispute = `PP-D-${++disputes}`;
        h.emit(g, { type: 'dispute.opened', disputeId: openDispute, transactionId: capture });
      } else if ((kind === 'resolve_buyer' || kind === 'resolve_seller') && openDispute !== null) {
        h.emit(g, { type: 'dispute.resolved', disputeId: openDispute, outcome: kind === 'resolve_buyer' ? 'buyer' : 'seller' });
        openDispute = null;
      }
    }
    return h.events;
  });

// ---- subscriptions --------------------------------------------------------------------------------------

const subscriptionStep = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constant('renew' as const), gap, pick) },
  { weight: 2, arbitrary: fc.tuple(fc.constant('fail' as const), gap, pick) },
  fc.tuple(fc.constant('suspend' as const), gap, pick),
  fc.tuple(fc.constantFrom('reactivate' as const, 'activate_again' as const), gap, pick),
  fc.tuple(fc.constant('cancel' as const), gap, pick),
  fc.tuple(fc.constant('expire' as const), gap, pick),
  fc.tuple(fc.constantFrom('full_refund' as const, 'partial_refund' as const, 'reversal' as const), gap, pick),
  fc.tuple(fc.constant('dispute' as const), gap, pick),
  fc.tuple(fc.constantFrom('resolve_buyer' as const, 'resolve_seller' as const), gap, pick),
  fc.tuple(fc.constant('foreign_refund' as const), gap, pick),
  fc.tuple(fc.constant('revoke' as const), gap, pick),
  fc.tuple(fc.constant('restore' as const), gap, pick),
);

const subscriptionHistory = fc
  .record({
    firstSale: fc.constantFrom('before_activation' as const, 'after_activation' as const, 'none' as const),
    startGaps: fc.tuple(gap, gap),
    steps: fc.array(subscriptionStep, { maxLength: 16 }),
  })
  .map(({ firstSale, startGaps: [g1, g2], steps }) => {
    const h = new History();
    const subscriptionId = 'I-SUB1';
    let paidThrough = T0 + PERIOD;
    const sales: string[] = [];
    const sale = (g: number) => {
      const transactionId = `SALE-${sales.length}`;
      sales.push(transactionId);
      h.emit(g, { type: 'subscription.renewed', subscriptionId, transactionId, amount: USD9, paidThrough });
    };
    if (firstSale === 'before_activation') sale(g1);
    h.emit(g2, { type: 'subscription.activated', subscriptionId, paidThrough });
    if (firstSale === 'after_activation') sale(g1);

    let status: 'ACTIVE' | 'SUSPENDED' | 'CANCELLED' | 'EXPIRED' = 'ACTIVE';
    const moneyBack = new Set<string>();
    let openDispute: string | null = null;
    let disputes = 0;
    for (const [kind, g, n] of steps) {
      const someSale = sales.length > 0 ? sales[n % sales.length] : undefined;
      if (kind === 'renew' && status === 'ACTIVE') {
        paidThrough += PERIOD;
        sale(g);
      } else if (kind === 'fail' && status === 'ACTIVE') {
        h.emit(g, { type: 'subscription.payment_failed', subscriptionId });
      } else if (kind === 'suspend' && status === 'ACTIVE') {
        status = 'SUSPENDED';
        h.emit(g, { type: 'subscription.suspended', subscriptionId });
      } else if (kind === 'reactivate' && status === 'SUSPENDED') {
        status = 'ACTIVE';
        h.emit(g, { type: 'subscription.reactivated', subscriptionId });
      } else if (kind === 'activate_again' && status === 'SUSPENDED') {
        status = 'ACTIVE';
        h.emit(g, { type: 'subscription.activated', subscriptionId, paidThrough });
      } else if (kind === 'cancel' && (status === 'ACTIVE' || status === 'SUSPENDED')) {
        status = 'CANCELLED';
        h.emit(g, { type: 'subscription.cancelled', subscriptionId });
      } else if (kind === 'expire' && (status === 'ACTIVE' || status === 'CANCELLED')) {
        status = 'EXPIRED';
        h.emit(g, { type: 'subscription.expired', subscriptionId });
      } else if (kind === 'partial_refund' && someSale !== undefined && !moneyBack.has(someSale)) {
        h.emit(g, { type: 'payment.refunded', transactionId: someSale, amount: { value: '1.00', currency: 'USD' }, full: false });
      } else if ((kind === 'full_refund' || kind === 'reversal') && someSale !== undefined && !moneyBack.has(someSale)) {
        moneyBack.add(someSale);
        if (kind === 'full_refund') h.emit(g, { type: 'payment.refunded', transactionId: someSale, amount: USD9, full: true });
        else h.emit(g, { type: 'payment.reversed', transactionId: someSale, amount: USD9 });
      } else if (kind === 'dispute' && someSale !== undefined && openDispute === null) {
        openDispute = `PP-D-${++disputes}`;
        h.emit(g, { type: 'dispute.opened', disputeId: openDispute, transactionId: someSale });
      } else if ((kind === 'resolve_buyer' || kind === 'resolve_seller') && openDispute !== null) {
        h.emit(g, { type: 'dispute.resolved', disputeId: openDispute, outcome: kind === 'resolve_buyer' ? 'buyer' : 'seller' });
        openDispute = null;
      } else if (kind === 'foreign_refund') {
        h.emit(g, { type: 'payment.refunded', transactionId: 'SALE-OTHER', amount: USD9, full: true });
      } else if (kind === 'revoke') {
        h.emit(g, { type: 'license.revoked', reason: 'support' });
      } else if (kind === 'restore') {
        h.restore(g, n);
      }
    }
    return h.events;
  });

// ---- delivery -------------------------------------------------------------------------------------------

/** The history as a provider with retries delivers it: some events several times, all in any order. */
function deliveries(events: BillingEvent[]): fc.Arbitrary<BillingEvent[]> {
  const redelivered =
    events.length === 0 ? fc.constant([]) : fc.array(fc.nat({ max: events.length - 1 }), { maxLength: events.length });
  return redelivered.chain((extra) => {
    const all = [...events, ...extra.map((i) => structuredClone(events[i] as BillingEvent))];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });
}

const scenario = fc
  .oneof(orderHistory, subscriptionHistory)
  .chain((inOrder) => deliveries(inOrder).map((delivered) => ({ inOrder, delivered })));

// ---- the model: the rules of docs/architecture.md, folded in true order, written apart from server/billing ----

interface KeyFields {
  status: LicenseStatus;
  transactionId: string | null;
  paidThrough: number | null;
}

function model(history: readonly BillingEvent[]): KeyFields {
  // A restore undoes the revocation it names: the rules are those of a history where neither happened.
  const restoredIds = new Set(history.flatMap((e) => (e.type === 'license.restored' ? [e.revocationId] : [])));
  const inOrder = history.filter((e) => e.type !== 'license.restored' && !(e.type === 'license.revoked' && restoredIds.has(e.id)));
  let base: LicenseStatus = 'pending';
  let paid = false;
  let revoked = false;
  let openDispute: string | null = null;
  let transactionId: string | null = null;
  let subscriptionId: string | null = null;
  let paidThrough: number | null = null;
  const final = () => revoked || base === 'expired' || base === 'refunded' || base === 'reversed';
  const moneyGoesBack = (status: LicenseStatus) => {
    base = status;
    openDispute = null;
  };

  for (const e of inOrder) {
    if (e.type === 'license.revoked') revoked = true;
    if (final()) continue;
    if (!paid) {
      if (e.type === 'payment.pending') base = 'pending';
      if (e.type === 'payment.failed') base = 'failed';
      if (e.type === 'payment.completed' || e.type === 'subscription.renewed') transactionId = e.transactionId;
      if (e.type === 'subscription.activated' || e.type === 'subscription.renewed') {
        subscriptionId = e.subscriptionId;
        paidThrough = e.paidThrough;
      }
      if (e.type === 'payment.completed' || e.type === 'subscription.activated' || e.type === 'subscription.renewed') {
        paid = true;
        base = 'active';
      }
      continue;
    }
    if ('subscriptionId' in e && e.subscriptionId !== subscriptionId) continue;
    const ownTransaction = 'transactionId' in e && e.transactionId === transactionId;
    switch (e.type) {
      case 'subscription.activated':
        if (base === 'canceled') break;
        if (base === 'suspended' || base === 'past_due') base = 'active';
        paidThrough = Math.max(paidThrough ?? e.paidThrough, e.paidThrough);
        break;
      case 'subscription.renewed':
        transactionId = e.transactionId;
        paidThrough = Math.max(paidThrough ?? e.paidThrough, e.paidThrough);
        if (base === 'past_due') base = 'active';
        break;
      case 'subscription.payment_failed':
        if (base === 'active') base = 'past_due';
        break;
      case 'subscription.suspended':
        if (base === 'active' || base === 'past_due') base = 'suspended';
        break;
      case 'subscription.reactivated':
        if (base === 'suspended' || base === 'past_due') base = 'active';
        break;
      case 'subscription.cancelled':
        base = 'canceled';
        break;
      case 'subscription.expired':
        moneyGoesBack('expired');
        break;
      case 'payment.refunded':
        if (ownTransaction && e.full) moneyGoesBack('refunded');
        break;
      case 'payment.reversed':
        if (ownTransaction) moneyGoesBack('reversed');
        break;
      case 'dispute.opened':
        if (ownTransaction && openDispute === null) openDispute = e.disputeId;
        break;
      case 'dispute.resolved':
        if (e.disputeId !== openDispute) break;
        openDispute = null;
        if (e.outcome === 'buyer') base = 'reversed';
        break;
    }
  }
  const status: LicenseStatus = revoked ? 'revoked' : openDispute !== null ? 'disputed' : base;
  return paid ? { status, transactionId, paidThrough } : { status, transactionId: null, paidThrough: null };
}

const ANCHOR = 'A'.repeat(43);
const POLICY = { pastDueGraceMs: 7 * DAY, refreshWindowMs: 14 * DAY };

/** What a refresh would sign for this state at `now` (signature and issue times aside). */
function refreshGrant(state: LicenseState, now: number) {
  const transactionId = paidOf(state)?.transactionId ?? null;
  return grantFor(ANCHOR, { id: 'lic_1', anchor: ANCHOR, planId: 'plan', transactionId, supersededBy: null, state }, now, POLICY);
}

function keyFields(state: LicenseState): KeyFields {
  const paid = paidOf(state);
  return { status: state.status, transactionId: paid?.transactionId ?? null, paidThrough: paid?.paidThrough ?? null };
}

describe('billing state under redelivery and reordering', () => {
  it('equals in-order delivery (state and the entitlement a refresh returns) and the in-order model for 10,000 generated histories', () => {
    const statusesSeen = new Set<LicenseStatus>();
    const restoresSeen = new Set<LicenseStatus>();
    fc.assert(
      fc.property(scenario, ({ inOrder, delivered }) => {
        const expected = licenseState(inOrder);
        const actual = licenseState(delivered);
        expect(actual).toEqual(expected);
        expect(keyFields(expected)).toEqual(model(inOrder));
        // The entitlement a refresh returns, soon after the last event and after a period has passed.
        const last = Math.max(...inOrder.map((e) => e.at));
        const modelled = model(inOrder);
        for (const now of [last + DAY, last + PERIOD + DAY]) {
          const { grant } = refreshGrant(actual, now);
          expect(grant).toEqual(refreshGrant(expected, now).grant);
          expect({ status: grant.status, txn: grant.txn, ptd: grant.ptd ?? null }).toEqual({
            status: modelled.status,
            txn: modelled.transactionId,
            ptd: modelled.paidThrough === null ? null : Math.floor(modelled.paidThrough / 1000),
          });
        }
        statusesSeen.add(expected.status);
        if (inOrder.some((e) => e.type === 'license.restored')) restoresSeen.add(expected.status);
      }),
      { numRuns: 10_000 },
    );
    // The generator is only worth something if its histories reach every status.
    expect([...statusesSeen].sort()).toEqual(
      ['active', 'canceled', 'disputed', 'expired', 'failed', 'past_due', 'pending', 'refunded', 'reversed', 'revoked', 'suspended'],
    );
    // Restored histories end in paid statuses and in a second revocation alike.
    for (const status of ['active', 'canceled', 'refunded', 'revoked'] as const) expect(restoresSeen).toContain(status);
  });

  it('a restore delivered in any order relative to its revocation gives the history without either', () => {
    fc.assert(
      fc.property(fc.oneof(orderHistory, subscriptionHistory), fc.nat(), fc.nat(), (history, where, later) => {
        const position = where % (history.length + 1);
        const at = (history[position - 1]?.at ?? T0) + 1;
        const revoke: BillingEvent = { id: 'support-revoke-x', at, type: 'license.revoked', reason: 'mistake' };
        const restore: BillingEvent = { id: 'support-restore-x', at: at + 1 + (later % (30 * DAY)), type: 'license.restored', revocationId: revoke.id, reason: 'undo' };
        const withBoth = [...history.slice(0, position), revoke, ...history.slice(position), restore];
        expect(licenseState(withBoth.reverse())).toEqual(licenseState(history));
      }),
      { numRuns: 2_000 },
    );
  });
});
