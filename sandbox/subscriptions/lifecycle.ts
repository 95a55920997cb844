// Subscriptions from creation to their end: create, buyer approval, and the merchant's cancel / suspend /
// activate, each allowed only from the statuses PayPal allows it from.
import type { SandboxContext } from '../context';
import { errors } from '../errors';
import { PLAN_ID_PATTERN, ids } from '../ids';
import type { Subscription } from '../model';
import { resumeSchedule, startBilling } from './billing';
import { publishSubscription } from './events';
import { findPlan } from './lookup';
import { moveTo, requireStatus, setStatus } from './status';
import { isoSeconds, parseDateTime } from './time';
import { type Json, oneOf, optionalObject, optionalString, requiredString, syntaxError } from './validate';

export type MerchantAction = 'cancel' | 'suspend' | 'activate';

/** Creates a subscription awaiting the buyer's approval. */
export function createSubscription(ctx: SandboxContext, body: Json): Subscription {
  const planId = requiredString(body, 'plan_id', 50);
  if (!PLAN_ID_PATTERN.test(planId)) throw syntaxError('/plan_id', planId);
  const customId = optionalString(body, 'custom_id', 127);
  const startText = optionalString(body, 'start_time', 64);
  const startMs = startText === undefined ? ctx.clock.now() : parseDateTime(startText);
  if (startMs === undefined) throw syntaxError('/start_time', startText);
  const quantity = optionalString(body, 'quantity', 32);
  const context = optionalObject(body, 'application_context') ?? {};
  const brandName = optionalString(context, 'brand_name', 127, '/application_context');
  const returnUrl = optionalUrl(context, 'return_url');
  const cancelUrl = optionalUrl(context, 'cancel_url');
  const userAction = oneOf(optionalString(context, 'user_action', 24, '/application_context') ?? 'SUBSCRIBE_NOW',
    ['SUBSCRIBE_NOW', 'CONTINUE'] as const, '/application_context/user_action');

  const plan = findPlan(ctx, planId);
  if (plan.status !== 'ACTIVE') {
    throw errors.unprocessable('PLAN_STATUS_INVALID',
      'Invalid plan status for subscription creation; plan status should be active.');
  }
  if (quantity !== undefined && quantity !== '1') {
    throw errors.unprocessable('SUBSCRIPTION_CANNOT_HAVE_QUANTITY',
      "Subscription can't have quantity as the plan does not support quantity.");
  }

  const now = ctx.isoNow();
  const subscription: Subscription = {
    id: ctx.newId('subscription', ids.subscription),
    planId,
    status: 'APPROVAL_PENDING',
    customId,
    returnUrl,
    cancelUrl,
    brandName,
    userAction,
    billingToken: ids.billingToken(),
    checkoutToken: ids.resource(),
    startTime: isoSeconds(startMs),
    createTime: now,
    updateTime: now,
    statusUpdateTime: now,
    outstandingMinor: 0,
    failedPaymentsCount: 0,
    cyclesCompleted: 0,
    cyclesBilled: 0,
    renewalOutcome: 'succeed',
    saleIds: [],
  };
  ctx.state.subscriptions.set(subscription.id, subscription);
  ctx.state.subscriptionsByToken.set(subscription.billingToken, subscription.id);
  publishSubscription(ctx, subscription, 'BILLING.SUBSCRIPTION.CREATED');
  return subscription;
}

/** The buyer pressed Pay: the sandbox buyer becomes the subscriber, and billing starts unless the merchant
 *  asked to activate it itself (user_action CONTINUE). */
export function approve(ctx: SandboxContext, subscription: Subscription): void {
  requireStatus(subscription, 'approve', ['APPROVAL_PENDING']);
  subscription.buyer = ctx.options.buyer;
  if (subscription.userAction === 'CONTINUE') {
    setStatus(ctx, subscription, 'APPROVED');
    return;
  }
  startBilling(ctx, subscription);
}

export function applyMerchantAction(
  ctx: SandboxContext, subscription: Subscription, action: MerchantAction, reason: string,
): void {
  switch (action) {
    case 'cancel':
      requireStatus(subscription, action, ['ACTIVE', 'SUSPENDED']);
      moveTo(ctx, subscription, 'CANCELLED', reason);
      return;
    case 'suspend':
      requireStatus(subscription, action, ['ACTIVE']);
      moveTo(ctx, subscription, 'SUSPENDED', reason);
      return;
    case 'activate':
      requireStatus(subscription, action, ['APPROVED', 'SUSPENDED']);
      if (subscription.status === 'APPROVED') {
        subscription.statusChangeNote = reason;
        startBilling(ctx, subscription);
      } else {
        resumeSchedule(ctx, subscription);
        moveTo(ctx, subscription, 'ACTIVE', reason);
      }
  }
}

export function expire(ctx: SandboxContext, subscription: Subscription): void {
  requireStatus(subscription, 'expire', ['ACTIVE', 'SUSPENDED']);
  moveTo(ctx, subscription, 'EXPIRED');
}

/** Where the buyer goes after the page, with the parameters PayPal appends. */
export function redirectUrl(subscription: Subscription, base: string): string {
  const url = new URL(base);
  url.searchParams.set('subscription_id', subscription.id);
  url.searchParams.set('ba_token', subscription.billingToken);
  url.searchParams.set('token', subscription.checkoutToken);
  return url.toString();
}

function optionalUrl(context: Json, key: string): string | undefined {
  const value = optionalString(context, key, 4000, '/application_context');
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw syntaxError(`/application_context/${key}`, value);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw syntaxError(`/application_context/${key}`, value);
  return value;
}
