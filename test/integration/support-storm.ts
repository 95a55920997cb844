// The crash test's storm: a script of billing operations per subscription (renewals, failed renewals, cancels,
// sale refunds) played on the sandbox's control API, and each subscription's expected license read back from
// the sandbox's own records afterwards.
import type { LicenseStatus } from '../../common/license';
import type { Sandbox } from '../../sandbox/index';

/** Seeded plans suspend at their third failed payment (sandbox default paymentFailureThreshold). */
const FAILURE_THRESHOLD = 3;

// The scripts keep to histories whose outcome does not depend on when the server asks PayPal for the truth: it
// GETs the subscription as it is when a delivery arrives, and every storm operation runs before the first
// delivery. So no renewal is followed by a failed payment that leaves the subscription active (the renewal
// would read the next_billing_time the failure moved on). Renewals followed by a cancel, or by failures up to
// the suspension, are played: PayPal then shows no next_billing_time, and the server takes the paid-through
// date from the plan's billing cycle. Renewals then a refund of the last or an earlier sale, failures below
// and at the threshold, and cancels standing alone are played too.
export type Script =
  | { kind: 'renew'; renewals: number }
  | { kind: 'refund-last'; renewals: number }
  | { kind: 'refund-earlier'; renewals: number }
  | { kind: 'past-due'; failures: number }
  | { kind: 'suspend'; renewals: number }
  | { kind: 'cancel'; renewals: number };

const ROUND_MS = 1_000;

type Op = 'renew' | 'fail' | 'cancel' | 'refund-last' | 'refund-earlier';

/** A subscription activated before the storm, its first sale and the next_billing_time that sale paid up to. */
export interface Subscribed {
  checkoutId: string;
  subscriptionId: string;
  firstSaleId: string;
  firstPaidThrough: string;
}

export interface PlannedSubscription extends Subscribed {
  script: Script;
  /** The storm round of this subscription's first operation; spreads short scripts across the storm. */
  startRound: number;
  ops: Op[];
}

/** Renewal counts cycle through 50..80, so the subscriptions' histories end at different rounds. */
function renewalsFor(i: number): number {
  return 50 + ((i * 7) % 31);
}

/** Deterministic by position: four in ten renew only, the rest refund, fail, suspend or cancel (half of the
 *  suspensions and cancels after renewals). */
function scriptFor(i: number): Script {
  switch (i % 10) {
    case 0: case 1: case 2: case 3: return { kind: 'renew', renewals: renewalsFor(i) };
    case 4: case 5: return { kind: 'refund-last', renewals: i % 3 === 0 ? 0 : renewalsFor(i) };
    case 6: return { kind: 'refund-earlier', renewals: renewalsFor(i) };
    case 7: return { kind: 'past-due', failures: 1 + (Math.floor(i / 10) % 2) };
    case 8: return { kind: 'suspend', renewals: i % 20 < 10 ? 0 : renewalsFor(i) };
    default: return { kind: 'cancel', renewals: i % 20 < 10 ? 0 : renewalsFor(i) };
  }
}

function opsOf(script: Script): Op[] {
  const renew = (n: number): Op[] => Array.from({ length: n }, () => 'renew');
  switch (script.kind) {
    case 'renew': return renew(script.renewals);
    case 'refund-last': return [...renew(script.renewals), 'refund-last'];
    case 'refund-earlier': return [...renew(script.renewals), 'refund-earlier'];
    case 'past-due': return Array.from({ length: script.failures }, () => 'fail');
    case 'suspend': return [...renew(script.renewals), ...Array.from({ length: FAILURE_THRESHOLD }, (): Op => 'fail')];
    case 'cancel': return [...renew(script.renewals), 'cancel'];
  }
}

export function planStorm(subscribed: readonly Subscribed[]): PlannedSubscription[] {
  const longest = Math.max(...subscribed.map((_, i) => opsOf(scriptFor(i)).length));
  return subscribed.map((s, i) => {
    const script = scriptFor(i);
    const ops = opsOf(script);
    return { ...s, script, ops, startRound: (i * 17) % (longest - ops.length + 1) };
  });
}

/** Webhook events the plan publishes: one per operation, plus SUSPENDED when the threshold is reached. */
export function plannedEventCount(plan: readonly PlannedSubscription[]): number {
  return plan.reduce((sum, p) => sum + p.ops.length + (p.script.kind === 'suspend' ? 1 : 0), 0);
}

/** What the storm did to one subscription: its sales in order and the next_billing_time each one paid up to. */
export interface StormRecord {
  sales: string[];
  paidThroughAfterSale: Map<string, string>;
}

/** The fields of PayPal's subscription JSON read here (a type alias, so the sandbox's Json converts to it). */
export type SubscriptionJson = {
  status: string;
  billing_info?: { next_billing_time?: string; failed_payments_count?: number };
};

/**
 * Plays every operation, round by round, synchronously: no delivery (and so no GET from the server) runs
 * before the last one. The sandbox clock moves a second per round, so one subscription's events never share a
 * create_time (PayPal's times are whole seconds, and the server orders a license's events by them).
 */
export function runStorm(sandbox: Sandbox, plan: readonly PlannedSubscription[]): Map<string, StormRecord> {
  const records = new Map<string, StormRecord>(plan.map((p) => [
    p.subscriptionId,
    { sales: [p.firstSaleId], paidThroughAfterSale: new Map([[p.firstSaleId, p.firstPaidThrough]]) },
  ]));
  const rounds = Math.max(...plan.map((p) => p.startRound + p.ops.length));
  const control = sandbox.control;
  for (let round = 0; round < rounds; round++) {
    sandbox.clock.advance(ROUND_MS);
    for (const p of plan) {
      const op = p.ops[round - p.startRound];
      if (op === undefined) continue;
      const record = records.get(p.subscriptionId)!;
      switch (op) {
        case 'renew': {
          const renewed = control.renewSubscription(p.subscriptionId);
          const saleId = renewed.sale.id as string;
          record.sales.push(saleId);
          record.paidThroughAfterSale.set(saleId, (renewed.subscription as SubscriptionJson).billing_info!.next_billing_time!);
          break;
        }
        case 'fail': control.failRenewal(p.subscriptionId); break;
        case 'cancel': control.cancelSubscription(p.subscriptionId); break;
        case 'refund-last': control.refundSale(record.sales.at(-1)!); break;
        case 'refund-earlier': control.refundSale(record.sales.at(-2)!); break;
      }
    }
  }
  return records;
}

export interface ExpectedLicense {
  status: LicenseStatus;
  transactionId: string;
  paidThrough: number;
}

/**
 * The license PayPal's records call for: the subscription's status, its latest sale (refunded or not) and the
 * next_billing_time that sale paid up to (PayPal stops showing it once a subscription is suspended or ended).
 */
export function expectedLicense(subscription: SubscriptionJson, lastSale: { id: string; state: string }, paidThrough: string): ExpectedLicense {
  return { status: statusOf(subscription, lastSale.state), transactionId: lastSale.id, paidThrough: Date.parse(paidThrough) };
}

function statusOf(subscription: SubscriptionJson, saleState: string): LicenseStatus {
  switch (subscription.status) {
    case 'CANCELLED': return 'canceled';
    case 'SUSPENDED': return 'suspended';
    case 'EXPIRED': return 'expired';
    case 'ACTIVE':
      if (saleState === 'refunded') return 'refunded';
      if (saleState === 'reversed') return 'reversed';
      return (subscription.billing_info?.failed_payments_count ?? 0) > 0 ? 'past_due' : 'active';
    default: throw new Error(`a subscription in the storm is ${subscription.status}`);
  }
}

/** The sandbox's PayPal REST API with a client-credentials token, as the server calls it. */
export class SandboxApi {
  private constructor(private readonly baseUrl: string, private readonly token: string) {}

  static async connect(sandbox: Sandbox): Promise<SandboxApi> {
    const { clientId, clientSecret } = sandbox.credentials;
    const res = await fetch(`${sandbox.baseUrl}/v1/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    if (res.status !== 200) throw new Error(`sandbox token: ${res.status}`);
    return new SandboxApi(sandbox.baseUrl, ((await res.json()) as { access_token: string }).access_token);
  }

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Registers a listener for every event type; returns its webhook id. */
  async registerWebhook(url: string): Promise<string> {
    return (await this.call<{ id: string }>('POST', '/v1/notifications/webhooks', { url, event_types: [{ name: '*' }] })).id;
  }
}
