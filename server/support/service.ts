// Support: find a license by any id a customer quotes, see its timeline, revoke / transfer / re-issue.
// Every read and every action leaves an audit row naming the staff member's token.
import { randomBytes } from 'node:crypto';
import type { Entitlement } from '../../common/entitlement';
import type { AuditEntry, SupportLicense, SupportLookupResponse, TimelineEntry } from '../../common/api';
import type { Clock } from '../../common/clock';
import { isAnchor } from '../../common/anchor';
import type { CheckoutService } from '../checkouts/service';
import { ApiError } from '../http/api-error';
import { hashSecret, newId, newSecret } from '../ids';
import { entitlementFor, licenseView, type GrantPolicy } from '../licenses/view';
import * as audit from '../store/audit';
import type { AuditRecord } from '../store/audit';
import * as checkouts from '../store/checkouts';
import type { Store } from '../store/database';
import * as licenseEvents from '../store/license-events';
import * as licenseTransfers from '../store/license-transfers';
import * as licenses from '../store/licenses';
import type { LicenseRecord } from '../store/licenses';
import * as providerRefs from '../store/provider-refs';
import * as supportTokens from '../store/support-tokens';

export interface SupportDeps {
  store: Store;
  clock: Clock;
  grant: GrantPolicy;
  /** Only revoke needs it: a revocation is a billing event on the license's timeline. */
  checkouts: Pick<CheckoutService, 'applyEvents'>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const MAX_QUERY = 128;
const MAX_REASON = 500;

export class SupportService {
  constructor(private readonly deps: SupportDeps) {}

  /** The staff member behind a bearer token, or 401. */
  async authenticate(token: string | undefined): Promise<string> {
    if (!token) throw new ApiError(401, 'unauthorized', 'Support endpoints need a support token as a bearer token.');
    const found = await supportTokens.findByHash(this.deps.store.db, hashSecret(token));
    if (!found) throw new ApiError(401, 'unauthorized', 'This support token is not valid (unknown or revoked).');
    return found.name;
  }

  /** Creates a support token; the token is returned once and only its hash is kept. */
  async createToken(name: string): Promise<string> {
    if (!/^[\w.@-]{1,64}$/.test(name)) throw new ApiError(400, 'bad_request', 'A token name is 1–64 letters, digits, ".", "@", "_" or "-".');
    const token = newSecret('hbs');
    await supportTokens.insert(this.deps.store.db, { id: newId('sup'), name, tokenHash: hashSecret(token), createdAt: this.deps.clock.now() });
    return token;
  }

  /** Revokes a staff member's token (they leave, or it leaked); audited. True if a live token was revoked. */
  async revokeToken(name: string, actor: string): Promise<boolean> {
    const now = this.deps.clock.now();
    return this.deps.store.transaction(async (trx) => {
      const revoked = await supportTokens.revoke(trx, name, now);
      if (revoked) await audit.append(trx, { at: now, actor, action: 'revoke-support-token', target: `support-token:${name}` });
      return revoked;
    });
  }

  async lookup(query: unknown, actor: string): Promise<SupportLookupResponse> {
    if (typeof query !== 'string' || query.length === 0 || query.length > MAX_QUERY) {
      throw new ApiError(400, 'bad_request', 'q must be a capture, order, subscription, sale, license or checkout id.');
    }
    const db = this.deps.store.db;
    const licenseIds = new Set<string>();
    if (query.startsWith('lic_')) licenseIds.add(query);
    if (query.startsWith('chk_')) {
      const checkout = await checkouts.get(db, query);
      if (checkout?.licenseId) licenseIds.add(checkout.licenseId);
    }
    for (const ref of await providerRefs.findAnyProvider(db, query)) {
      if (ref.licenseId) licenseIds.add(ref.licenseId);
      else if (ref.checkoutId) {
        const checkout = await checkouts.get(db, ref.checkoutId);
        if (checkout?.licenseId) licenseIds.add(checkout.licenseId);
      }
    }
    const found: SupportLicense[] = [];
    for (const id of licenseIds) {
      const license = await licenses.get(db, id);
      if (license) found.push(await this.describe(license));
    }
    const now = this.deps.clock.now();
    await audit.append(db, { at: now, actor, action: 'lookup', target: query, detail: { found: [...licenseIds] } });
    // A license's trail includes reads made under any id it is known by, not only the one asked for now.
    const targets = [query, ...found.flatMap((l) => [l.id, l.checkoutId, l.orderId, l.transactionId, l.subscriptionId])].filter(
      (t): t is string => typeof t === 'string',
    );
    return { query, licenses: found, audit: (await audit.listForTargets(db, targets)).map(auditEntry) };
  }

  async revoke(licenseId: string, reason: unknown, actor: string): Promise<SupportLicense> {
    const license = await this.license(licenseId);
    const why = this.reason(reason);
    const now = this.deps.clock.now();
    await this.deps.checkouts.applyEvents(
      license.checkoutId,
      [{ id: `support:revoke:${randomBytes(6).toString('base64url')}`, at: now, type: 'license.revoked', reason: why }],
      [],
      'support',
    );
    await audit.append(this.deps.store.db, { at: now, actor, action: 'revoke', target: licenseId, reason: why });
    return this.describe(await this.license(licenseId));
  }

  async transfer(licenseId: string, anchor: unknown, reason: unknown, actor: string): Promise<SupportLicense> {
    const license = await this.license(licenseId);
    const why = this.reason(reason);
    if (!isAnchor(anchor)) throw new ApiError(400, 'invalid_anchor', 'anchor must be the base64url form of 32 bytes (43 characters).');
    const now = this.deps.clock.now();
    await this.deps.store.transaction(async (trx) => {
      // The new machine keeps whatever else it holds: its access is the best of its licenses.
      await licenses.update(trx, licenseId, { anchor, updatedAt: now });
      await audit.append(trx, { at: now, actor, action: 'transfer', target: licenseId, reason: why, detail: { from: license.anchor, to: anchor } });
    });
    return this.describe(await this.license(licenseId));
  }

  async reissue(licenseId: string, reason: unknown, actor: string): Promise<{ license: SupportLicense; entitlement: Entitlement }> {
    const license = await this.license(licenseId);
    const why = this.reason(reason);
    const now = this.deps.clock.now();
    const entitlement = await entitlementFor(license.anchor, license, now, this.deps.grant);
    await audit.append(this.deps.store.db, { at: now, actor, action: 'reissue', target: licenseId, reason: why });
    return { license: await this.describe(license), entitlement };
  }

  private reason(reason: unknown): string {
    if (typeof reason !== 'string' || reason.trim().length === 0 || reason.length > MAX_REASON) {
      throw new ApiError(400, 'bad_request', 'Every support action needs a reason (1–500 characters).');
    }
    return reason.trim();
  }

  private async license(id: string): Promise<LicenseRecord> {
    const license = await licenses.get(this.deps.store.db, id);
    if (!license) throw new ApiError(404, 'not_found', 'No such license.');
    return license;
  }

  private async describe(license: LicenseRecord): Promise<SupportLicense> {
    const now = this.deps.clock.now();
    const events = await licenseEvents.listByLicense(this.deps.store.db, license.id);
    const timeline: TimelineEntry[] = events.map((e) => ({
      at: iso(e.occurredAt),
      kind: e.type,
      source: e.source,
      eventId: e.eventId,
      amount: e.amount,
      currency: e.currency,
      reference: e.transactionId ?? e.reference,
    }));
    // The customer's own moves to another computer, beside the billing events.
    const move = (at: number, kind: string, reference: string): TimelineEntry => ({ at: iso(at), kind, source: 'server', eventId: null, amount: null, currency: null, reference });
    for (const t of await licenseTransfers.listByLicense(this.deps.store.db, license.id)) {
      timeline.push(move(t.createdAt, 'license.released', t.id));
      if (t.redeemedAt !== null) timeline.push(move(t.redeemedAt, 'license.moved', t.id));
    }
    timeline.sort((a, b) => a.at.localeCompare(b.at));
    return {
      ...licenseView(license, now, this.deps.grant),
      anchor: license.anchor,
      provider: license.provider,
      orderId: license.orderId,
      checkoutId: license.checkoutId,
      amount: license.amount,
      currency: license.currency,
      createdAt: iso(license.createdAt),
      updatedAt: iso(license.updatedAt),
      timeline,
    };
  }
}

function auditEntry(record: AuditRecord): AuditEntry {
  return { at: iso(record.at), actor: record.actor, action: record.action, target: record.target, reason: record.reason };
}
