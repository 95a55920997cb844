// Adversarial suite, against the real server and sandbox: for every event type the server acts on, validly signed
// bodies that lie — about custom_id, plan, amount, currency, subscription, sale, capture, refund or dispute — naming
// other customers' real resources. Each is one of the sandbox's own genuine bodies, edited, under a fresh event id,
// signed exactly as PayPal signs (which is what a CRC32 forgery over a captured delivery achieves).
//
// Asserted for each lie: answered 200 (PayPal must not retry a lie), and nothing changed: every table but the inbox
// and the audit log row for row, what every victim's and the attacker's refresh answers, and what PayPal's API shows
// (no order captured, no subscription cancelled, no money moved). Where the server can tell it is a lie, support
// sees a 'webhook-not-confirmed' audit row for that event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CancelSubscriptionResponse } from '../../common/api';
import { ACTED_ON_EVENT_TYPES } from '../../server/providers/paypal/translate';
import { paypalApi, refresh, startHarness, type Harness } from './harness';
import {
  buildWorld, Lie, notConfirmedAudits, randomId, snapshot, tell, urls, type World,
} from './money-truth-world';

let h: Harness;
let w: World;

beforeAll(async () => {
  // Reconciliation is run by hand in another suite; here it must not run on its own between two snapshots.
  h = await startHarness({ env: { HARDBOUND_RECONCILE_INTERVAL_SECONDS: '86400' } });
  w = await buildWorld(h);
}, 240_000);
afterAll(async () => {
  await h?.close();
});

const lie = (genuine: (w: World) => string) => (world: World): Lie => new Lie(genuine(world), world.h.clock.now());

type Outcome = 'not_confirmed' | 'applied' | 'duplicate' | 'unmatched' | 'ignored';
/** The server saw through it and audited it. */
const REFUSED: readonly Outcome[] = ['not_confirmed'];
/** A true fact re-told with false details the server never reads (amounts, currency): at most an inbox row. */
const HARMLESS: readonly Outcome[] = ['applied', 'duplicate'];

interface LieCase {
  name: string;
  make: (w: World) => Lie;
  outcomes: readonly Outcome[];
}

async function expectNothingChanged(c: LieCase): Promise<void> {
  const told = c.make(w);
  const before = await snapshot(w);
  const answer = await tell(h, told.toString());
  await h.sandbox.control.settle(15_000);
  expect(await snapshot(w)).toEqual(before);
  expect(answer.status).toBe(200);
  expect(c.outcomes).toContain(answer.outcome);
  if (c.outcomes === REFUSED) {
    expect(await notConfirmedAudits(h, answer.eventId)).toEqual([expect.objectContaining({ reason: expect.any(String) })]);
  }
}

function cases(list: LieCase[]): void {
  for (const c of list) it(c.name, () => expectNothingChanged(c));
}

const orderApproved = lie((w) => w.genuine.orderApproved);
const captureCompleted = lie((w) => w.genuine.captureCompleted);
const captureRefunded = lie((w) => w.genuine.captureRefunded);
const partialRefunded = lie((w) => w.genuine.partialRefunded);
const attackerActivated = lie((w) => w.genuine.attackerActivated);
const victimActivated = lie((w) => w.genuine.victimActivated);
const renewalSale = lie((w) => w.genuine.renewalSale);
const saleRefunded = lie((w) => w.genuine.saleRefunded);
const disputeCreated = lie((w) => w.genuine.disputeCreated);

describe('the world', () => {
  it('covers every event type the server acts on', () => {
    expect([...ACTED_ON_EVENT_TYPES].sort()).toEqual([
      'BILLING.SUBSCRIPTION.ACTIVATED', 'BILLING.SUBSCRIPTION.CANCELLED', 'BILLING.SUBSCRIPTION.EXPIRED',
      'BILLING.SUBSCRIPTION.PAYMENT.FAILED', 'BILLING.SUBSCRIPTION.RE-ACTIVATED', 'BILLING.SUBSCRIPTION.SUSPENDED',
      'CHECKOUT.ORDER.APPROVED', 'CUSTOMER.DISPUTE.CREATED', 'CUSTOMER.DISPUTE.RESOLVED',
      'PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.DECLINED', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.PENDING',
      'PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED', 'PAYMENT.SALE.COMPLETED', 'PAYMENT.SALE.REFUNDED',
      'PAYMENT.SALE.REVERSED',
    ]);
  });

  it('the attacker\'s unpaid checkouts exist at PayPal, unapproved', async () => {
    const api = paypalApi(h);
    expect((await api.getOrder(w.unpaid.lifetime.orderId!)).status).toMatch(/^(CREATED|PAYER_ACTION_REQUIRED)$/);
    expect((await api.getSubscription(w.unpaid.annual.subscriptionId!)).status).toBe('APPROVAL_PENDING');
    expect((await api.getSubscription(w.unpaid.monthly.subscriptionId!)).status).toBe('APPROVAL_PENDING');
  });
});

describe('CHECKOUT.ORDER.APPROVED that lies', () => {
  cases([
    {
      name: 'a victim\'s approved order claimed for the attacker\'s unpaid lifetime checkout (custom_id, invoice_id)',
      make: (w) => orderApproved(w).set(['purchase_units', 0, 'custom_id'], w.unpaid.lifetime.checkoutId).set(['purchase_units', 0, 'invoice_id'], w.unpaid.lifetime.checkoutId),
      outcomes: REFUSED,
    },
    {
      name: 'the attacker\'s unpaid order said to be approved: the server asks PayPal, captures nothing',
      make: (w) => orderApproved(w).set(['id'], w.unpaid.lifetime.orderId).set(['purchase_units', 0, 'custom_id'], w.unpaid.lifetime.checkoutId)
        .set(['purchase_units', 0, 'invoice_id'], w.unpaid.lifetime.checkoutId),
      outcomes: REFUSED,
    },
    {
      name: 'the attacker\'s unpaid order with the paid victim\'s custom_id',
      make: (w) => orderApproved(w).set(['id'], w.unpaid.lifetime.orderId),
      outcomes: REFUSED,
    },
    {
      name: 'an order PayPal never made, claimed for the attacker\'s unpaid annual checkout',
      make: (w) => orderApproved(w).set(['id'], randomId()).set(['purchase_units', 0, 'custom_id'], w.unpaid.annual.checkoutId)
        .set(['purchase_units', 0, 'amount', 'value'], '90.00'),
      outcomes: REFUSED,
    },
    {
      name: 'a victim\'s approved order claimed for the attacker\'s paid subscription checkout',
      make: (w) => orderApproved(w).set(['purchase_units', 0, 'custom_id'], w.attacker.checkoutId),
      outcomes: REFUSED,
    },
    {
      name: 'the refunded victim\'s order said to be approved again, with the disputed victim\'s custom_id',
      make: (w) => orderApproved(w).set(['id'], w.refunded.orderId).set(['purchase_units', 0, 'custom_id'], w.disputed.checkoutId),
      outcomes: REFUSED,
    },
  ]);
});

const CAPTURE_TYPES = ['PAYMENT.CAPTURE.COMPLETED', 'PAYMENT.CAPTURE.PENDING', 'PAYMENT.CAPTURE.DENIED', 'PAYMENT.CAPTURE.DECLINED'];

for (const type of CAPTURE_TYPES) {
  describe(`${type} that lies`, () => {
    cases([
      {
        name: 'a victim\'s capture claimed for the attacker\'s unpaid lifetime checkout (custom_id, invoice_id)',
        make: (w) => captureCompleted(w).type(type).set(['custom_id'], w.unpaid.lifetime.checkoutId).set(['invoice_id'], w.unpaid.lifetime.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'a victim\'s capture hung from the attacker\'s unpaid order (supplementary_data and up link)',
        make: (w) => captureCompleted(w).type(type).set(['supplementary_data', 'related_ids', 'order_id'], w.unpaid.lifetime.orderId)
          .link('up', urls(w.h).order(w.unpaid.lifetime.orderId!)),
        outcomes: REFUSED,
      },
      {
        name: 'a capture PayPal never made, for the unpaid lifetime checkout and its own order',
        make: (w) => captureCompleted(w).type(type).set(['id'], randomId()).set(['custom_id'], w.unpaid.lifetime.checkoutId)
          .set(['invoice_id'], w.unpaid.lifetime.checkoutId).set(['supplementary_data', 'related_ids', 'order_id'], w.unpaid.lifetime.orderId)
          .link('up', urls(w.h).order(w.unpaid.lifetime.orderId!)),
        outcomes: REFUSED,
      },
      {
        name: 'a victim\'s capture claimed for the attacker\'s unpaid annual checkout, amount 90.00',
        make: (w) => captureCompleted(w).type(type).set(['custom_id'], w.unpaid.annual.checkoutId).set(['amount', 'value'], '90.00'),
        outcomes: REFUSED,
      },
      {
        name: 'the disputed victim\'s capture id with the paid victim\'s order and custom_id',
        make: (w) => captureCompleted(w).type(type).set(['id'], w.disputed.captureId),
        outcomes: REFUSED,
      },
      {
        name: 'the refunded victim\'s capture claimed for the attacker\'s paid subscription checkout',
        make: (w) => captureCompleted(w).type(type).set(['id'], w.refunded.captureId).set(['custom_id'], w.attacker.checkoutId)
          .set(['supplementary_data', 'related_ids', 'order_id'], w.refunded.orderId),
        outcomes: REFUSED,
      },
      {
        name: 'a victim\'s true capture re-told as 0.01 JPY: PayPal\'s amount stands',
        make: (w) => captureCompleted(w).type(type).set(['amount'], { currency_code: 'JPY', value: '0.01' }),
        outcomes: HARMLESS,
      },
    ]);
  });
}

for (const type of ['PAYMENT.CAPTURE.REFUNDED', 'PAYMENT.CAPTURE.REVERSED']) {
  describe(`${type} that lies`, () => {
    cases([
      {
        name: 'the refunded victim\'s refund re-pointed at the paid victim\'s capture (up link)',
        make: (w) => captureRefunded(w).type(type).link('up', urls(w.h).capture(w.lifetime.captureId!)).set(['custom_id'], w.lifetime.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'a refund PayPal never made, of the paid victim\'s capture',
        make: (w) => {
          const refundId = randomId();
          return captureRefunded(w).type(type).set(['id'], refundId).link('self', urls(w.h).captureRefund(refundId))
            .link('up', urls(w.h).capture(w.lifetime.captureId!));
        },
        outcomes: REFUSED,
      },
      {
        name: 'a refund PayPal never made, of the disputed victim\'s capture',
        make: (w) => {
          const refundId = randomId();
          return captureRefunded(w).type(type).set(['id'], refundId).link('self', urls(w.h).captureRefund(refundId))
            .link('up', urls(w.h).capture(w.disputed.captureId!));
        },
        outcomes: REFUSED,
      },
      {
        name: 'the partly refunded victim\'s refund re-pointed at the paid victim\'s capture',
        make: (w) => captureRefunded(w).type(type).set(['id'], w.partial.refundId).link('self', urls(w.h).captureRefund(w.partial.refundId))
          .link('up', urls(w.h).capture(w.lifetime.captureId!)),
        outcomes: REFUSED,
      },
      {
        name: 'a refund whose up link names the attacker\'s unpaid order as if it were a capture',
        make: (w) => {
          const refundId = randomId();
          return captureRefunded(w).type(type).set(['id'], refundId).link('self', urls(w.h).captureRefund(refundId))
            .link('up', urls(w.h).capture(w.unpaid.lifetime.orderId!));
        },
        outcomes: REFUSED,
      },
    ]);
  });
}

// Orders v2 shows a chargeback as a refund, so the word "reversed" is never taken: what is applied is the refund
// the API shows, which is on the license already — the same fact under the same id, so nothing changes.
describe('a refund re-labelled as a chargeback', () => {
  cases([
    {
      name: 'the partly refunded victim (10.00 of 49.00 back, still Enterprise): the same refund sent as PAYMENT.CAPTURE.REVERSED ends nothing',
      make: (w) => partialRefunded(w).type('PAYMENT.CAPTURE.REVERSED'),
      outcomes: HARMLESS,
    },
    {
      name: 'the refunded victim: a merchant refund sent as PAYMENT.CAPTURE.REVERSED writes no chargeback into the license\'s history',
      make: (w) => captureRefunded(w).type('PAYMENT.CAPTURE.REVERSED'),
      outcomes: HARMLESS,
    },
  ]);
});

/** PayPal's documented PAYMENT.SALE.REVERSED resource: the sale itself, with a `self` link to the refund. */
function documentedSaleReversal(w: World, saleId: string, refundId: string): Record<string, unknown> {
  return {
    id: saleId,
    state: 'completed',
    amount: { total: '-9.00', currency: 'USD' },
    reason_code: 'CHARGEBACK',
    create_time: new Date(w.h.clock.now()).toISOString(),
    links: [
      { href: urls(w.h).saleRefund(refundId), rel: 'self', method: 'GET' },
      { href: `${w.h.sandbox.baseUrl}/v1/payments/payment/PAY-${randomId(24)}`, rel: 'parent_payment', method: 'GET' },
    ],
  };
}

for (const type of ['PAYMENT.SALE.REFUNDED', 'PAYMENT.SALE.REVERSED']) {
  describe(`${type} that lies`, () => {
    cases([
      {
        name: 'the refunded subscriber\'s refund re-pointed at the monthly victim\'s renewal sale (sale_id, up link)',
        make: (w) => saleRefunded(w).type(type).set(['sale_id'], w.monthly.saleIds[1]).link('up', urls(w.h).sale(w.monthly.saleIds[1]!)),
        outcomes: REFUSED,
      },
      {
        name: 'a refund PayPal never made, of the monthly victim\'s renewal sale',
        make: (w) => {
          const refundId = randomId();
          return saleRefunded(w).type(type).set(['id'], refundId).link('self', urls(w.h).saleRefund(refundId))
            .set(['sale_id'], w.monthly.saleIds[1]).link('up', urls(w.h).sale(w.monthly.saleIds[1]!));
        },
        outcomes: REFUSED,
      },
      {
        name: 'a refund PayPal never made, of the attacker\'s own sale',
        make: (w) => {
          const refundId = randomId();
          return saleRefunded(w).type(type).set(['id'], refundId).link('self', urls(w.h).saleRefund(refundId))
            .set(['sale_id'], w.attacker.saleIds[0]).link('up', urls(w.h).sale(w.attacker.saleIds[0]!));
        },
        outcomes: REFUSED,
      },
      {
        name: 'PayPal\'s documented reversal shape mixing two customers: the monthly victim\'s sale, the other subscriber\'s refund',
        make: (w) => saleRefunded(w).type(type).replaceResource(documentedSaleReversal(w, w.monthly.saleIds[1]!, w.saleRefunded.refundId)),
        outcomes: REFUSED,
      },
      {
        name: 'PayPal\'s documented reversal shape: the monthly victim\'s sale and a refund PayPal never made',
        make: (w) => saleRefunded(w).type(type).replaceResource(documentedSaleReversal(w, w.monthly.saleIds[1]!, randomId())),
        outcomes: REFUSED,
      },
      {
        name: 'PayPal\'s documented reversal shape: the attacker\'s own sale and the other subscriber\'s refund',
        make: (w) => saleRefunded(w).type(type).replaceResource(documentedSaleReversal(w, w.attacker.saleIds[0]!, w.saleRefunded.refundId)),
        outcomes: REFUSED,
      },
    ]);
  });
}

describe('PAYMENT.SALE.REVERSED claiming a chargeback PayPal never made', () => {
  cases([
    {
      name: 'the simulator\'s shape (the refund, nothing naming the sale) for a merchant refund',
      make: (w) => saleRefunded(w).type('PAYMENT.SALE.REVERSED').unset('sale_id').link('up', null).link('self', null),
      outcomes: REFUSED,
    },
    {
      name: 'the documented shape for the refunded sale and its merchant refund',
      make: (w) => saleRefunded(w).type('PAYMENT.SALE.REVERSED').replaceResource(documentedSaleReversal(w, w.saleRefunded.saleIds[0]!, w.saleRefunded.refundId)),
      outcomes: REFUSED,
    },
  ]);
});

const SUBSCRIPTION_TYPES = [
  'BILLING.SUBSCRIPTION.ACTIVATED', 'BILLING.SUBSCRIPTION.RE-ACTIVATED', 'BILLING.SUBSCRIPTION.SUSPENDED',
  'BILLING.SUBSCRIPTION.CANCELLED', 'BILLING.SUBSCRIPTION.EXPIRED', 'BILLING.SUBSCRIPTION.PAYMENT.FAILED',
];

for (const type of SUBSCRIPTION_TYPES) {
  describe(`${type} that lies`, () => {
    cases([
      {
        name: 'the attacker\'s one paid subscription with the custom_id of his unpaid lifetime checkout',
        make: (w) => attackerActivated(w).type(type).set(['custom_id'], w.unpaid.lifetime.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'the attacker\'s one paid subscription with the custom_id and plan of his unpaid annual checkout',
        make: (w) => attackerActivated(w).type(type).set(['custom_id'], w.unpaid.annual.checkoutId).set(['plan_id'], w.planIds.annual),
        outcomes: REFUSED,
      },
      {
        name: 'the attacker\'s one paid subscription with the custom_id of his unpaid monthly checkout',
        make: (w) => attackerActivated(w).type(type).set(['custom_id'], w.unpaid.monthly.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'the attacker\'s paid subscription with the monthly victim\'s custom_id',
        make: (w) => attackerActivated(w).type(type).set(['custom_id'], w.monthly.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'the monthly victim\'s subscription with the attacker\'s custom_id',
        make: (w) => victimActivated(w).type(type).set(['custom_id'], w.attacker.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'the monthly victim\'s subscription with the custom_id of the attacker\'s unpaid monthly checkout',
        make: (w) => victimActivated(w).type(type).set(['custom_id'], w.unpaid.monthly.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'the attacker\'s unapproved monthly subscription said to be ACTIVE, with its own custom_id',
        make: (w) => attackerActivated(w).type(type).set(['id'], w.unpaid.monthly.subscriptionId).set(['custom_id'], w.unpaid.monthly.checkoutId),
        outcomes: REFUSED,
      },
      {
        name: 'the attacker\'s unapproved annual subscription with the custom_id of his paid checkout',
        make: (w) => attackerActivated(w).type(type).set(['id'], w.unpaid.annual.subscriptionId).set(['custom_id'], w.attacker.checkoutId)
          .set(['plan_id'], w.planIds.annual),
        outcomes: REFUSED,
      },
      ...(type.endsWith('ACTIVATED') ? [] : [{
        name: 'the monthly victim\'s own subscription (still ACTIVE at PayPal) said to be in this state',
        make: (w: World) => victimActivated(w).type(type).edit((l) => {
          if (type.endsWith('SUSPENDED')) l.set(['status'], 'SUSPENDED');
          if (type.endsWith('CANCELLED')) l.set(['status'], 'CANCELLED');
          if (type.endsWith('EXPIRED')) l.set(['status'], 'EXPIRED');
          if (type.endsWith('FAILED')) l.set(['billing_info', 'failed_payments_count'], 1);
        }),
        outcomes: REFUSED,
      }]),
    ]);
  });
}

describe('PAYMENT.SALE.COMPLETED that lies', () => {
  cases([
    {
      name: 'the monthly victim\'s renewal sale claimed for the attacker\'s subscription (billing_agreement_id, custom)',
      make: (w) => renewalSale(w).set(['billing_agreement_id'], w.attacker.subscriptionId).set(['custom'], w.attacker.checkoutId),
      outcomes: REFUSED,
    },
    {
      name: 'the attacker\'s one paid sale claimed for his unapproved monthly subscription',
      make: (w) => renewalSale(w).set(['id'], w.attacker.saleIds[0]).set(['billing_agreement_id'], w.unpaid.monthly.subscriptionId)
        .set(['custom'], w.unpaid.monthly.checkoutId),
      outcomes: REFUSED,
    },
    {
      name: 'the attacker\'s one paid sale claimed for his unapproved annual subscription, amount 90.00',
      make: (w) => renewalSale(w).set(['id'], w.attacker.saleIds[0]).set(['billing_agreement_id'], w.unpaid.annual.subscriptionId)
        .set(['custom'], w.unpaid.annual.checkoutId).set(['amount', 'total'], '90.00'),
      outcomes: REFUSED,
    },
    {
      name: 'the refunded subscriber\'s sale claimed for the attacker\'s subscription',
      make: (w) => renewalSale(w).set(['id'], w.saleRefunded.saleIds[0]).set(['billing_agreement_id'], w.attacker.subscriptionId),
      outcomes: REFUSED,
    },
    {
      name: 'a sale PayPal never made, for the attacker\'s unapproved monthly subscription',
      make: (w) => renewalSale(w).set(['id'], randomId()).set(['billing_agreement_id'], w.unpaid.monthly.subscriptionId)
        .set(['custom'], w.unpaid.monthly.checkoutId),
      outcomes: REFUSED,
    },
    {
      name: 'the monthly victim\'s sale re-told as 0.01 EUR: PayPal\'s amount stands',
      make: (w) => renewalSale(w).set(['amount'], { total: '0.01', currency: 'EUR' }),
      outcomes: HARMLESS,
    },
  ]);
});

const disputeOn = (l: Lie, ...transactionIds: string[]): Lie => {
  const template = (l.resource.disputed_transactions as Record<string, unknown>[])[0]!;
  return l.set(['disputed_transactions'], transactionIds.map((id) => ({ ...template, seller_transaction_id: id })));
};
const resolvedForBuyer = (l: Lie): Lie =>
  l.type('CUSTOMER.DISPUTE.RESOLVED').set(['status'], 'RESOLVED').set(['dispute_outcome'], { outcome_code: 'RESOLVED_BUYER_FAVOUR' });

describe('CUSTOMER.DISPUTE.CREATED that lies', () => {
  cases([
    {
      name: 'the disputed victim\'s dispute re-pointed at the paid victim\'s capture',
      make: (w) => disputeOn(disputeCreated(w), w.lifetime.captureId!),
      outcomes: REFUSED,
    },
    {
      name: 'the disputed victim\'s dispute said to cover the paid victim\'s capture too',
      make: (w) => disputeOn(disputeCreated(w), w.disputed.captureId!, w.lifetime.captureId!),
      outcomes: REFUSED,
    },
    {
      name: 'a dispute PayPal never opened, on the paid victim\'s capture',
      make: (w) => disputeOn(disputeCreated(w), w.lifetime.captureId!).set(['dispute_id'], `PP-D-${randomInt5()}`),
      outcomes: REFUSED,
    },
    {
      name: 'a dispute PayPal never opened, on the monthly victim\'s renewal sale',
      make: (w) => disputeOn(disputeCreated(w), w.monthly.saleIds[1]!).set(['dispute_id'], `PP-D-${randomInt5()}`),
      outcomes: REFUSED,
    },
    {
      name: 'the disputed victim\'s dispute re-pointed at the attacker\'s own sale',
      make: (w) => disputeOn(disputeCreated(w), w.attacker.saleIds[0]!),
      outcomes: REFUSED,
    },
  ]);
});

describe('CUSTOMER.DISPUTE.RESOLVED that lies', () => {
  cases([
    {
      name: 'the disputed victim\'s open dispute said resolved for the buyer',
      make: (w) => resolvedForBuyer(disputeCreated(w)),
      outcomes: REFUSED,
    },
    {
      name: 'the disputed victim\'s open dispute said resolved for the buyer, on the monthly victim\'s sale',
      make: (w) => disputeOn(resolvedForBuyer(disputeCreated(w)), w.monthly.saleIds[1]!),
      outcomes: REFUSED,
    },
    {
      name: 'a dispute PayPal never opened, resolved for the buyer, on the disputed victim\'s capture',
      make: (w) => resolvedForBuyer(disputeCreated(w)).set(['dispute_id'], `PP-D-${randomInt5()}`),
      outcomes: REFUSED,
    },
    {
      name: 'a dispute PayPal never opened, resolved for the buyer, on the paid victim\'s capture',
      make: (w) => disputeOn(resolvedForBuyer(disputeCreated(w)), w.lifetime.captureId!).set(['dispute_id'], `PP-D-${randomInt5()}`),
      outcomes: REFUSED,
    },
  ]);
});

function randomInt5(): string {
  return String(10_000 + Math.floor(Math.random() * 89_999));
}

describe('the issue\'s attacks, delivered the way PayPal delivers', () => {
  it('one $9 subscription completes none of the attacker\'s unpaid checkouts (lifetime, annual, monthly)', async () => {
    const before = await snapshot(w);
    const told = [w.unpaid.lifetime, w.unpaid.annual, w.unpaid.monthly].map((u) =>
      h.sandbox.control.deliverEvent(attackerActivated(w).set(['custom_id'], u.checkoutId).toString(), { webhookIds: [h.server.webhookId] }));
    await h.sandbox.control.settle(15_000);
    for (const event of told) {
      const recorded = h.sandbox.control.listEvents().find((e) => e.id === event.id)!;
      // One transmission, answered 200: PayPal does not retry it.
      expect(recorded.transmissions.map((t) => t.statusCode)).toEqual([200]);
      expect(await notConfirmedAudits(h, event.id)).toHaveLength(1);
    }
    expect(await snapshot(w)).toEqual(before);
    const rows = await h.server.store.db.selectFrom('checkouts').select(['id', 'status', 'licenseId'])
      .where('id', 'in', Object.values(w.unpaid).map((u) => u.checkoutId)).execute();
    expect(rows.map((r) => [r.status, r.licenseId])).toEqual([['pending', null], ['pending', null], ['pending', null]]);
    const licensed = await h.server.store.db.selectFrom('licenses').select('anchor')
      .where('anchor', 'in', Object.values(w.unpaid).map((u) => u.anchor)).execute();
    expect(licensed).toEqual([]);
  });

  it('a victim\'s subscription claimed for the attacker\'s checkout is not re-pointed: renewals extend the victim only, the attacker\'s cancel ends only his own', async () => {
    const subscription = w.monthly.subscriptionId!;
    const link = async () => h.server.store.db.selectFrom('providerRefs').selectAll().where('ref', '=', subscription).execute();
    const linkBefore = await link();
    expect(linkBefore).toEqual([expect.objectContaining({ checkoutId: w.monthly.checkoutId, licenseId: w.monthly.licenseId })]);

    const lies = [
      victimActivated(w).set(['custom_id'], w.attacker.checkoutId),
      victimActivated(w).type('BILLING.SUBSCRIPTION.RE-ACTIVATED').set(['custom_id'], w.attacker.checkoutId),
      renewalSale(w).set(['custom'], w.attacker.checkoutId),
      renewalSale(w).set(['id'], w.attacker.saleIds[0]).set(['custom'], w.monthly.checkoutId),
    ];
    const before = await snapshot(w);
    for (const l of lies) h.sandbox.control.deliverEvent(l.toString(), { webhookIds: [h.server.webhookId] });
    await h.sandbox.control.settle(15_000);
    for (const l of lies) {
      expect(h.sandbox.control.listEvents().find((e) => e.id === l.eventId)!.transmissions.map((t) => t.statusCode)).toEqual([200]);
    }
    expect(await snapshot(w)).toEqual(before);
    expect(await link()).toEqual(linkBefore);

    // PayPal bills the victim's next cycle: only the victim's license moves.
    const victimBefore = (await refresh(h, w.monthly.anchor, w.monthly.token)).body;
    const attackerBefore = (await refresh(h, w.attacker.anchor, w.attacker.token)).body;
    const renewal = String(h.sandbox.control.renewSubscription(subscription).sale.id);
    await h.sandbox.control.settle(15_000);
    const victimAfter = (await refresh(h, w.monthly.anchor, w.monthly.token)).body;
    const attackerAfter = (await refresh(h, w.attacker.anchor, w.attacker.token)).body;
    expect(victimAfter.license).toMatchObject({ id: w.monthly.licenseId, status: 'active', transactionId: renewal });
    expect(Date.parse(victimAfter.license!.paidThrough!)).toBeGreaterThan(Date.parse(victimBefore.license!.paidThrough!));
    expect(attackerAfter.license).toEqual(attackerBefore.license);
    const renewalRef = await h.server.store.db.selectFrom('providerRefs').selectAll().where('ref', '=', renewal).execute();
    expect(renewalRef).toEqual([expect.objectContaining({ licenseId: w.monthly.licenseId })]);

    // The attacker's in-app "Cancel subscription" cancels his own subscription at PayPal, never the victim's.
    const cancelled = await h.api<CancelSubscriptionResponse>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor: w.attacker.anchor, token: w.attacker.token } });
    expect(cancelled.status).toBe(200);
    await h.sandbox.control.settle(15_000);
    const api = paypalApi(h);
    expect((await api.getSubscription(subscription)).status).toBe('ACTIVE');
    expect((await api.getSubscription(w.attacker.subscriptionId!)).status).toBe('CANCELLED');
    expect((await refresh(h, w.monthly.anchor, w.monthly.token)).body.license).toMatchObject({ id: w.monthly.licenseId, status: 'active' });
    // Nor with the victim's machine code: his entitlement is bound to his own machine.
    const crossed = await h.api<{ error: { code: string } }>('POST', '/v1/entitlements/cancel-subscription', { body: { anchor: w.monthly.anchor, token: w.attacker.token } });
    expect(crossed.status).toBe(403);
    expect((await api.getSubscription(subscription)).status).toBe('ACTIVE');
  });
});

