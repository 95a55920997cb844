// The property of billing-property-machines.test.ts, for the second provider: a subscription's life at Paystack
// (renewals, failed renewals and recovery, not renewing, disabling, completion) read by every road the server has
// — the return (verify + the customer's subscription), the webhooks (invoice.update, invoice.payment_failed,
// subscription.not_renew, subscription.disable; late, repeated, and ones whose claim Paystack no longer bears
// out), reconciliation at random moments (the subscription and its customer's transactions) — ends in the state
// Paystack shows, whatever the order, delay and repetition, and the latest renewal is the transaction funding
// access, even when renewal webhooks never arrive. A webhook naming a renewal paid by
// another customer, or for another price, never counts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { licenseState, type BillingEvent, type LicenseState } from '../../server/billing';
import {
  activationEvent, judgeRenewal, judgeSubscriptionChange, subscriptionRenewals, subscriptionStateFacts, type PaystackCheckoutFacts, type SubscriptionChange,
} from '../../server/providers/paystack/judge';
import type { SubscriptionView, TransactionView } from '../../server/providers/paystack/views';
import { DAY, T0 } from './billing-fixtures';

const PERIOD = 30 * DAY;
const CODE = 'SUB_propertyfake1';
const PLAN = 'PLN_propertyfake1';
const CUSTOMER = '4242';
const CHECKOUT: PaystackCheckoutFacts = { id: 'chk_property_paystack1', kind: 'recurring', amount: '9.00', currency: 'USD', reference: 'chk.property.paystack1', planCode: PLAN };

const tx = (reference: string, at: number, patch: Partial<TransactionView> = {}): TransactionView => ({
  id: String(1000 + at % 997), reference, status: 'success', amount: 900, currency: 'USD', paidAt: at, createdAt: at, planCode: PLAN,
  checkoutId: reference === CHECKOUT.reference ? CHECKOUT.id : null, customerId: CUSTOMER, ...patch,
});

interface Moment {
  at: number;
  /** What GET /subscription/:code answers from this moment on. */
  view: SubscriptionView;
  /** The customer's transactions Paystack lists at this moment, newest first. */
  transactions: TransactionView[];
  /** The webhook Paystack sends for the change that made this moment. */
  webhook: { type: 'invoice.update'; transaction: TransactionView } | { type: SubscriptionChange } | null;
}

const change = fc.oneof(
  { weight: 4, arbitrary: fc.constant('renew' as const) },
  { weight: 2, arbitrary: fc.constant('fail' as const) },
  fc.constant('not_renew' as const),
  fc.constant('disable' as const),
  fc.constant('complete' as const),
);

const life = fc.array(fc.tuple(change, fc.integer({ min: 60_000, max: 20 * DAY })), { maxLength: 10 }).map((changes) => {
  let at = T0;
  let view: SubscriptionView = {
    code: CODE, status: 'active', planCode: PLAN, amount: 900, nextPaymentDate: T0 + PERIOD, createdAt: T0, customerId: CUSTOMER, emailToken: 'tok', latestInvoiceCode: null,
  };
  let transactions = [tx(CHECKOUT.reference, T0)];
  const moments: Moment[] = [{ at, view, transactions, webhook: { type: 'subscription.create' } }];
  const renewals = [CHECKOUT.reference];
  changes.forEach(([kind, gap], n) => {
    if (view.status === 'cancelled' || view.status === 'complete') return;
    at += gap;
    let webhook: Moment['webhook'];
    if (kind === 'renew' && (view.status === 'active' || view.status === 'attention')) {
      const reference = `R${n}renewal`;
      renewals.push(reference);
      view = { ...view, status: 'active', nextPaymentDate: (view.nextPaymentDate ?? at) + PERIOD };
      webhook = { type: 'invoice.update', transaction: tx(reference, at) };
      transactions = [webhook.transaction, ...transactions];
    } else if (kind === 'fail' && view.status === 'active') {
      view = { ...view, status: 'attention', latestInvoiceCode: `INV_fail${n}` };
      webhook = { type: 'invoice.payment_failed' };
    } else if (kind === 'not_renew' && (view.status === 'active' || view.status === 'attention')) {
      view = { ...view, status: 'non-renewing' };
      webhook = { type: 'subscription.not_renew' };
    } else if (kind === 'disable' && view.status !== 'non-renewing') {
      view = { ...view, status: 'cancelled' };
      webhook = { type: 'subscription.disable' };
    } else if (kind === 'complete' && view.status === 'non-renewing') {
      view = { ...view, status: 'complete' };
      webhook = { type: 'subscription.disable' };
    } else {
      return;
    }
    moments.push({ at, view, transactions, webhook });
  });
  return { moments, renewals };
});

/** Every road's reading, each judged against the API as it is when it is processed. */
function readings(moments: readonly Moment[], delays: readonly number[], reconcileAt: readonly number[], dropped: readonly boolean[]): BillingEvent[] {
  const events: BillingEvent[] = [];
  const last = moments.length - 1;
  const judged = (j: { ok: true; events: BillingEvent[] } | { ok: false }) => {
    if (j.ok) events.push(...j.events);
  };
  // The return: verify the checkout's transaction, then the subscription Paystack made with it.
  const first = moments[0]!;
  judged(judgeRenewal(tx(CHECKOUT.reference, T0), first.view, CHECKOUT, T0));
  const activated = activationEvent(first.view, T0);
  if (activated) events.push(activated);
  moments.forEach((moment, i) => {
    const hook = moment.webhook;
    if (hook === null) return;
    const seen = moments[Math.min(last, i + (delays[i % Math.max(1, delays.length)] ?? 0))]!;
    if (hook.type === 'invoice.update' && dropped[i % Math.max(1, dropped.length)] === true) return;
    if (hook.type === 'invoice.update') judged(judgeRenewal(hook.transaction, seen.view, CHECKOUT, seen.at));
    else judged(judgeSubscriptionChange(hook.type, seen.view, CHECKOUT, seen.at));
  });
  for (const i of [...reconcileAt, last]) {
    const moment = moments[Math.min(last, i)]!;
    judged(subscriptionStateFacts(moment.view, CHECKOUT, moment.at));
    events.push(...subscriptionRenewals(moment.transactions, moment.view, [moment.view], CHECKOUT, moment.at).events);
  }
  return events;
}

function expectedStatus(moments: readonly Moment[]): LicenseState['status'] {
  switch (moments.at(-1)!.view.status) {
    case 'non-renewing':
    case 'cancelled': return 'canceled';
    case 'complete': return 'expired';
    case 'attention': return 'past_due';
    default: return 'active';
  }
}

describe('a Paystack subscription read by every road', () => {
  it('ends in the state Paystack shows, whatever order, delay and repetition the readings come in (3,000 lives)', () => {
    const seenStatuses = new Set<string>();
    fc.assert(
      fc.property(
        life.chain((l) => fc.record({
          life: fc.constant(l),
          delays: fc.array(fc.nat({ max: 3 }), { maxLength: 12 }),
          reconcileAt: fc.array(fc.nat({ max: 12 }), { maxLength: 4 }),
          dropped: fc.array(fc.boolean(), { maxLength: 12 }),
          seed: fc.nat(),
        })),
        ({ life: { moments, renewals }, delays, reconcileAt, dropped, seed }) => {
          const events = readings(moments, delays, reconcileAt, dropped);
          const shuffled = [...events, ...events.slice(0, seed % (events.length + 1))].sort((a, b) => ((a.id.length * 31 + seed) % 7) - ((b.id.length * 31 + seed) % 7));
          const state = licenseState(shuffled);
          expect(state.status).toBe(expectedStatus(moments));
          expect(licenseState(events)).toEqual(state);
          if (state.status !== 'expired') expect('paid' in state && state.paid?.transactionId).toBe(renewals.at(-1));
          seenStatuses.add(state.status);
        },
      ),
      { numRuns: 3_000 },
    );
    expect([...seenStatuses].sort()).toEqual(['active', 'canceled', 'expired', 'past_due']);
  });

  it('reconciliation counts a transaction as the subscription\'s renewal only where nothing else can claim it', () => {
    const view: SubscriptionView = {
      code: CODE, status: 'active', planCode: PLAN, amount: 900, nextPaymentDate: T0 + 2 * PERIOD, createdAt: T0, customerId: CUSTOMER, emailToken: 'tok', latestInvoiceCode: null,
    };
    const at = T0 + PERIOD;
    const counted = (transactions: TransactionView[], others: SubscriptionView[] = []) =>
      subscriptionRenewals(transactions, view, others, CHECKOUT, at).events.map((e) => e.id);
    // The first payment: the very fact the return produced; a renewal: the one invoice.update produces.
    const first = tx(CHECKOUT.reference, T0);
    const renewal = tx('Rrenewal1', at);
    expect(counted([renewal, first])).toEqual([
      ...(judgeRenewal(renewal, view, CHECKOUT, at) as { events: BillingEvent[] }).events.map((e) => e.id),
      ...(judgeRenewal(first, view, CHECKOUT, T0) as { events: BillingEvent[] }).events.map((e) => e.id),
    ]);
    // Paid before the subscription existed, by another checkout (its metadata), on another plan, by another
    // customer, unpaid, or for another price: none is this subscription's renewal.
    expect(counted([
      tx('Rbefore', T0 - DAY), tx('Rothercheckout', at, { checkoutId: 'chk_another_checkout' }), tx('Rotherplan', at, { planCode: 'PLN_otherplan0001' }),
      tx('Rstranger', at, { customerId: '9999' }), tx('Rabandoned', at, { status: 'abandoned' }), tx('Rcheap', at, { amount: 1 }),
    ])).toEqual([]);
    // The customer's second subscription to the plan: from its start, whose renewal a payment is cannot be told.
    const second: SubscriptionView = { ...view, code: 'SUB_propertyfake2', createdAt: T0 + DAY };
    const early = tx('Rearly', T0 + DAY / 2);
    expect(counted([renewal, early], [view, second]).map((id) => id.split(':').at(-1))).toEqual(['Rearly']);
    expect(counted([renewal], [{ ...second, planCode: 'PLN_otherplan0001' }]).map((id) => id.split(':').at(-1))).toEqual(['Rrenewal1']);
  });

  it('a renewal paid by another customer, for another price or plan, or not paid, is never a fact', () => {
    const view: SubscriptionView = {
      code: CODE, status: 'active', planCode: PLAN, amount: 900, nextPaymentDate: T0 + PERIOD, createdAt: T0, customerId: CUSTOMER, emailToken: 'tok', latestInvoiceCode: null,
    };
    fc.assert(fc.property(
      fc.record({
        customerId: fc.constantFrom(CUSTOMER, '9999', null),
        amount: fc.constantFrom(900, 899, 1, 90_000),
        currency: fc.constantFrom('USD', 'NGN'),
        planCode: fc.constantFrom(PLAN, 'PLN_otherplan0001', null),
        status: fc.constantFrom('success', 'failed', 'abandoned', 'reversed'),
      }),
      (lie) => {
        const judged = judgeRenewal(tx('Rforged', T0 + DAY, lie), view, CHECKOUT, T0 + DAY);
        const honest = lie.customerId === CUSTOMER && lie.amount === 900 && lie.currency === 'USD' && lie.planCode === PLAN && (lie.status === 'success' || lie.status === 'reversed');
        expect(judged.ok).toBe(honest);
      },
    ), { numRuns: 500 });
  });
});
