// Display formatting shared by the components: money, billing periods, dates, license statuses.
import type { EntitlementSummary } from '../common/app-state';
import type { LicenseStatus } from '../common/license';
import type { PlanBilling } from '../common/plans';

export function formatMoney(price: string, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(Number(price));
  } catch {
    // An ISO code Intl does not know: still show what the server sent.
    return `${price} ${currency}`;
  }
}

/** Visible period suffix: "lifetime", "/ month", "/ 3 months". */
export function billingPeriod(billing: PlanBilling): string {
  if (billing.kind === 'one_time') return 'lifetime';
  return billing.intervalCount === 1 ? `/ ${billing.interval}` : `/ ${billing.intervalCount} ${billing.interval}s`;
}

/** The same period as a screen reader should say it ("per month", "one-time payment, lifetime"). */
export function spokenBillingPeriod(billing: PlanBilling): string {
  if (billing.kind === 'one_time') return 'one-time payment, lifetime';
  return billing.intervalCount === 1 ? `per ${billing.interval}` : `every ${billing.intervalCount} ${billing.interval}s`;
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

const STATUS_LABELS: Record<LicenseStatus, string> = {
  pending: 'Payment pending',
  active: 'Active',
  past_due: 'Payment overdue (grace period)',
  canceled: 'Canceled',
  expired: 'Expired',
  failed: 'Payment failed',
  refunded: 'Refunded',
  reversed: 'Payment reversed',
  disputed: 'Payment disputed',
  suspended: 'Suspended',
  revoked: 'Revoked',
};

export function statusLabel(status: LicenseStatus): string {
  return STATUS_LABELS[status];
}

/** The license's status as the customer should read it: who ended it, or that it moved, where the server said so. */
export function entitlementStatus(e: Pick<EntitlementSummary, 'status' | 'unbound' | 'why'>): string {
  const why = e.unbound ?? e.why;
  switch (why) {
    case 'moved': return 'Moved to another computer';
    case 'released': return 'Released from this computer';
    case 'revoked_by_support': return 'Revoked by support';
    case 'cancelled_by_support': return 'Cancelled by support';
    default: return statusLabel(e.status);
  }
}

/** Electron prefixes errors thrown by ipcMain handlers; people only need the message itself. */
export function errorMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  return raw.replace(/^Error invoking remote method '[^']+': (?:\w*Error: )?/, '');
}
