// The world the adversarial money-truth suites attack, on the real server and sandbox: victims who paid (lifetime,
// a renewed monthly subscription, a refunded capture, a partly refunded capture, a refunded subscription sale, a
// disputed capture) and an attacker with one paid $9 subscription and unpaid checkouts on other machines. Lies are
// the sandbox's own genuine bodies edited (a fresh event id; the sandbox signs any body as PayPal would, which is
// what a CRC32 forgery achieves), and a snapshot holds everything a lie must not change: our tables (the inbox and
// the audit log may grow), what every customer's refresh answers, and what PayPal's API shows.
import { randomInt } from 'node:crypto';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import { createCheckout, newAnchor, payOnHostedPage, paypalApi, poll, refresh, type Harness } from './harness';
import { dumpTables, replay, signedDelivery, type TableDump } from './support-webhooks';

type Completed = Extract<CheckoutView, { status: 'completed' }>;
type Obj = Record<string, unknown>;

export interface Customer {
  label: string;
  anchor: string;
  checkoutId: string;
  licenseId: string;
  /** The entitlement the app holds: what it presents to refresh and cancel. */
  token: string;
  orderId: string | null;
  captureId: string | null;
  subscriptionId: string | null;
  /** The subscription's sales, oldest first. */
  saleIds: string[];
}

export interface Unpaid {
  label: string;
  anchor: string;
  checkoutId: string;
  orderId: string | null;
  subscriptionId: string | null;
}

export interface World {
  h: Harness;
  /** Paid lifetime. */
  lifetime: Customer;
  /** Monthly, renewed once: saleIds[1] is the renewal. */
  monthly: Customer;
  /** Lifetime, refunded in full. */
  refunded: Customer & { refundId: string };
  /** Lifetime, 10.00 of 49.00 refunded: still Enterprise. */
  partial: Customer & { refundId: string };
  /** Monthly whose only sale was refunded. */
  saleRefunded: Customer & { refundId: string };
  /** Lifetime whose capture is disputed (open). */
  disputed: Customer & { disputeId: string };
  /** The attacker's one paid $9 subscription, on machine A1. */
  attacker: Customer;
  /** The attacker's checkouts on other machines: created at PayPal, never approved. */
  unpaid: { lifetime: Unpaid; annual: Unpaid; monthly: Unpaid };
  /** PayPal plan ids (P-…) of our recurring plans. */
  planIds: { monthly: string; annual: string };
  /** Genuine bodies the sandbox delivered, to edit into lies. */
  genuine: {
    orderApproved: string;
    captureCompleted: string;
    captureRefunded: string;
    partialRefunded: string;
    attackerActivated: string;
    victimActivated: string;
    renewalSale: string;
    saleRefunded: string;
    disputeCreated: string;
  };
}

const SETTLE_MS = 15_000;

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const randomId = (length = 17): string => Array.from({ length }, () => UPPER_ALNUM[randomInt(UPPER_ALNUM.length)]).join('');
export const freshEventId = (): string => `WH-${randomId(17)}-${randomId(17)}`;

async function settle(h: Harness): Promise<void> {
  await h.sandbox.control.settle(SETTLE_MS);
}

/** Pays a checkout on the hosted page and waits until the server has applied every webhook it caused. */
export async function buy(h: Harness, label: string, plan: string, anchor = newAnchor()): Promise<Customer> {
  const checkout = await createCheckout(h, anchor, plan);
  await payOnHostedPage(checkout.approveUrl);
  const view = await poll(h, checkout, 20);
  if (view.status !== 'completed') throw new Error(`${label}: not completed: ${JSON.stringify(view)}`);
  await settle(h);
  const completed = view as Completed;
  const subscriptionId = completed.license.subscriptionId;
  return {
    label,
    anchor,
    checkoutId: checkout.checkoutId,
    licenseId: completed.license.id,
    token: completed.entitlement.token,
    orderId: subscriptionId ? null : orderIdOf(checkout),
    captureId: subscriptionId ? null : completed.license.transactionId,
    subscriptionId,
    saleIds: subscriptionId ? salesOf(h, subscriptionId) : [],
  };
}

function orderIdOf(checkout: CreateCheckoutResponse): string {
  const token = new URL(checkout.approveUrl).searchParams.get('token');
  if (!token) throw new Error('no order token in the approve URL');
  return token;
}

/** Sale ids of a subscription in the order the sandbox published them; read before any lie is told (lies are
 *  recorded among the sandbox's events too). */
export function salesOf(h: Harness, subscriptionId: string): string[] {
  return h.sandbox.control.listEvents()
    .filter((e) => e.eventType === 'PAYMENT.SALE.COMPLETED')
    .map((e) => (JSON.parse(e.body) as Obj).resource as Obj | null | undefined)
    .filter((r) => r?.billing_agreement_id === subscriptionId)
    .map((r) => String(r!.id));
}

async function unpaidCheckout(h: Harness, label: string, plan: string): Promise<Unpaid> {
  const anchor = newAnchor();
  const checkout = await createCheckout(h, anchor, plan);
  const row = await h.server.store.db.selectFrom('checkouts').select(['providerOrderId', 'providerSubscriptionId'])
    .where('id', '=', checkout.checkoutId).executeTakeFirstOrThrow();
  return { label, anchor, checkoutId: checkout.checkoutId, orderId: row.providerOrderId, subscriptionId: row.providerSubscriptionId };
}

/** The first genuine body of `type` the sandbox recorded whose text mentions every one of `ids`. */
export function genuineBody(h: Harness, type: string, ...ids: string[]): string {
  const event = h.sandbox.control.listEvents().find((e) => e.eventType === type && ids.every((id) => e.body.includes(id)));
  if (!event) throw new Error(`no genuine ${type} naming ${ids.join(', ')}`);
  return event.body;
}

export async function buildWorld(h: Harness): Promise<World> {
  const lifetime = await buy(h, 'victim: paid lifetime', 'enterprise-lifetime');

  const monthly = await buy(h, 'victim: monthly subscriber', 'enterprise-monthly');
  h.sandbox.control.renewSubscription(monthly.subscriptionId!);
  await settle(h);
  monthly.saleIds = salesOf(h, monthly.subscriptionId!);
  if (monthly.saleIds.length !== 2) throw new Error(`monthly: expected two sales, got ${monthly.saleIds.length}`);

  const refundedBuyer = await buy(h, 'victim: refunded lifetime', 'enterprise-lifetime');
  const refund = h.sandbox.control.refundCapture(refundedBuyer.captureId!) as { id: string };
  await settle(h);

  const partialBuyer = await buy(h, 'victim: partly refunded lifetime', 'enterprise-lifetime');
  const partialRefund = h.sandbox.control.refundCapture(partialBuyer.captureId!, '10.00') as { id: string };
  await settle(h);

  const saleBuyer = await buy(h, 'victim: refunded subscription sale', 'enterprise-monthly');
  if (saleBuyer.saleIds.length !== 1) throw new Error(`saleRefunded: expected one sale, got ${saleBuyer.saleIds.length}`);
  const saleRefund = h.sandbox.control.refundSale(saleBuyer.saleIds[0]!) as { id: string };
  await settle(h);

  const disputedBuyer = await buy(h, 'victim: disputed lifetime', 'enterprise-lifetime');
  const dispute = h.sandbox.control.openDispute(disputedBuyer.captureId!) as { dispute_id: string };
  await settle(h);

  const attacker = await buy(h, 'attacker: one paid $9 subscription (A1)', 'enterprise-monthly');
  const unpaid = {
    lifetime: await unpaidCheckout(h, 'attacker: unpaid lifetime (A2)', 'enterprise-lifetime'),
    annual: await unpaidCheckout(h, 'attacker: unpaid annual (A3)', 'enterprise-annual'),
    monthly: await unpaidCheckout(h, 'attacker: unpaid monthly (A4)', 'enterprise-monthly'),
  };
  await settle(h);

  const planOf = async (subscriptionId: string) => (await paypalApi(h).getSubscription(subscriptionId)).planId!;
  const world: World = {
    h,
    lifetime,
    monthly,
    refunded: { ...refundedBuyer, refundId: refund.id },
    partial: { ...partialBuyer, refundId: partialRefund.id },
    saleRefunded: { ...saleBuyer, refundId: saleRefund.id },
    disputed: { ...disputedBuyer, disputeId: dispute.dispute_id },
    attacker,
    unpaid,
    planIds: { monthly: await planOf(attacker.subscriptionId!), annual: await planOf(unpaid.annual.subscriptionId!) },
    genuine: {
      orderApproved: genuineBody(h, 'CHECKOUT.ORDER.APPROVED', lifetime.orderId!),
      captureCompleted: genuineBody(h, 'PAYMENT.CAPTURE.COMPLETED', lifetime.captureId!),
      captureRefunded: genuineBody(h, 'PAYMENT.CAPTURE.REFUNDED', refund.id),
      partialRefunded: genuineBody(h, 'PAYMENT.CAPTURE.REFUNDED', partialRefund.id),
      attackerActivated: genuineBody(h, 'BILLING.SUBSCRIPTION.ACTIVATED', attacker.subscriptionId!),
      victimActivated: genuineBody(h, 'BILLING.SUBSCRIPTION.ACTIVATED', monthly.subscriptionId!),
      renewalSale: genuineBody(h, 'PAYMENT.SALE.COMPLETED', monthly.saleIds[1]!),
      saleRefunded: genuineBody(h, 'PAYMENT.SALE.REFUNDED', saleRefund.id),
      disputeCreated: genuineBody(h, 'CUSTOMER.DISPUTE.CREATED', dispute.dispute_id),
    },
  };
  await expectWorldAsBuilt(world);
  return world;
}

/** The world is what the suites assume: otherwise a lie's "nothing changed" would prove little. */
async function expectWorldAsBuilt(w: World): Promise<void> {
  const expected: [Customer, string, 'enterprise' | 'free'][] = [
    [w.lifetime, 'active', 'enterprise'],
    [w.monthly, 'active', 'enterprise'],
    [w.refunded, 'refunded', 'free'],
    [w.partial, 'active', 'enterprise'],
    [w.saleRefunded, 'refunded', 'free'],
    [w.disputed, 'disputed', 'enterprise'],
    [w.attacker, 'active', 'enterprise'],
  ];
  for (const [customer, status, tier] of expected) {
    const r = await refresh(w.h, customer.anchor, customer.token);
    const seen = { status: r.body.license?.status, tier: r.body.entitlement?.claims.tier };
    if (r.status !== 200 || seen.status !== status || seen.tier !== tier) {
      throw new Error(`${customer.label}: expected ${status}/${tier}, refresh gave ${r.status} ${JSON.stringify(seen)}`);
    }
  }
  for (const u of Object.values(w.unpaid)) {
    const row = await w.h.server.store.db.selectFrom('checkouts').select(['status', 'licenseId']).where('id', '=', u.checkoutId).executeTakeFirstOrThrow();
    if (row.status !== 'pending' || row.licenseId !== null) throw new Error(`${u.label}: expected pending without a license, got ${JSON.stringify(row)}`);
  }
}

export function customers(w: World): Customer[] {
  return [w.lifetime, w.monthly, w.refunded, w.partial, w.saleRefunded, w.disputed, w.attacker];
}

// ---------------------------------------------------------------------------------------------------------------
// Snapshots: everything a lie must leave as it was.

export interface Snapshot {
  /** Every table but webhook_inbox and audit_log (a refused lie may add rows there). */
  tables: TableDump;
  /** What each paying customer's app is told at refresh. */
  access: Record<string, unknown>;
  /** What PayPal's API shows of every resource in the world. */
  paypal: Record<string, unknown>;
}

/** `extra`: customers a suite added to the world. */
export async function snapshot(w: World, extra: Customer[] = []): Promise<Snapshot> {
  const { webhook_inbox: _inbox, audit_log: _audit, job_runs: _runs, server_instances: _instances, ...tables } = dumpTables(w.h);
  const access: Record<string, unknown> = {};
  for (const c of [...customers(w), ...extra]) {
    const r = await refresh(w.h, c.anchor, c.token);
    const claims = r.body.entitlement?.claims;
    access[c.label] = {
      http: r.status,
      tier: claims?.tier,
      license: claims?.lic,
      status: claims?.status,
      paidThrough: claims?.ptd ?? null,
      txn: claims?.txn ?? null,
      accessEndsAt: r.body.license?.accessEndsAt ?? null,
    };
  }
  return { tables, access, paypal: await paypalState(w, extra) };
}

/** Statuses, captures, billing and sales as PayPal's API reports them now. */
export async function paypalState(w: World, extra: Customer[] = []): Promise<Record<string, unknown>> {
  const api = paypalApi(w.h);
  const state: Record<string, unknown> = {};
  const all = [...customers(w), ...extra];
  const orders = [...all.map((c) => c.orderId), w.unpaid.lifetime.orderId];
  const subscriptions = [...all.map((c) => c.subscriptionId), w.unpaid.annual.subscriptionId, w.unpaid.monthly.subscriptionId];
  for (const id of orders) {
    if (!id) continue;
    const order = await api.getOrder(id);
    state[`order ${id}`] = { status: order.status, captures: order.captures.map((c) => [c.id, c.status]) };
  }
  for (const c of all) {
    if (c.captureId) state[`capture ${c.captureId}`] = (await api.getCapture(c.captureId)).status;
    for (const sale of c.saleIds) state[`sale ${sale}`] = (await api.getSale(sale)).state;
  }
  for (const id of subscriptions) {
    if (!id) continue;
    const s = await api.getSubscription(id);
    state[`subscription ${id}`] = {
      status: s.status, customId: s.customId, planId: s.planId, next: s.nextBillingTime, cycles: s.cyclesCompleted,
      lastPayment: s.lastPayment, failed: s.failedPaymentsCount, updated: s.statusUpdateTime,
    };
  }
  const dispute = await api.getDispute(w.disputed.disputeId);
  state[`dispute ${dispute.id}`] = { status: dispute.status, outcome: dispute.outcome, transactions: dispute.transactionIds };
  return state;
}

// ---------------------------------------------------------------------------------------------------------------
// Lies: genuine bodies, edited.

/** A webhook body to edit: the genuine envelope with a fresh event id and the current create_time. */
export class Lie {
  readonly json: Obj;

  constructor(genuine: string, now: number) {
    this.json = JSON.parse(genuine) as Obj;
    this.json.id = freshEventId();
    this.json.create_time = new Date(now).toISOString();
    delete this.json.links;
  }

  get eventId(): string {
    return String(this.json.id);
  }

  get resource(): Obj {
    return resourceOf(this.json);
  }

  type(eventType: string): this {
    this.json.event_type = eventType;
    return this;
  }

  /** Sets a field of the resource, creating the objects on the way. */
  set(path: (string | number)[], value: unknown): this {
    let at: Obj = this.resource;
    for (const key of path.slice(0, -1)) {
      const next = (at as Record<string | number, unknown>)[key];
      if (next === null || typeof next !== 'object') (at as Record<string | number, unknown>)[key] = {};
      at = (at as Record<string | number, unknown>)[key] as Obj;
    }
    (at as Record<string | number, unknown>)[path[path.length - 1]!] = value;
    return this;
  }

  unset(key: string): this {
    delete this.resource[key];
    return this;
  }

  /** Replaces the resource altogether. */
  replaceResource(resource: Obj): this {
    this.json.resource = resource;
    return this;
  }

  /** Points the resource's link `rel` at `href` (added if missing), or drops it (href null). */
  link(rel: string, href: string | null): this {
    const links = (Array.isArray(this.resource.links) ? this.resource.links : []) as Obj[];
    const kept = links.filter((l) => l.rel !== rel);
    this.resource.links = href === null ? kept : [...kept, { href, rel, method: 'GET' }];
    return this;
  }

  /** Dates the event (its create_time). */
  createdAt(ms: number): this {
    this.json.create_time = new Date(ms).toISOString();
    return this;
  }

  edit(change: (lie: this) => void): this {
    change(this);
    return this;
  }

  toString(): string {
    return JSON.stringify(this.json);
  }
}

export function resourceOf(body: Obj): Obj {
  const resource = body.resource;
  if (resource === null || typeof resource !== 'object') throw new Error('body without a resource');
  return resource as Obj;
}

export interface Told {
  status: number;
  outcome: unknown;
  eventId: string;
}

/** Has the sandbox sign the body for the server's listener, then posts that transmission to the server. */
export async function tell(h: Harness, body: string): Promise<Told> {
  const delivery = await signedDelivery(h, body);
  const answer = await replay(h, delivery);
  const eventId = String((JSON.parse(body) as Obj).id);
  return { status: answer.status, outcome: (answer.json as { outcome?: unknown } | undefined)?.outcome, eventId };
}

/** Audit rows telling support that a signed claim was not borne out, for one event id. */
export async function notConfirmedAudits(h: Harness, eventId: string): Promise<{ reason: string | null; target: string }[]> {
  const rows = await h.server.store.db.selectFrom('auditLog').selectAll().where('action', '=', 'webhook-not-confirmed').execute();
  return rows.filter((r) => (r.detailJson ?? '').includes(eventId)).map((r) => ({ reason: r.reason, target: r.target }));
}

export const urls = (h: Harness) => ({
  capture: (id: string) => `${h.sandbox.baseUrl}/v2/payments/captures/${id}`,
  captureRefund: (id: string) => `${h.sandbox.baseUrl}/v2/payments/refunds/${id}`,
  order: (id: string) => `${h.sandbox.baseUrl}/v2/checkout/orders/${id}`,
  sale: (id: string) => `${h.sandbox.baseUrl}/v1/payments/sale/${id}`,
  saleRefund: (id: string) => `${h.sandbox.baseUrl}/v1/payments/refund/${id}`,
  subscription: (id: string) => `${h.sandbox.baseUrl}/v1/billing/subscriptions/${id}`,
});
