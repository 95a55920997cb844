// Checkouts from creation to a license: start at the provider, the roads that settle it (the app's return,
// the return page, the webhooks), long-polling, cancel and expiry. Every road ends in applyToCheckout.
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import type { Clock } from '../../common/clock';
import type { Plan } from '../../common/plans';
import { isAnchor } from '../../common/anchor';
import { ApiError } from '../http/api-error';
import { hashSecret, newId, newSecret } from '../ids';
import { applyToCheckout, type ApplyInput } from '../licenses/apply';
import { entitlementFor, licenseView, type GrantPolicy } from '../licenses/view';
import type { Metrics } from '../observability/metrics';
import { buyerFacing } from '../http/provider-errors';
import { isProviderError } from '../providers/errors';
import type { PaymentProvider } from '../providers/port';
import type { ProviderRegistry } from '../providers/registry';
import * as checkouts from '../store/checkouts';
import type { CheckoutRecord } from '../store/checkouts';
import type { Store } from '../store/database';
import * as inbox from '../store/inbox';
import type { InboxEntry } from '../store/inbox';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import { getWithLicense } from '../store/checkout-with-license';
import * as providerRefs from '../store/provider-refs';
import { RefConflictError } from '../store/provider-refs';
import * as audit from '../store/audit';
import { isLifetime, purchaseVerdict } from '../licenses/purchase-rules';
import { verifyPresentedEntitlement } from '../entitlements';
import { providersFor } from './offers';
import type { CheckoutWaiters } from './waiters';

type PollRead = { checkout: CheckoutRecord; license: LicenseRecord | undefined };

export interface CheckoutDeps {
  store: Store;
  clock: Clock;
  providers: ProviderRegistry;
  waiters: CheckoutWaiters;
  plans: readonly Plan[];
  /** Where buyers' browsers reach this server (return/cancel pages). */
  publicUrl: () => string;
  brandName: string;
  checkoutTtlMs: number;
  /** Pending or approved checkouts one anchor may hold at once. */
  openPerAnchor: number;
  grant: GrantPolicy;
  metrics: Metrics;
  log: Logger;
  /** How often a long-poll re-reads the store without being woken: the fallback should a wake-up be missed
   *  (read at each park: short while PostgreSQL's change notifications are down, long while they flow). */
  recheckMs: () => number;
}

const OPEN = new Set<CheckoutRecord['status']>(['pending', 'approved']);

const declined = (provider: string) => `${provider} declined the payment, so nothing was charged. Try again with another card or payment method in ${provider}.`;

export interface CreateCheckoutInput {
  anchor: unknown;
  plan: unknown;
  entitlement?: unknown;
  /** One of the plan's providers; default: the first. */
  provider?: unknown;
  /** For a provider that requires it: handed to the provider, never stored or logged. */
  email?: unknown;
}

export class CheckoutService {
  private afterLifetimePayment: ((anchor: string) => Promise<unknown>) | undefined;

  constructor(private readonly deps: CheckoutDeps) {}

  /** Called after a lifetime payment is recorded for an anchor (it may replace a subscription there). Failures
   *  are logged, never the buyer's problem: reconciliation runs the same rule again. */
  onLifetimePayment(listener: (anchor: string) => Promise<unknown>): void {
    this.afterLifetimePayment = listener;
  }

  async create(input: CreateCheckoutInput): Promise<CreateCheckoutResponse> {
    const { anchor, entitlement } = input;
    if (!isAnchor(anchor)) throw new ApiError(400, 'invalid_anchor', 'anchor must be the base64url form of 32 bytes (43 characters).');
    const plan = this.deps.plans.find((p) => p.id === input.plan);
    if (!plan) throw new ApiError(400, 'unknown_plan', `Unknown plan; GET /v1/plans lists the plans on offer.`);
    const provider = this.chooseProvider(plan, input.provider);
    const email = typeof input.email === 'string' && input.email.length > 0 ? input.email : undefined;
    if (provider.requiresEmail && email === undefined) {
      throw new ApiError(400, 'email_required', `${provider.displayName} needs the buyer's e-mail address to start the payment; it is passed to ${provider.displayName} and not kept here.`);
    }
    const { clock, store } = this.deps;
    const now = clock.now();
    if ((await checkouts.countOpenForAnchor(store.db, anchor, now)) >= this.deps.openPerAnchor) {
      this.deps.metrics.inc('hardbound_checkouts_refused_total', { reason: 'too_many_open' });
      throw new ApiError(429, 'too_many_open_checkouts', `This machine has ${this.deps.openPerAnchor} checkouts waiting for payment; finish or cancel one, or wait until one expires.`);
    }
    const verdict = purchaseVerdict(await licenses.listByAnchor(store.db, anchor), plan.billing.kind, now, this.deps.grant);
    if (!verdict.ok) throw new ApiError(409, verdict.code, verdict.message);
    // Only the machine's own app (its entitlement, not just its machine code) may have a purchase cancel its
    // subscription: anyone who knows a machine code could otherwise end someone's subscription with a lifetime
    // purchase they then have refunded.
    const replaces = verdict.replaces && (await this.ownApp(anchor, entitlement)) ? verdict.replaces : null;
    const id = newId('chk');
    const pollToken = newSecret('hbp');
    const record = {
      id,
      anchor,
      planId: plan.id,
      kind: plan.billing.kind,
      provider: provider.name,
      amount: plan.price,
      currency: plan.currency,
      pollTokenHash: hashSecret(pollToken),
      createdAt: now,
      expiresAt: now + this.deps.checkoutTtlMs,
      replacesSubscriptionId: replaces?.subscriptionId ?? null,
    } as const;
    const base = this.deps.publicUrl();
    const started = await this.providerCall(provider, () =>
      provider.start({
        checkout: { id, kind: record.kind, amount: record.amount, currency: record.currency, planId: plan.id },
        description: plan.name,
        brandName: this.deps.brandName,
        returnUrl: `${base}/checkout/return?checkout=${id}`,
        cancelUrl: `${base}/checkout/cancel?checkout=${id}`,
        // Passed through to the provider only: the record above has no place for it.
        ...(provider.requiresEmail && email !== undefined ? { email } : {}),
      }),
    );
    await store.transaction(async (trx) => {
      await checkouts.insert(trx, {
        ...record,
        providerOrderId: 'providerOrderId' in started ? started.providerOrderId : null,
        providerSubscriptionId: 'providerSubscriptionId' in started ? started.providerSubscriptionId : null,
      });
      const ref = 'providerOrderId' in started
        ? { ref: started.providerOrderId, kind: 'order' as const }
        : { ref: started.providerSubscriptionId, kind: 'subscription' as const };
      await providerRefs.bindOrThrow(trx, { provider: record.provider, ...ref, checkoutId: id });
    });
    this.deps.metrics.inc('hardbound_checkouts_created_total', { plan: plan.id, provider: provider.name });
    return {
      checkoutId: id, provider: provider.name, approveUrl: started.approveUrl, pollToken, expiresAt: new Date(record.expiresAt).toISOString(),
      ...(replaces ? { replaces: { subscriptionId: replaces.subscriptionId, planId: replaces.planId } } : {}),
    };
  }

  /** The provider asked for, if it sells the plan here; else the plan's first. */
  private chooseProvider(plan: Plan, asked: unknown): PaymentProvider {
    const offered = providersFor(plan, this.deps.providers);
    if (asked === undefined) {
      const first = offered[0];
      if (!first) throw new ApiError(409, 'provider_not_offered', 'No payment provider sells this plan on this server right now; try another plan or contact support.');
      return first;
    }
    const chosen = offered.find((p) => p.name === asked);
    if (chosen) return chosen;
    const names = offered.map((p) => p.name).join(', ') || 'none';
    if (typeof asked === 'string' && this.deps.providers.find(asked)) {
      throw new ApiError(409, 'provider_not_offered', `This plan is not sold through ${this.deps.providers.get(asked).displayName}; GET /v1/plans lists its providers (${names}).`);
    }
    throw new ApiError(400, 'unknown_provider', `Unknown payment provider; this plan is sold through: ${names}.`);
  }

  /** Whether `entitlement` is a token this server issued for `anchor`: the machine's own app is asking. */
  private async ownApp(anchor: string, entitlement: unknown): Promise<boolean> {
    if (typeof entitlement !== 'string' || entitlement.length === 0) return false;
    const verdict = await verifyPresentedEntitlement(this.deps.grant.authority, { anchor, token: entitlement }, { now: this.deps.clock.now() });
    return verdict.ok;
  }

  /** GET /v1/checkouts/:id?wait=N — answers at once if settled, else when it changes or the wait runs out. */
  async poll(id: string, pollToken: string | undefined, waitSeconds: number): Promise<CheckoutView> {
    const deadline = this.deps.clock.now() + waitSeconds * 1000;
    let authorized = false;
    for (;;) {
      const remaining = deadline - this.deps.clock.now();
      // Parked before the read, so one read per round suffices: a change committed before it is seen by it, one
      // committed after it wakes the poll, and the read that finds the payment is the one that answers
      // (checkout and license in one statement).
      const parked = remaining > 0 && !this.deps.waiters.closed ? this.deps.waiters.park(id, this.sleepMs(remaining)) : undefined;
      let read: PollRead;
      try {
        read = await this.readForPoll(id);
        if (!authorized) this.authorize(read.checkout, pollToken);
        authorized = true;
        if (this.expiryDue(read.checkout)) read = await this.expire(read.checkout);
      } catch (error) {
        parked?.cancel();
        throw error;
      }
      if (!parked || !OPEN.has(read.checkout.status)) {
        parked?.cancel();
        return this.view(read.checkout, read.license);
      }
      // The wait ran out with nothing announced: the last read stands (the app's next poll reads anew). Woken —
      // a change, or the server closing — it reads again, to answer with the checkout as it is now.
      if ((await parked.done) === 'timed-out' && this.deps.clock.now() >= deadline) return this.view(read.checkout, read.license);
    }
  }

  /** Until the next re-read of a parked poll: the wait's end when no fallback re-read falls due before it, else
   *  a little apart — polls that arrived together (say, every app reconnecting after a restart) would otherwise
   *  all re-read in one instant every recheckMs. */
  private sleepMs(remaining: number): number {
    const recheck = this.deps.recheckMs();
    return recheck >= remaining ? remaining : recheck * (0.8 + 0.2 * Math.random());
  }

  /** POST /v1/checkouts/:id/return — the app says the buyer came back; capture now rather than wait. */
  async returned(id: string, pollToken: string | undefined, orderToken: unknown): Promise<CheckoutView> {
    const checkout = await this.authorized(id, pollToken);
    if (orderToken !== undefined && (typeof orderToken !== 'string' || !this.providerOf(checkout).ownsReturnRef(checkout, orderToken))) {
      throw new ApiError(400, 'bad_request', 'token does not belong to this checkout.');
    }
    return this.view(await this.settle(checkout, 'server'));
  }

  /** GET /checkout/return — the buyer's browser arrives from the provider. No bearer: the provider's reference must match. */
  async returnPage(id: string, orderToken: string | undefined): Promise<CheckoutRecord> {
    const checkout = await this.find(id);
    if (!orderToken || !this.providerOf(checkout).ownsReturnRef(checkout, orderToken)) {
      throw new ApiError(400, 'bad_request', 'This return link does not belong to this checkout.');
    }
    return this.settle(checkout, 'server');
  }

  async cancel(id: string, pollToken: string | undefined): Promise<CheckoutView> {
    const checkout = await this.authorized(id, pollToken);
    return this.view(await this.markCancelled(checkout));
  }

  /** GET /checkout/cancel — the buyer pressed Cancel on the provider's page. */
  async cancelPage(id: string, orderToken: string | undefined): Promise<CheckoutRecord> {
    const checkout = await this.find(id);
    if (!orderToken || !this.providerOf(checkout).ownsReturnRef(checkout, orderToken)) {
      throw new ApiError(400, 'bad_request', 'This cancel link does not belong to this checkout.');
    }
    return this.markCancelled(checkout);
  }

  /** Captures (or reads the subscription) and applies what the provider reports. Used by every road. */
  async settle(checkout: CheckoutRecord, source: 'server' | 'provider', inboxEntry?: InboxEntry): Promise<CheckoutRecord> {
    if (checkout.status === 'completed' || checkout.status === 'failed') return checkout;
    const provider = this.providerOf(checkout);
    const outcome = await this.providerCall(provider, () => provider.settle(checkout, this.deps.clock.now()));
    if (outcome.kind === 'not-approved') return checkout;
    if (outcome.kind === 'mismatch') return this.mismatch(checkout, outcome.reason);
    try {
      return (await this.applyEvents(checkout.id, outcome.events, outcome.refs, source, inboxEntry)).checkout;
    } catch (error) {
      if (error instanceof RefConflictError) return this.mismatch(checkout, 'ref_conflict');
      throw error;
    }
  }

  /** The provider a checkout was started with (the registry is keyed by checkout.provider). */
  providerOf(checkout: Pick<CheckoutRecord, 'provider'>): PaymentProvider {
    return this.deps.providers.get(checkout.provider);
  }

  /** The provider reports something other than what the checkout asked for: nothing granted, counted, logged, audited. */
  private async mismatch(checkout: CheckoutRecord, reason: string): Promise<CheckoutRecord> {
    this.deps.metrics.inc('hardbound_checkout_mismatches_total', { reason });
    this.deps.log.warn({ checkoutId: checkout.id, reason }, 'provider answer does not match the checkout; nothing granted');
    await audit.append(this.deps.store.db, {
      at: this.deps.clock.now(), actor: 'server', action: 'payment-not-confirmed', target: checkout.licenseId ?? checkout.id, reason,
      detail: { checkoutId: checkout.id },
    });
    return checkout;
  }

  /**
   * One transaction: claim the webhook in the inbox (when one is given) and apply the events. A duplicate
   * delivery finds its event already claimed and changes nothing; 2xx is answered only after this commits.
   */
  async applyEvents(
    checkoutId: string,
    events: ApplyInput['events'],
    refs: ApplyInput['refs'],
    source: ApplyInput['source'],
    inboxEntry?: InboxEntry,
  ): Promise<{ checkout: CheckoutRecord; duplicate: boolean }> {
    const result = await this.applyAll([{ checkoutId, events, refs: refs ?? [] }], source, inboxEntry);
    return { checkout: result.results[0]?.checkout ?? (await this.find(checkoutId)), duplicate: result.duplicate };
  }

  /** applyEvents for several checkouts at once (a dispute over transactions of two licenses): one transaction,
   *  one inbox claim. */
  async applyAll(
    applications: readonly { checkoutId: string; events: ApplyInput['events']; refs: ApplyInput['refs'] }[],
    source: ApplyInput['source'],
    inboxEntry?: InboxEntry,
  ): Promise<{ results: { checkout: CheckoutRecord; changed: boolean }[]; duplicate: boolean }> {
    const { store, clock } = this.deps;
    const results = await store.groupCommit(async (trx) => {
      if (inboxEntry && (await inbox.record(trx, inboxEntry)) === 'duplicate') return null;
      const done: { changed: boolean; checkout: CheckoutRecord; grantsLifetime: boolean }[] = [];
      for (const { checkoutId, events, refs } of applications) {
        const current = await checkouts.get(trx, checkoutId, { forUpdate: true });
        if (!current) throw new ApiError(404, 'checkout_not_found', 'No such checkout.');
        const applied = await applyToCheckout(trx, store.dialect, { checkout: current, events, refs: refs ?? [], source, now: clock.now() });
        const grantsLifetime = current.kind === 'one_time' && applied.changed && isLifetime(applied.license, clock.now(), this.deps.grant);
        done.push({ changed: applied.changed, checkout: applied.checkout, grantsLifetime });
      }
      // Every process hears of the change once this commits (PostgreSQL NOTIFY), never if it rolls back.
      await store.announceCheckouts(trx, done.filter((d) => d.changed).map((d) => d.checkout.id));
      return done;
    });
    if (results === null) return { results: [], duplicate: true };
    for (const result of results) {
      if (result.changed) this.deps.waiters.notify(result.checkout.id);
      if (result.grantsLifetime && this.afterLifetimePayment) {
        this.afterLifetimePayment(result.checkout.anchor).catch((error: unknown) =>
          this.deps.log.warn({ checkoutId: result.checkout.id, err: (error as Error).message }, 'after-payment follow-up failed; reconciliation will retry'));
      }
    }
    return { results: results.map(({ checkout, changed }) => ({ checkout, changed })), duplicate: false };
  }

  /** `license`: the checkout's license when the caller has just read it with the checkout (else it is read here). */
  async view(checkout: CheckoutRecord, license?: LicenseRecord): Promise<CheckoutView> {
    switch (checkout.status) {
      case 'completed': {
        const current = license ?? (checkout.licenseId ? await licenses.get(this.deps.store.db, checkout.licenseId) : undefined);
        if (!current) return { status: 'approved' };
        const now = this.deps.clock.now();
        return {
          status: 'completed',
          license: licenseView(current, now, this.deps.grant),
          entitlement: await entitlementFor(checkout.anchor, current, now, this.deps.grant),
        };
      }
      case 'failed':
        // The recorded reason is the provider's code (DECLINED, INSTRUMENT_DECLINED …): the buyer reads a sentence.
        return { status: 'failed', reason: declined(this.deps.providers.find(checkout.provider)?.displayName ?? 'The payment provider') };
      default:
        return { status: checkout.status };
    }
  }

  private async markCancelled(checkout: CheckoutRecord): Promise<CheckoutRecord> {
    await this.changeStatus(checkout.id, 'cancelled');
    return this.get(checkout.id);
  }

  private expiryDue(checkout: CheckoutRecord): boolean {
    return OPEN.has(checkout.status) && this.deps.clock.now() >= checkout.expiresAt;
  }

  private async expire(checkout: CheckoutRecord): Promise<PollRead> {
    await this.changeStatus(checkout.id, 'expired');
    return this.readForPoll(checkout.id);
  }

  /** An open checkout ends unpaid; whoever waits for it, in any process, hears of it. */
  private async changeStatus(id: string, to: 'cancelled' | 'expired'): Promise<void> {
    const { store, clock } = this.deps;
    const changed = await store.transaction(async (trx) => {
      const done = await checkouts.updateStatus(trx, id, { from: ['pending', 'approved'], to, at: clock.now() });
      if (done) await store.announceCheckouts(trx, [id]);
      return done;
    });
    if (changed) this.deps.waiters.notify(id);
  }

  /** The checkout-expiry job: open checkouts past their window become expired, at most `limit` per call, in one
   *  transaction (all of them or, should the process die, none). Returns how many. */
  async expireDue(limit: number): Promise<number> {
    const { store, clock } = this.deps;
    const expired = await store.transaction(async (trx) => {
      const ids = await checkouts.expireDue(trx, clock.now(), limit);
      await store.announceCheckouts(trx, ids);
      return ids;
    });
    for (const id of expired) this.deps.waiters.notify(id);
    return expired.length;
  }

  async find(id: string): Promise<CheckoutRecord> {
    const checkout = await checkouts.get(this.deps.store.db, id);
    if (!checkout) throw new ApiError(404, 'checkout_not_found', 'No such checkout.');
    return checkout;
  }

  private get = (id: string) => this.find(id);

  private async authorized(id: string, pollToken: string | undefined): Promise<CheckoutRecord> {
    const checkout = await this.find(id);
    this.authorize(checkout, pollToken);
    return checkout;
  }

  private authorize(checkout: CheckoutRecord, pollToken: string | undefined): void {
    const given = Buffer.from(hashSecret(pollToken ?? ''));
    const expected = Buffer.from(checkout.pollTokenHash);
    if (!pollToken || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ApiError(401, 'unauthorized', 'This checkout needs the pollToken it was created with, as a bearer token.');
    }
  }

  private async readForPoll(id: string): Promise<PollRead> {
    const read = await getWithLicense(this.deps.store.db, id);
    if (!read) throw new ApiError(404, 'checkout_not_found', 'No such checkout.');
    return read;
  }

  private async providerCall<T>(provider: PaymentProvider, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (isProviderError(error)) {
        this.deps.metrics.inc('hardbound_provider_errors_total', { provider: provider.name, code: error.code });
        this.deps.log.warn({ provider: provider.name, code: error.code, detail: error.detail }, 'provider call failed');
        throw buyerFacing(error, provider.displayName);
      }
      throw error;
    }
  }
}
