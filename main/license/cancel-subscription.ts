// "Manage subscription → Cancel subscription": present the current token to POST
// /v1/entitlements/cancel-subscription and adopt the answer exactly as a refresh does (verified like a cached
// token). The provider ends the subscription; Enterprise continues until the paid period ends, so the answer is
// usually still Enterprise, now cancelled. Every failure is a state with a sentence a person can act on.
import type { CancelSubscriptionResponse } from '../../common/api';
import type { CancelFailure, SubscriptionManagement } from '../../common/app-state';
import type { AnchorResult } from './anchor';
import { presentable, type EntitlementCache } from './entitlement-cache';
import type { LicenseEvaluation } from './license-evaluation';
import { incomingFrom } from './refresh';
import type { ServerClient } from './server-client';
import { toServerError, type ServerClientError } from './server-errors';

type Done = Extract<SubscriptionManagement, { step: 'done' }>;
type Failed = Extract<SubscriptionManagement, { step: 'failed' }>;

export type CancelOutcome =
  /** `adopted`: the answer's entitlement, now the stored one; null when a newer one arrived meanwhile. */
  | { kind: 'done'; manage: Done; adopted: { evaluation: LicenseEvaluation; saveError: string | null } | null }
  /** `online`: whether the server answered at all; null when it was not asked. */
  | { kind: 'failed'; manage: Failed; online: boolean | null };

export interface CancelDeps {
  client: Pick<ServerClient, 'cancelSubscription'>;
  cache: EntitlementCache;
  anchor: AnchorResult | null;
}

export const CANCEL_MESSAGES = {
  noSubscription: 'This machine has no subscription to cancel.',
  offline: 'The license server cannot be reached. Check your internet connection and try again; nothing was cancelled.',
  serverError: 'The license server had a problem. Try again in a moment.',
} as const;

export async function cancelSubscription(deps: CancelDeps): Promise<CancelOutcome> {
  const { presented, basedOn } = await presentable(deps.cache, deps.anchor);
  if (presented === null) return failed('not_a_subscription', CANCEL_MESSAGES.noSubscription, false, null);
  const { anchor, token } = presented;

  let answer: CancelSubscriptionResponse;
  try {
    answer = await deps.client.cancelSubscription(anchor, token);
  } catch (error) {
    return failedFor(toServerError(error, 'Cancelling the subscription'));
  }
  const accepted = await deps.cache.accept(incomingFrom(answer), anchor, basedOn);
  if (!accepted.ok && !accepted.superseded) {
    return failed('invalid_entitlement', `The subscription is cancelled, but the server's answer could not be verified: ${accepted.reason}`, false, true);
  }
  const manage: Done = {
    step: 'done',
    licenseId: answer.license?.id ?? answer.entitlement.claims.lic,
    endsAt: endOfAccess(answer),
    recorded: answer.cancellation === 'recorded',
  };
  return { kind: 'done', manage, adopted: accepted.ok ? { evaluation: accepted.evaluation, saveError: accepted.saveError } : null };
}

/** When Enterprise ends: the cancelled license's end of access, or — the provider's notice still on its way —
 *  the end of the period already paid for, which is where the provider's cancellation takes effect. */
function endOfAccess(answer: CancelSubscriptionResponse): string {
  const { license, entitlement } = answer;
  const ptd = entitlement.claims.ptd;
  return license?.accessEndsAt ?? license?.paidThrough ?? new Date((ptd ?? entitlement.claims.exp) * 1000).toISOString();
}

function failedFor(error: ServerClientError): CancelOutcome {
  switch (error.kind) {
    case 'offline':
      return failed('offline', CANCEL_MESSAGES.offline, true, false);
    case 'server_error':
      // The provider being unreachable is the server's own, actionable sentence; other 5xx say nothing useful.
      return failed('server_error', error.code === 'provider_unavailable' ? error.message : CANCEL_MESSAGES.serverError, true, true);
    case 'bad_response':
    case 'aborted':
      return failed('server_error', CANCEL_MESSAGES.serverError, true, true);
    case 'rejected':
      if (error.code === 'not_a_subscription') return failed('not_a_subscription', error.message, false, true);
      return failed('refused', error.message, error.code === 'rate_limited', true);
  }
}

function failed(reason: CancelFailure, message: string, retryable: boolean, online: boolean | null): CancelOutcome {
  return { kind: 'failed', manage: { step: 'failed', reason, message, retryable }, online };
}
