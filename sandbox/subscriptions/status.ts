// Subscription status changes: which are allowed from where, and the webhook each one publishes.
import type { SandboxContext } from '../context';
import { errors } from '../errors';
import type { Subscription, SubscriptionStatus } from '../model';
import { publishSubscription, type SubscriptionEventType } from './events';

const EVENT_ON_ENTRY = {
  ACTIVE: 'BILLING.SUBSCRIPTION.ACTIVATED',
  SUSPENDED: 'BILLING.SUBSCRIPTION.SUSPENDED',
  CANCELLED: 'BILLING.SUBSCRIPTION.CANCELLED',
  EXPIRED: 'BILLING.SUBSCRIPTION.EXPIRED',
} as const satisfies Partial<Record<SubscriptionStatus, SubscriptionEventType>>;

type PublishedStatus = keyof typeof EVENT_ON_ENTRY;

/** PayPal's 422 for an action the subscription's current status does not allow. */
export function requireStatus(subscription: Subscription, action: string, allowed: SubscriptionStatus[]): void {
  if (allowed.includes(subscription.status)) return;
  const expected = allowed.map((s) => s.toLowerCase().replace('_', ' ')).join(' or ');
  throw errors.unprocessable(
    'SUBSCRIPTION_STATUS_INVALID',
    `Invalid subscription status for ${action} action; subscription status should be ${expected}.`,
  );
}

/** Records the status without a webhook (APPROVED has none). */
export function setStatus(ctx: SandboxContext, subscription: Subscription, status: SubscriptionStatus, note?: string): void {
  const now = ctx.isoNow();
  subscription.status = status;
  subscription.statusUpdateTime = now;
  subscription.updateTime = now;
  if (note !== undefined) subscription.statusChangeNote = note;
}

export function moveTo(
  ctx: SandboxContext, subscription: Subscription, status: PublishedStatus, note?: string,
): void {
  setStatus(ctx, subscription, status, note);
  publishSubscription(ctx, subscription, EVENT_ON_ENTRY[status]);
}
