// Support: find licenses by any id a customer quotes, show a license page, and act — refund, cancel billing,
// revoke, restore, transfer, re-issue — keeping money (the provider) and access (the license) consistent. Every lookup
// and every action leaves exactly one audit row naming the token (and the person, when a tool acts for one).
import { randomBytes } from 'node:crypto';
import type {
  CancelAccess, SupportAction, SupportActionResponse, SupportLicense, SupportLicensePage, SupportLookupResponse, SupportRole,
} from '../../common/api';
import { isAnchor, shortAnchor } from '../../common/anchor';
import type { Clock } from '../../common/clock';
import { standingRevocations } from '../billing';
import type { CheckoutService } from '../checkouts/service';
import type { CheckoutWaiters } from '../checkouts/waiters';
import { ApiError } from '../http/api-error';
import { hashSecret, newId, newSecret } from '../ids';
import { entitlementFor, licenseView, type GrantPolicy } from '../licenses/view';
import { supportFacing } from '../http/provider-errors';
import type { PaymentProvider } from '../providers/port';
import type { ProviderRegistry } from '../providers/registry';
import * as audit from '../store/audit';
import * as checkouts from '../store/checkouts';
import type { Store } from '../store/database';
import * as licenseEvents from '../store/license-events';
import * as licenseTransfers from '../store/license-transfers';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import * as providerRefs from '../store/provider-refs';
import { idsLike } from '../store/support-search';
import * as supportTokens from '../store/support-tokens';
import { editDistance, kindOfStored, parseSupportId, type ParsedId } from './ids';
import { auditEntry, describeLicense, liveProviderState, targetsOf } from './license-page';
import { isBilling, offers, refusal, type RuleContext } from './rules';

export interface SupportDeps {
  store: Store;
  clock: Clock;
  grant: GrantPolicy;
  checkouts: Pick<CheckoutService, 'applyEvents'>;
  providers: ProviderRegistry;
  waiters: CheckoutWaiters;
  /** How long an action waits for the provider's webhook before answering (the license follows it either way). */
  waitMs: number;
  /** A license page's live read of the provider gives up after this. */
  liveReadMs?: number;
}

/** Who is asking: the token (its name is the audit actor) and, when a tool acts for a person, that person. */
export interface SupportCaller {
  tokenId: string;
  tokenName: string;
  role: SupportRole;
  /** The audit actor: the token's name, or "person (token name)". */
  actor: string;
}

export function callerFor(token: { id: string; name: string; role: SupportRole }, person?: string): SupportCaller {
  const named = person?.trim();
  return { tokenId: token.id, tokenName: token.name, role: token.role, actor: named && named !== token.name ? `${named} (token ${token.name})` : token.name };
}

const MAX_REASON = 500;
const SUGGESTIONS = 5;

const KIND_WORDS: Record<ParsedId['kind'], string> = {
  license: 'license id', checkout: 'checkout id', machine_code: 'machine code', short_machine_code: 'short machine code',
  subscription: 'subscription id', dispute: 'dispute id', paypal_id: 'PayPal transaction or order id', paystack_id: 'Paystack reference or id', not_an_id: 'something that is not an id',
};

export class SupportService {
  constructor(private readonly deps: SupportDeps) {}

  /** Creates a support token; the token is returned once and only its hash is kept. */
  createToken(name: string, role: SupportRole): Promise<string> {
    return createSupportToken(this.deps.store, this.deps.clock, name, role);
  }

  // ---- lookups -------------------------------------------------------------------------------------------

  async lookup(query: string, reason: string | undefined, caller: SupportCaller): Promise<SupportLookupResponse> {
    const parsed = parseSupportId(query);
    const db = this.deps.store.db;
    const found = parsed.kind === 'not_an_id' ? [] : await this.licensesFor(parsed);
    const suggestions = found.length === 0 && parsed.kind !== 'not_an_id' ? await this.nearMisses(parsed.id) : [];
    const now = this.deps.clock.now();
    const ids = found.map((l) => l.id);
    // Nothing of a query that is not one of our ids is kept: only that it was not one.
    await audit.append(db, {
      at: now, actor: caller.actor, action: 'lookup',
      target: ids.length === 1 ? ids[0]! : parsed.kind === 'not_an_id' ? 'lookup:not-an-id' : parsed.id,
      reason: this.optionalReason(reason) ?? `search by ${KIND_WORDS[parsed.kind]}`,
      detail: { kind: parsed.kind, ...(parsed.kind === 'not_an_id' ? {} : { id: parsed.id }), found: ids, token: caller.tokenName },
    });
    const described: SupportLicense[] = [];
    for (const license of found) described.push(await describeLicense(db, license, now, this.deps.grant));
    const targets = new Set<string>(parsed.kind === 'not_an_id' ? [] : [parsed.id]);
    for (const license of found) for (const t of await targetsOf(db, license)) targets.add(t);
    return { query: parsed.id, kind: parsed.kind, licenses: described, suggestions, audit: (await audit.listForTargets(db, [...targets])).map(auditEntry) };
  }

  async page(licenseId: string, reason: string | undefined, caller: SupportCaller): Promise<SupportLicensePage> {
    const license = await this.license(licenseId);
    const db = this.deps.store.db;
    const now = this.deps.clock.now();
    await audit.append(db, {
      at: now, actor: caller.actor, action: 'lookup', target: license.id,
      reason: this.optionalReason(reason) ?? 'open the license page', detail: { kind: 'license', id: license.id, found: [license.id], token: caller.tokenName },
    });
    const [described, live, revokedBy] = await Promise.all([
      describeLicense(db, license, now, this.deps.grant),
      liveProviderState(this.deps.providers.find(license.provider), license, this.deps.liveReadMs ?? 5_000),
      this.revokedBy(license),
    ]);
    const others = (await licenses.listByAnchor(db, license.anchor)).filter((l) => l.id !== license.id);
    const targets = [...(await targetsOf(db, license)), license.anchor];
    return {
      license: described,
      sameMachine: others.map((l) => {
        const view = licenseView(l, now, this.deps.grant);
        return { id: l.id, planId: l.planId, status: view.status, tier: view.tier };
      }),
      audit: (await audit.listForTargets(db, targets)).map(auditEntry),
      live,
      actions: offers(license, this.context(caller, revokedBy, license)),
    };
  }

  // ---- actions -------------------------------------------------------------------------------------------

  async act(action: SupportAction, licenseId: string, input: { reason: unknown; anchor?: unknown; accessUntil?: CancelAccess }, caller: SupportCaller): Promise<SupportActionResponse> {
    const license = await this.license(licenseId);
    const why = this.reason(input.reason);
    const revokedBy = await this.revokedBy(license);
    const refused = refusal(action, license, this.context(caller, revokedBy, license));
    if (refused) throw new ApiError(refused.status, refused.code, refused.message);
    switch (action) {
      case 'refund': return this.refund(license, why, caller);
      case 'cancel': return this.cancel(license, why, input.accessUntil ?? 'period_end', caller);
      case 'revoke': return this.revoke(license, why, caller);
      case 'restore': return this.restore(license, why, caller);
      case 'transfer': return this.transfer(license, input.anchor, why, caller);
      case 'reissue': return this.reissue(license, why, caller);
    }
  }

  private async refund(license: LicenseRecord, why: string, caller: SupportCaller): Promise<SupportActionResponse> {
    // The audit row is dated when support asked, before the provider's refund (and its notice) happened.
    const name = this.providerOf(license).displayName;
    const requestedAt = this.deps.clock.now();
    const parked = this.deps.waiters.park(license.checkoutId, this.deps.waitMs);
    let billingCancelled = false;
    let refundId: string;
    try {
      if (isBilling(license)) billingCancelled = await this.stopBilling(license, why);
      refundId = (await this.providerOf(license).refund(license)).refundId;
    } catch (error) {
      parked.cancel();
      // Billing may have been stopped before the refund failed: that happened, so it is kept and audited.
      if (billingCancelled) {
        await this.markCancelled(license);
        await audit.append(this.deps.store.db, {
          at: requestedAt, actor: caller.actor, action: 'cancel', target: license.id, reason: why,
          detail: { subscriptionId: license.subscriptionId, accessUntil: 'period_end', refundFailed: true, token: caller.tokenName },
        });
      }
      throw supportFacing(error, name, billingCancelled ? 'refund (billing was stopped; refund again)' : 'refund');
    }
    if (billingCancelled) await this.markCancelled(license);
    await audit.append(this.deps.store.db, {
      at: requestedAt, actor: caller.actor, action: 'refund', target: license.id, reason: why,
      detail: { refundId, transactionId: license.transactionId, amount: license.amount, currency: license.currency, billingCancelled, token: caller.tokenName },
    });
    await parked.done;
    const after = await this.license(license.id);
    const followed = after.status === 'refunded';
    return this.answer(after, followed
      ? `${name} refunded ${license.amount ?? ''} ${license.currency ?? ''} (refund ${refundId}); the license is refunded.`.replace(/\s+/g, ' ')
      : `${name} accepted the refund (refund ${refundId}); the license changes when ${name}'s refund notice arrives (webhook or reconciliation).`);
  }

  private async cancel(license: LicenseRecord, why: string, accessUntil: CancelAccess, caller: SupportCaller): Promise<SupportActionResponse> {
    const requestedAt = this.deps.clock.now();
    const name = this.providerOf(license).displayName;
    const parked = this.deps.waiters.park(license.checkoutId, this.deps.waitMs);
    try {
      await this.stopBilling(license, why);
    } catch (error) {
      parked.cancel();
      throw supportFacing(error, name, 'cancel');
    }
    await this.markCancelled(license);
    const revocationId = accessUntil === 'now' ? await this.applyRevocation(license, why) : null;
    await audit.append(this.deps.store.db, {
      at: requestedAt, actor: caller.actor, action: 'cancel', target: license.id, reason: why,
      detail: { subscriptionId: license.subscriptionId, accessUntil, ...(revocationId ? { revocationId } : {}), token: caller.tokenName },
    });
    await parked.done;
    const after = await this.license(license.id);
    return this.answer(after, accessUntil === 'now'
      ? `${name} cancelled the subscription and the license is revoked: Enterprise has ended.`
      : after.status === 'canceled'
        ? `${name} cancelled the subscription; Enterprise continues until the paid period ends.`
        : `${name} accepted the cancellation; the license shows it when ${name}'s notice arrives (webhook or reconciliation).`);
  }

  private async revoke(license: LicenseRecord, why: string, caller: SupportCaller): Promise<SupportActionResponse> {
    let billingCancelled = false;
    if (isBilling(license)) {
      // Never a revoked license that its provider keeps charging: billing stops first, or nothing is revoked.
      try {
        billingCancelled = await this.stopBilling(license, why);
      } catch (error) {
        throw supportFacing(error, this.providerOf(license).displayName, 'revoke');
      }
      await this.markCancelled(license);
    }
    const revocationId = await this.applyRevocation(license, why);
    await audit.append(this.deps.store.db, {
      at: this.deps.clock.now(), actor: caller.actor, action: 'revoke', target: license.id, reason: why,
      detail: { revocationId, billingCancelled, token: caller.tokenName },
    });
    return this.answer(await this.license(license.id), billingCancelled
      ? `${this.providerOf(license).displayName} stopped billing the subscription and the license is revoked.`
      : 'The license is revoked.');
  }

  private async restore(license: LicenseRecord, why: string, caller: SupportCaller): Promise<SupportActionResponse> {
    const timeline = (await licenseEvents.listByLicense(this.deps.store.db, license.id)).map((e) => e.event);
    const standing = standingRevocations(timeline);
    const now = this.deps.clock.now();
    await this.deps.checkouts.applyEvents(
      license.checkoutId,
      standing.map((revocation) => ({ id: `support:restore:${revocation.id}`, at: now, type: 'license.restored' as const, revocationId: revocation.id, reason: why })),
      [],
      'support',
    );
    await audit.append(this.deps.store.db, {
      at: now, actor: caller.actor, action: 'restore', target: license.id, reason: why,
      detail: { revocationIds: standing.map((r) => r.id), token: caller.tokenName },
    });
    const after = await this.license(license.id);
    return this.answer(after, `The revocation is undone: the license is ${after.status}${licenseView(after, now, this.deps.grant).tier === 'enterprise' ? ' and grants Enterprise' : ''}.`);
  }

  private async transfer(license: LicenseRecord, anchor: unknown, why: string, caller: SupportCaller): Promise<SupportActionResponse> {
    if (!isAnchor(anchor)) throw new ApiError(400, 'invalid_anchor', 'anchor must be the machine code: the base64url form of 32 bytes (43 characters).');
    if (anchor === license.anchor) throw new ApiError(409, 'action_not_allowed', 'The license is already bound to this machine code.');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx) => {
      // The new machine keeps whatever else it holds: its access is the best of its licenses.
      await licenses.update(trx, license.id, { anchor, updatedAt: now });
      await audit.append(trx, {
        at: now, actor: caller.actor, action: 'transfer', target: license.id, reason: why,
        detail: { from: license.anchor, to: anchor, token: caller.tokenName },
      });
    });
    return this.answer(await this.license(license.id), `The license is bound to machine ${shortAnchor(anchor)} now; re-issue to give the customer its token.`);
  }

  private async reissue(license: LicenseRecord, why: string, caller: SupportCaller): Promise<SupportActionResponse> {
    const now = this.deps.clock.now();
    const entitlement = await entitlementFor(license.anchor, license, now, this.deps.grant);
    await audit.append(this.deps.store.db, {
      at: now, actor: caller.actor, action: 'reissue', target: license.id, reason: why, detail: { anchor: license.anchor, token: caller.tokenName },
    });
    const message = [
      `Here is your license token for ${licenseView(license, now, this.deps.grant).planName ?? license.planId}.`,
      'In the app, open the License panel, click "Have a license token from support?", paste the whole token below and press "Use this license".',
      `It works only on the computer whose machine code you sent us (${shortAnchor(license.anchor)}).`,
      '',
      entitlement.token,
    ].join('\n');
    return { ...(await this.answer(license, `A fresh token for machine ${shortAnchor(license.anchor)}: copy it and the message to the customer.`)), entitlement, message };
  }

  // ---- the pieces ----------------------------------------------------------------------------------------

  /** Cancels the subscription at its provider; true if it cancelled it now, false if it was no longer billing there
   *  (cancelled or expired there already: its notice decides, as for any cancel). */
  private async stopBilling(license: LicenseRecord, why: string): Promise<boolean> {
    return (await this.providerOf(license).cancelSubscription(license.subscriptionId!, `Cancelled by support: ${why}`)) === 'cancelled';
  }

  private providerOf(license: LicenseRecord): PaymentProvider {
    return this.deps.providers.get(license.provider);
  }

  private async markCancelled(license: LicenseRecord): Promise<void> {
    if (license.supportCancelledAt !== null) return;
    await licenses.update(this.deps.store.db, license.id, { supportCancelledAt: this.deps.clock.now(), updatedAt: this.deps.clock.now() });
  }

  private async applyRevocation(license: LicenseRecord, why: string): Promise<string> {
    const id = `support:revoke:${randomBytes(6).toString('base64url')}`;
    await this.deps.checkouts.applyEvents(license.checkoutId, [{ id, at: this.deps.clock.now(), type: 'license.revoked', reason: why }], [], 'support');
    return id;
  }

  /** Who made the revocation standing on the license (their token's name), if the trail says. */
  private async revokedBy(license: LicenseRecord): Promise<string | null> {
    if (license.status !== 'revoked') return null;
    const timeline = (await licenseEvents.listByLicense(this.deps.store.db, license.id)).map((e) => e.event);
    const standing = new Set(standingRevocations(timeline).map((e) => e.id));
    const rows = await audit.listForTarget(this.deps.store.db, license.id);
    for (const row of rows.reverse()) {
      const detail = row.detail as { revocationId?: unknown; token?: unknown } | null;
      if (typeof detail?.revocationId === 'string' && standing.has(detail.revocationId)) return typeof detail.token === 'string' ? detail.token : row.actor;
    }
    return null;
  }

  private context(caller: SupportCaller, revokedBy: string | null, license: LicenseRecord): RuleContext {
    const providerName = this.deps.providers.find(license.provider)?.displayName ?? license.provider;
    return { role: caller.role, tokenName: caller.tokenName, revokedBy, now: this.deps.clock.now(), policy: this.deps.grant, providerName };
  }

  private async answer(license: LicenseRecord, outcome: string): Promise<SupportActionResponse> {
    return { license: await describeLicense(this.deps.store.db, license, this.deps.clock.now(), this.deps.grant), outcome };
  }

  private async licensesFor(parsed: ParsedId): Promise<LicenseRecord[]> {
    const db = this.deps.store.db;
    const ids = new Set<string>();
    const found: LicenseRecord[] = [];
    const add = (license: LicenseRecord | undefined) => {
      if (license && !ids.has(license.id)) {
        ids.add(license.id);
        found.push(license);
      }
    };
    switch (parsed.kind) {
      case 'license':
        add(await licenses.get(db, parsed.id));
        break;
      case 'checkout': {
        const checkout = await checkouts.get(db, parsed.id);
        if (checkout?.licenseId) add(await licenses.get(db, checkout.licenseId));
        break;
      }
      case 'machine_code': {
        for (const l of await licenses.listByAnchor(db, parsed.id)) add(l);
        // Licenses this machine released or moved away are still the customer's story.
        for (const t of await licenseTransfers.listFromAnchor(db, parsed.id)) add(await licenses.get(db, t.licenseId));
        break;
      }
      case 'short_machine_code': {
        const [head, tail] = parsed.id.split('…') as [string, string];
        for (const l of await licenses.listByAnchorEnds(db, head, tail, 50)) add(l);
        break;
      }
      default:
        for (const ref of [...await providerRefs.findAnyProvider(db, parsed.id), ...(parsed.asTyped ? await providerRefs.findAnyProvider(db, parsed.asTyped) : [])]) {
          if (ref.licenseId) add(await licenses.get(db, ref.licenseId));
          else if (ref.checkoutId) {
            const checkout = await checkouts.get(db, ref.checkoutId);
            if (checkout?.licenseId) add(await licenses.get(db, checkout.licenseId));
          }
        }
    }
    return found;
  }

  /** Stored ids a typo or two away from the query (case aside), closest first. */
  private async nearMisses(id: string): Promise<SupportLookupResponse['suggestions']> {
    const wanted = id.toLowerCase();
    return (await idsLike(this.deps.store.db, id))
      .map((candidate) => ({ candidate, distance: editDistance(wanted, candidate.toLowerCase(), 2) }))
      .filter(({ distance }) => distance <= 2)
      .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
      .slice(0, SUGGESTIONS)
      .map(({ candidate }) => ({ id: candidate, kind: kindOfStored(candidate) }));
  }

  private reason(reason: unknown): string {
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > MAX_REASON) {
      throw new ApiError(400, 'bad_request', 'Every support action needs a reason (1–500 characters).');
    }
    return reason.trim();
  }

  private optionalReason(reason: string | undefined): string | undefined {
    const trimmed = reason?.trim();
    return trimmed ? trimmed.slice(0, MAX_REASON) : undefined;
  }

  private async license(id: string): Promise<LicenseRecord> {
    const license = await licenses.get(this.deps.store.db, id);
    if (!license) throw new ApiError(404, 'not_found', 'No such license.');
    return license;
  }
}

/** Creates a support token of a role; the token is returned once and only its hash is kept. */
export async function createSupportToken(store: Store, clock: Clock, name: string, role: SupportRole): Promise<string> {
  if (!/^[\w.@-]{1,64}$/.test(name)) throw new ApiError(400, 'bad_request', 'A token name is 1–64 letters, digits, ".", "@", "_" or "-".');
  const token = newSecret('hbs');
  await supportTokens.insert(store.db, { id: newId('sup'), name, tokenHash: hashSecret(token), createdAt: clock.now(), role });
  return token;
}

/** Revokes a staff member's token (they leave, or it leaked) and with it their console sessions; audited. */
export async function revokeSupportToken(store: Store, clock: Clock, name: string, actor: string): Promise<boolean> {
  const now = clock.now();
  return store.transaction(async (trx) => {
    const revoked = await supportTokens.revoke(trx, name, now);
    if (revoked) await audit.append(trx, { at: now, actor, action: 'revoke-support-token', target: `support-token:${name}` });
    return revoked;
  });
}

