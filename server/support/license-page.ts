// A license as support sees it: the license, its timeline — the normalized billing events, the customer's own
// moves, and what the money path refused (claims PayPal's API did not bear out, deliveries we could not read,
// what reconciliation changed) — the audit trail, and what its provider says about it right now.
import type { AuditEntry, ProviderLiveState, SupportLicense, TimelineEntry } from '../../common/api';
import type { GrantPolicy } from '../licenses/view';
import { licenseView } from '../licenses/view';
import { isProviderError } from '../providers/errors';
import type { PaymentProvider } from '../providers/port';
import * as audit from '../store/audit';
import type { AuditRecord } from '../store/audit';
import type { Queryable } from '../store/database';
import * as inbox from '../store/inbox';
import * as licenseEvents from '../store/license-events';
import * as licenseTransfers from '../store/license-transfers';
import type { LicenseRecord } from '../store/licenses';
import * as providerRefs from '../store/provider-refs';

const iso = (ms: number) => new Date(ms).toISOString();

/** Every id the license is known by: support's audit rows and the money path's are filed under any of them. */
export async function targetsOf(db: Queryable, license: LicenseRecord): Promise<string[]> {
  const refs = (await providerRefs.listForLicense(db, license.id)).map((r) => r.ref);
  const ids = [license.id, license.checkoutId, license.orderId, license.transactionId, license.subscriptionId, ...refs];
  return [...new Set(ids.filter((t): t is string => typeof t === 'string' && t !== ''))];
}

export async function describeLicense(db: Queryable, license: LicenseRecord, now: number, grant: GrantPolicy): Promise<SupportLicense> {
  const targets = await targetsOf(db, license);
  const timeline: TimelineEntry[] = (await licenseEvents.listByLicense(db, license.id)).map((e) => ({
    at: iso(e.occurredAt),
    kind: e.type,
    source: e.source,
    eventId: e.eventId,
    amount: e.amount,
    currency: e.currency,
    reference: e.transactionId ?? e.reference,
    ...('reason' in e.event && e.event.reason ? { note: e.event.reason } : {}),
  }));
  const entry = (at: number, kind: string, source: TimelineEntry['source'], extra: Partial<TimelineEntry> = {}): TimelineEntry => ({
    at: iso(at), kind, source, eventId: null, amount: null, currency: null, reference: null, ...extra,
  });
  // The customer's own moves to another computer, beside the billing events.
  for (const t of await licenseTransfers.listByLicense(db, license.id)) {
    timeline.push(entry(t.createdAt, 'license.released', 'server', { reference: t.id }));
    if (t.redeemedAt !== null) timeline.push(entry(t.redeemedAt, 'license.moved', 'server', { reference: t.id }));
  }
  for (const row of await audit.listForTargets(db, targets)) {
    const shown = moneyPathEntry(row);
    if (shown) timeline.push(entry(row.at, shown.kind, shown.source, shown.extra));
  }
  const resourceIds = targets.filter((t) => t !== license.id && t !== license.checkoutId);
  for (const delivery of await inbox.unreadableAbout(db, resourceIds)) {
    timeline.push(entry(delivery.receivedAt, delivery.eventType, 'provider', {
      eventId: delivery.eventId, reference: delivery.resourceId, outcome: 'unreadable', note: delivery.reason ?? 'unreadable',
    }));
  }
  timeline.sort((a, b) => a.at.localeCompare(b.at));
  return {
    ...licenseView(license, now, grant),
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

type Detail = Record<string, unknown> | null;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The audit rows that belong on the timeline: what the money path refused or changed, and support's requests to PayPal. */
function moneyPathEntry(row: AuditRecord): { kind: string; source: TimelineEntry['source']; extra: Partial<TimelineEntry> } | null {
  const detail = (row.detail ?? null) as Detail;
  const reason = row.reason ?? undefined;
  switch (row.action) {
    case 'webhook-not-confirmed':
      return {
        kind: text(detail?.eventType) ?? 'webhook', source: 'provider',
        extra: { eventId: text(detail?.eventId) ?? null, reference: text(detail?.resourceId) ?? null, outcome: 'not_confirmed', ...(reason ? { note: reason } : {}) },
      };
    case 'payment-not-confirmed':
      return { kind: 'payment', source: 'provider', extra: { reference: text(detail?.checkoutId) ?? null, outcome: 'not_confirmed', ...(reason ? { note: reason } : {}) } };
    case 'reconcile-not-confirmed':
      return { kind: 'reconciliation', source: 'server', extra: { reference: text(detail?.subscriptionId) ?? null, outcome: 'not_confirmed', ...(reason ? { note: reason } : {}) } };
    case 'reconcile': {
      const change = text(detail?.from) && text(detail?.to) ? `${String(detail?.from)} → ${String(detail?.to)}` : reason;
      return { kind: 'reconciliation', source: 'server', extra: change ? { note: change } : {} };
    }
    case 'cancel-replaced-subscription':
      return { kind: 'subscription.cancel_requested', source: 'server', extra: { reference: text(detail?.subscriptionId) ?? null, ...(reason ? { note: reason } : {}) } };
    case 'refund':
      return { kind: 'support.refund_requested', source: 'support', extra: { reference: text(detail?.refundId) ?? null, ...(reason ? { note: reason } : {}) } };
    case 'cancel':
      return { kind: 'support.cancel_requested', source: 'support', extra: { reference: text(detail?.subscriptionId) ?? null, ...(reason ? { note: reason } : {}) } };
    case 'transfer':
      return { kind: 'license.moved', source: 'support', extra: reason ? { note: reason } : {} };
    default:
      return null;
  }
}

export function auditEntry(record: AuditRecord): AuditEntry {
  return { at: iso(record.at), actor: record.actor, action: record.action, target: record.target, reason: record.reason };
}

/** The provider's own view of the license's subscription or payment, read now; never throws. */
export async function liveProviderState(provider: Pick<PaymentProvider, 'liveState' | 'displayName'> | undefined, license: LicenseRecord, timeoutMs: number): Promise<ProviderLiveState> {
  if (!provider) return { kind: 'unavailable', reason: `The provider "${license.provider}" is not configured on this server.` };
  const name = provider.displayName;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProviderLiveState>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'unavailable', reason: `${name} did not answer within ${Math.round(timeoutMs / 1000)} s.` }), timeoutMs);
  });
  try {
    return await Promise.race([provider.liveState(license), timeout]);
  } catch (error) {
    if (isProviderError(error, 'not_found')) return { kind: 'unavailable', reason: `${name} does not know this id.` };
    return { kind: 'unavailable', reason: isProviderError(error) ? `${name} could not be read (${error.code}${error.status ? ` ${error.status}` : ''}).` : `${name} could not be read.` };
  } finally {
    clearTimeout(timer);
  }
}
