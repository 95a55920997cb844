// Subscription status changes: which are allowed from where, and the webhook each one publishes.
import type { SandboxContext } from '../context';
import { errors } from '../errors';
import type { Subscription, SubscriptionStatus } from '../model';
import { publishSubscription, type SubscriptionEventType } from './events';
import { isoSeconds } from './time';

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

/** Records the status without a webhook (APPROVED has none). Every change gets a later status_update_time
 *  than the one before, even within one second of the sandbox clock (PayPal's times have whole seconds), so
 *  that each change is told apart: a reactivation is a new fact, not a repeat of the first activation. */
export function setStatus(ctx: SandboxContext, subscription: Subscription, status: SubscriptionStatus, note?: string): void {
  const now = nextEventTime(subscription, ctx.clock.now());
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

/**
 * The time of the subscription's next status change or payment attempt: `atMs` in whole seconds, or one second
 * after the one before it if the clock has not moved past that. A failure recorded in the same second as the
 * payment before it (a clock standing still in a test) still reads as coming after it, as it does at PayPal.
 */
export function nextEventTime(subscription: Subscription, atMs: number): string {
  const previous = subscription.lastEventTime !== undefined && subscription.lastEventTime > subscription.statusUpdateTime
    ? subscription.lastEventTime
    : subscription.statusUpdateTime;
  const next = laterThan(previous, atMs);
  subscription.lastEventTime = next;
  return next;
}

/** `nowMs` in whole seconds, or one second after `previous` if the clock has not moved past it. */
function laterThan(previous: string, nowMs: number): string {
  const floor = Date.parse(previous) + 1000;
  return isoSeconds(Number.isNaN(floor) ? nowMs : Math.max(nowMs, floor));
}
