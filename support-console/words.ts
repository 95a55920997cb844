// How the console says things: statuses and tiers in words, dates, money, and what each action is called.
import type { LicenseStatus, SupportAction, SupportIdKind, SupportLicense } from '../common/api';

export function formatDate(iso: string | null | undefined): string {
  return iso ? new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(iso)) : '—';
}

export function formatDateTime(iso: string): string {
  return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;
}

export function formatMoney(amount: string | null | undefined, currency: string | null | undefined): string {
  if (!amount || !currency) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

const STATUS: Record<LicenseStatus, string> = {
  pending: 'Waiting for payment',
  active: 'Active',
  past_due: 'Payment overdue (in its grace period)',
  canceled: 'Cancelled',
  expired: 'Ended',
  failed: 'Payment failed',
  refunded: 'Refunded',
  reversed: 'Payment reversed (chargeback)',
  disputed: 'Payment disputed at the provider',
  suspended: 'Suspended at the provider',
  revoked: 'Revoked by support',
};

/** The status with what it means for access. */
export function statusInWords(l: Pick<SupportLicense, 'status' | 'tier' | 'accessEndsAt' | 'paidThrough' | 'subscriptionId'>): string {
  const status = STATUS[l.status];
  if (l.tier === 'enterprise') {
    if (l.status === 'canceled') return `${status}: Enterprise until ${formatDate(l.accessEndsAt)}, then Free`;
    if (l.subscriptionId === null) return `${status}: Enterprise for good (lifetime)`;
    return `${status}: Enterprise, paid through ${formatDate(l.paidThrough)}`;
  }
  return `${status}: Free`;
}

export const tierInWords = (tier: 'free' | 'enterprise') => (tier === 'enterprise' ? 'Enterprise' : 'Free');

export const ACTION_LABELS: Record<SupportAction, { button: string; title: string; confirm: string }> = {
  refund: { button: 'Refund…', title: 'Refund this purchase in full?', confirm: 'Refund' },
  cancel: { button: 'Cancel subscription…', title: 'Cancel the subscription at the provider?', confirm: 'Cancel subscription' },
  revoke: { button: 'Revoke…', title: 'Revoke this license?', confirm: 'Revoke' },
  restore: { button: 'Restore…', title: 'Restore this revoked license?', confirm: 'Restore' },
  transfer: { button: 'Transfer to another machine…', title: 'Move this license to another machine?', confirm: 'Transfer' },
  reissue: { button: 'Re-issue token…', title: 'Issue a fresh license token?', confirm: 'Re-issue' },
};

export const KIND_LABELS: Record<SupportIdKind, string> = {
  license: 'license id', checkout: 'checkout id', machine_code: 'machine code', short_machine_code: 'short machine code',
  subscription: 'subscription id', dispute: 'dispute id', paypal_id: 'PayPal transaction or order id', paystack_id: 'Paystack reference or id', not_an_id: 'not an id',
};

export function timelineKind(kind: string): string {
  const words: Record<string, string> = {
    'payment.pending': 'Payment pending', 'payment.completed': 'Payment completed', 'payment.failed': 'Payment failed',
    'payment.refunded': 'Refunded', 'payment.reversed': 'Payment reversed', 'subscription.activated': 'Subscription activated',
    'subscription.renewed': 'Subscription payment', 'subscription.payment_failed': 'Renewal payment failed',
    'subscription.suspended': 'Subscription suspended', 'subscription.reactivated': 'Subscription reactivated',
    'subscription.cancelled': 'Subscription cancelled', 'subscription.expired': 'Subscription ended', 'dispute.opened': 'Dispute opened',
    'dispute.resolved': 'Dispute resolved', 'license.revoked': 'Revoked by support', 'license.restored': 'Restored by support',
    'license.released': 'Released by the customer', 'license.moved': 'Moved to another machine', 'support.refund_requested': 'Refund requested by support',
    'support.cancel_requested': 'Cancellation requested by support', 'subscription.cancel_requested': 'Cancellation requested (replaced by lifetime)',
    reconciliation: 'Reconciliation with the provider',
  };
  return words[kind] ?? kind;
}
