// Properties across the PayPal side and the billing core, on generated histories:
// 1. A subscription's life at PayPal (activations, failures, suspensions and re-activations, renewals,
//    cancellation) read by every road the server has — the return, the webhooks (late, repeated, and ones whose
//    claim PayPal no longer bears out), reconciliation at random moments — ends in the state PayPal shows: every
//    activation is its own fact (suspend → reactivate → Enterprise again) and the same fact read twice applies once.
// 2. A machine holding several licenses (a lifetime and a subscription, or two lifetimes bought by mistake), each
//    history mixed with lies naming the other license's transactions and another subscription: a license's state
//    ignores the lies, and the machine's access is the best of its licenses — a refunded or failed purchase never
//    strands another paid one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { access, licenseState, type BillingEvent, type LicenseState } from '../../server/billing';
import { bestLicense } from '../../server/licenses/best-license';
import { subscriptionFacts } from '../../server/providers/paypal/subscription-facts';
import {
  activationEvent, judgeSale, judgeSubscription, type CheckoutFacts,
} from '../../server/providers/paypal/to-billing-events';
import type { SubscriptionEventType } from '../../server/providers/paypal/translate';
import type { PlanView, SaleView, SubscriptionTransactionView, SubscriptionView } from '../../server/providers/paypal/views';
import { DAY, T0, USD49, USD9 } from './billing-fixtures';

const PERIOD = 30 * DAY;
const POLICY = { pastDueGraceMs: 7 * DAY };
const SUB = 'I-SUBPROPERTY1';
const PLAN = 'P-PLANPROPERTY1';
/** PayPal's plan, as GET /v1/billing/plans/{id} shows its cycle: what dates a payment once next_billing_time is gone. */
const PLAN_VIEW: PlanView = { id: PLAN, interval: { unit: 'DAY', count: 30 } };
const CHECKOUT: CheckoutFacts = {
  id: 'chk_property_checkout1', kind: 'recurring', amount: '9.00', currency: 'USD', providerOrderId: null, providerSubscriptionId: SUB, providerPlanId: PLAN,
};

// ---- PayPal's side: the subscription as its API shows it after each change --------------------------------

type Status = SubscriptionView['status'];

interface Moment {
  /** What GET /v1/billing/subscriptions/{id} answers from this moment on. */
  view: SubscriptionView;
  sales: SubscriptionTransactionView[];
  /** The webhook PayPal sends for the change that made this moment, if any. */
  webhook: { eventId: string; type: SubscriptionEventType | 'PAYMENT.SALE.COMPLETED'; at: number; saleId?: string } | null;
}

const change = fc.oneof(
  { weight: 3, arbitrary: fc.constant('renew' as const) },
  fc.constant('fail' as const),
  { weight: 2, arbitrary: fc.constant('suspend' as const) },
  { weight: 2, arbitrary: fc.constant('reactivate' as const) },
  fc.constant('cancel' as const),
);

/** A life at PayPal: a list of moments with strictly increasing times. */
const life = fc.record({ changes: fc.array(fc.tuple(change, fc.integer({ min: 60_000, max: 20 * DAY })), { maxLength: 10 }) }).map(({ changes }) => {
  let at = T0;
  let n = 0;
  const sales: SubscriptionTransactionView[] = [{ id: 'SALE0', status: 'COMPLETED', amount: USD9, time: T0 }];
  let view: SubscriptionView = {
    id: SUB, status: 'ACTIVE', planId: PLAN, customId: CHECKOUT.id, startTime: T0, nextBillingTime: T0 + PERIOD, cyclesCompleted: 1,
    lastPayment: { amount: USD9, time: T0 }, failedPaymentsCount: 0, lastFailedPaymentTime: null, statusUpdateTime: T0,
  };
  const moments: Moment[] = [{ view, sales: [...sales], webhook: { eventId: 'WH-ACT-0', type: 'BILLING.SUBSCRIPTION.ACTIVATED', at: T0 } }];
  const to = (status: Status, patch: Partial<SubscriptionView> = {}): SubscriptionView => ({
    ...view, ...patch, status, statusUpdateTime: status === view.status ? view.statusUpdateTime : at,
    nextBillingTime: status === 'ACTIVE' ? (patch.nextBillingTime ?? view.nextBillingTime ?? at + PERIOD) : null,
  });
  for (const [kind, gap] of changes) {
    if (view.status === 'CANCELLED') break;
    at += gap;
    n++;
    let webhook: Moment['webhook'] = null;
    if (kind === 'renew' && view.status === 'ACTIVE') {
      const saleId = `SALE${n}`;
      sales.push({ id: saleId, status: 'COMPLETED', amount: USD9, time: at });
      view = to('ACTIVE', { nextBillingTime: (view.nextBillingTime ?? at) + PERIOD, cyclesCompleted: view.cyclesCompleted + 1, lastPayment: { amount: USD9, time: at } });
      webhook = { eventId: `WH-SALE-${n}`, type: 'PAYMENT.SALE.COMPLETED', at, saleId };
    } else if (kind === 'fail' && view.status === 'ACTIVE') {
      view = to('ACTIVE', { failedPaymentsCount: view.failedPaymentsCount + 1, lastFailedPaymentTime: at });
      webhook = { eventId: `WH-FAIL-${n}`, type: 'BILLING.SUBSCRIPTION.PAYMENT.FAILED', at };
    } else if (kind === 'suspend' && view.status === 'ACTIVE') {
      view = to('SUSPENDED');
      webhook = { eventId: `WH-SUSP-${n}`, type: 'BILLING.SUBSCRIPTION.SUSPENDED', at };
    } else if (kind === 'reactivate' && view.status === 'SUSPENDED') {
      view = to('ACTIVE', { failedPaymentsCount: 0 });
      webhook = { eventId: `WH-ACT-${n}`, type: 'BILLING.SUBSCRIPTION.ACTIVATED', at };
    } else if (kind === 'cancel') {
      view = to('CANCELLED');
      webhook = { eventId: `WH-CANC-${n}`, type: 'BILLING.SUBSCRIPTION.CANCELLED', at };
    } else {
      continue;
    }
    moments.push({ view, sales: [...sales], webhook });
  }
  return moments;
});

/** Every road's reading: the webhook of each moment, judged against the API as it is when it is processed (any
 *  later moment); the return road at the first moment; reconciliation at chosen moments. */
function readings(moments: readonly Moment[], webhookDelays: readonly number[], reconcileAt: readonly number[]): BillingEvent[] {
  const events: BillingEvent[] = [];
  const last = moments.length - 1;
  const sale = (id: string): SaleView => {
    const t = moments.at(-1)!.sales.find((s) => s.id === id)!;
    return { id, state: 'completed', amount: t.amount, billingAgreementId: SUB, createTime: t.time };
  };
  const first = activationEvent(moments[0]!.view, undefined, T0);
  if (first) events.push(first);
  moments.forEach((moment, i) => {
    const hook = moment.webhook;
    if (hook === null) return;
    const seen = moments[Math.min(last, i + (webhookDelays[i % Math.max(1, webhookDelays.length)] ?? 0))]!.view;
    const judged = hook.type === 'PAYMENT.SALE.COMPLETED'
      ? judgeSale({ kind: 'sale', eventId: hook.eventId, at: hook.at, saleId: hook.saleId!, subscriptionHint: SUB }, { sale: sale(hook.saleId!), subscription: seen, plan: PLAN_VIEW }, CHECKOUT, hook.at)
      : judgeSubscription({ kind: 'subscription', eventId: hook.eventId, at: hook.at, subscriptionId: SUB, checkoutHint: null, eventType: hook.type }, { subscription: seen, plan: PLAN_VIEW }, CHECKOUT, hook.at);
    // A claim PayPal no longer bears out adds nothing; reconciliation and later webhooks tell the rest.
    if (judged.ok) events.push(...judged.events);
  });
  for (const i of reconcileAt) {
    const moment = moments[Math.min(last, i)]!;
    const facts = subscriptionFacts(moment.view, PLAN_VIEW, moment.sales, CHECKOUT, moment.view.statusUpdateTime ?? T0);
    if (facts.ok) events.push(...facts.events);
  }
  // Reconciliation always runs again after the last change: what PayPal shows in the end is known.
  const final = moments[last]!;
  const facts = subscriptionFacts(final.view, PLAN_VIEW, final.sales, CHECKOUT, final.view.statusUpdateTime ?? T0);
  if (facts.ok) events.push(...facts.events);
  return events;
}

/** The status PayPal's final view calls for, written apart from the billing core. */
function expectedStatus(moments: readonly Moment[]): LicenseState['status'] {
  const final = moments.at(-1)!.view;
  switch (final.status) {
    case 'CANCELLED': return 'canceled';
    case 'SUSPENDED': return 'suspended';
    default: {
      // Active at PayPal: past due if a payment failed since the latest (re-)activation and renewal (a
      // re-activation resumes the subscription as the suspension it ends does not).
      const activeSince = Math.max(final.statusUpdateTime ?? T0, final.lastPayment?.time ?? T0);
      return final.lastFailedPaymentTime !== null && final.lastFailedPaymentTime > activeSince ? 'past_due' : 'active';
    }
  }
}

describe('a subscription read by every road', () => {
  it('ends in the state PayPal shows, whatever order, delay and repetition the readings come in (5,000 lives)', () => {
    let reactivations = 0;
    fc.assert(
      fc.property(
        life.chain((moments) => fc.record({
          moments: fc.constant(moments),
          delays: fc.array(fc.nat({ max: 3 }), { maxLength: 12 }),
          reconcileAt: fc.array(fc.nat({ max: 12 }), { maxLength: 4 }),
          seed: fc.nat(),
        })),
        ({ moments, delays, reconcileAt, seed }) => {
          const events = readings(moments, delays, reconcileAt);
          const shuffled = [...events, ...events.slice(0, seed % (events.length + 1))].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 31 + seed) % 7));
          const state = licenseState(shuffled);
          expect(state.status).toBe(expectedStatus(moments));
          expect(licenseState(events)).toEqual(state);
          // Every sale PayPal made is the fact funding access in turn: the latest one is the license's transaction.
          expect('paid' in state && state.paid?.transactionId).toBe(moments.at(-1)!.sales.at(-1)!.id);
          if (moments.some((m, i) => i > 0 && m.webhook?.type === 'BILLING.SUBSCRIPTION.ACTIVATED')) reactivations++;
        },
      ),
      { numRuns: 5_000 },
    );
    expect(reactivations).toBeGreaterThan(100);
  });
});

// ---- one machine, several licenses --------------------------------------------------------------------------

type Purchase = { kind: 'lifetime'; capture: string } | { kind: 'subscription'; subscription: string; sale: string };

const purchaseEvents = (p: Purchase, at: number): BillingEvent[] =>
  p.kind === 'lifetime'
    ? [{ id: `paypal:payment.completed:${p.capture}`, at, type: 'payment.completed', transactionId: p.capture, amount: USD49 }]
    : [
        { id: `paypal:subscription.activated:${p.subscription}:${at}`, at, type: 'subscription.activated', subscriptionId: p.subscription, paidThrough: at + PERIOD },
        { id: `paypal:subscription.renewed:${p.sale}`, at, type: 'subscription.renewed', subscriptionId: p.subscription, transactionId: p.sale, amount: USD9, paidThrough: at + PERIOD },
      ];

const transactionOf = (p: Purchase): string => (p.kind === 'lifetime' ? p.capture : p.sale);

const outcome = fc.constantFrom('kept' as const, 'refunded' as const, 'reversed' as const, 'partial' as const, 'cancelled' as const);

const machine = fc.record({
  second: fc.constantFrom('lifetime' as const, 'subscription' as const),
  firstOutcome: outcome,
  secondOutcome: outcome,
  gaps: fc.tuple(fc.integer({ min: 1, max: 20 * DAY }), fc.integer({ min: 1, max: 20 * DAY }), fc.integer({ min: 1, max: 20 * DAY })),
  lies: fc.array(fc.constantFrom('refund-other', 'reverse-other', 'dispute-other', 'cancel-other-subscription', 'refund-foreign'), { maxLength: 4 }),
  readAfter: fc.integer({ min: 0, max: 60 * DAY }),
});

function moneyBack(p: Purchase, how: 'refunded' | 'reversed' | 'partial' | 'cancelled', at: number): BillingEvent[] {
  const transactionId = transactionOf(p);
  switch (how) {
    case 'refunded': return [{ id: `paypal:payment.refunded:R-${transactionId}`, at, type: 'payment.refunded', transactionId, amount: USD9, full: true }];
    case 'partial': return [{ id: `paypal:payment.refunded:RP-${transactionId}`, at, type: 'payment.refunded', transactionId, amount: USD9, full: false }];
    case 'reversed': return [{ id: `paypal:payment.reversed:V-${transactionId}`, at, type: 'payment.reversed', transactionId, amount: USD9 }];
    case 'cancelled': return p.kind === 'subscription' ? [{ id: `paypal:subscription.cancelled:${p.subscription}`, at, type: 'subscription.cancelled', subscriptionId: p.subscription }] : [];
  }
}

/** Whether one license grants Enterprise at `now`, written apart from the billing core. */
function grants(p: Purchase, boughtAt: number, how: 'kept' | 'refunded' | 'reversed' | 'partial' | 'cancelled', endedAt: number, now: number): boolean {
  if (how === 'refunded' || how === 'reversed') return false;
  if (p.kind === 'lifetime') return true;
  const paidThrough = boughtAt + PERIOD;
  if (how === 'cancelled') return now < paidThrough && endedAt >= boughtAt;
  return now < paidThrough + POLICY.pastDueGraceMs;
}

describe('one machine, several licenses', () => {
  it('each license ignores lies naming the other\'s transactions; the machine gets the best of them (5,000 machines)', () => {
    fc.assert(
      fc.property(machine, ({ second, firstOutcome, secondOutcome, gaps: [g1, g2, g3], lies, readAfter }) => {
        const first: Purchase = { kind: 'lifetime', capture: 'CAP-FIRST' };
        const other: Purchase = second === 'lifetime' ? { kind: 'lifetime', capture: 'CAP-SECOND' } : { kind: 'subscription', subscription: 'I-SECOND', sale: 'SALE-SECOND' };
        const t1 = T0;
        const t2 = t1 + g1;
        const end1 = t2 + g2;
        const end2 = end1 + g3;
        const lie = (target: Purchase, at: number): BillingEvent[] => lies.flatMap((kind, i): BillingEvent[] => {
          const victim = transactionOf(target === first ? other : first);
          switch (kind) {
            case 'refund-other': return [{ id: `lie:${i}`, at: at + i, type: 'payment.refunded', transactionId: victim, amount: USD9, full: true }];
            case 'reverse-other': return [{ id: `lie:${i}`, at: at + i, type: 'payment.reversed', transactionId: victim, amount: USD9 }];
            case 'dispute-other': return [{ id: `lie:${i}`, at: at + i, type: 'dispute.opened', disputeId: `PP-D-LIE${i}`, transactionId: victim }];
            case 'cancel-other-subscription': return [{ id: `lie:${i}`, at: at + i, type: 'subscription.cancelled', subscriptionId: 'I-SOMEONE-ELSE' }];
            default: return [{ id: `lie:${i}`, at: at + i, type: 'payment.refunded', transactionId: 'CAP-FOREIGN', amount: USD49, full: true }];
          }
        });
        const truth1 = [...purchaseEvents(first, t1), ...(firstOutcome === 'kept' ? [] : moneyBack(first, firstOutcome, end1))];
        const truth2 = [...purchaseEvents(other, t2), ...(secondOutcome === 'kept' ? [] : moneyBack(other, secondOutcome, end2))];
        const state1 = licenseState([...truth1, ...lie(first, t2)]);
        const state2 = licenseState([...lie(other, t1), ...truth2]);
        expect(state1).toEqual(licenseState(truth1));
        expect(state2).toEqual(licenseState(truth2));

        const now = end2 + readAfter;
        const licenses = [
          { id: 'lic_first', state: state1, supersededBy: null, createdAt: t1 },
          { id: 'lic_second', state: state2, supersededBy: null, createdAt: t2 },
        ];
        const best = bestLicense(licenses, now, POLICY);
        const expected = grants(first, t1, firstOutcome, end1, now) || grants(other, t2, secondOutcome, end2, now);
        expect(best !== null).toBe(expected);
        if (best !== null) {
          expect(access(best.state, now, POLICY).tier).toBe('enterprise');
          // Lifetime beats a subscription; of equals, the newer.
          const lifetimes = licenses.filter((l) => access(l.state, now, POLICY).tier === 'enterprise' && access(l.state, now, POLICY).until === null);
          if (lifetimes.length > 0) expect(best.id).toBe(lifetimes.at(-1)!.id);
        }
      }),
      { numRuns: 5_000 },
    );
  });
});
