// Moving a license between computers without support: "Release this computer" presents the entitlement (as
// a refresh does) and adopts the server's Free answer together with the one-time transfer code; "I have a
// transfer code" binds the released license to this machine's anchor and adopts the answer → Enterprise.
// Every failure comes back as a sentence a person can act on.
import { NOT_A_TRANSFER_CODE, normalizeTransferCode } from '../../common/transfer-code';
import type { AnchorResult } from './anchor';
import { presentable, type EntitlementCache } from './entitlement-cache';
import type { LicenseEvaluation } from './license-evaluation';
import { incomingFrom } from './refresh';
import type { ServerClient } from './server-client';
import { toServerError, type ServerClientError } from './server-errors';

export type MoveOutcome =
  | { kind: 'done'; evaluation: LicenseEvaluation; saveError: string | null }
  /** `online`: whether the server answered; null when it was not asked. */
  | { kind: 'failed'; message: string; online: boolean | null };

export interface MoveDeps {
  client: Pick<ServerClient, 'releaseLicense' | 'redeemTransferCode'>;
  cache: EntitlementCache;
  anchor: AnchorResult | null;
}

export const MOVE_MESSAGES = {
  nothingToRelease: 'This computer has no license to release.',
  offline: 'The license server cannot be reached, so nothing was changed. Check your internet connection (and proxy settings, if you use one) and try again.',
  serverError: 'The license server had a problem, so nothing was changed. Try again in a moment.',
  notStarted: 'The license is still being checked; try again in a moment.',
} as const;

export async function releaseLicense(deps: MoveDeps): Promise<MoveOutcome> {
  const { presented } = await presentable(deps.cache, deps.anchor);
  if (presented === null) return failed(MOVE_MESSAGES.nothingToRelease, null);
  let answer;
  try {
    answer = await deps.client.releaseLicense(presented.anchor, presented.token);
  } catch (error) {
    return failedFor(toServerError(error, 'Releasing this computer'));
  }
  // Released at the server whatever happens next: the code must reach the person even if the answer is refused.
  const accepted = await deps.cache.accept(incomingFrom(answer), presented.anchor);
  if (!accepted.ok) {
    return failed(`This computer was released, but the server's answer could not be verified: ${accepted.reason} Your transfer code is ${answer.transfer.code}; write it down.`, true);
  }
  return { kind: 'done', evaluation: accepted.evaluation, saveError: accepted.saveError };
}

export async function redeemTransferCode(deps: MoveDeps, typed: string): Promise<MoveOutcome> {
  const anchor = deps.anchor;
  if (!anchor?.ok) return failed(anchor ? anchor.error.message : MOVE_MESSAGES.notStarted, null);
  const code = normalizeTransferCode(typed);
  if (code === null) return failed(NOT_A_TRANSFER_CODE, null);
  let answer;
  try {
    answer = await deps.client.redeemTransferCode(anchor.anchor, code);
  } catch (error) {
    return failedFor(toServerError(error, 'Moving the license to this computer'));
  }
  const accepted = await deps.cache.accept(incomingFrom(answer), anchor.anchor);
  if (!accepted.ok) return failed(`The license was moved to this computer, but the server's answer could not be verified: ${accepted.reason} Refresh to try again.`, true);
  return { kind: 'done', evaluation: accepted.evaluation, saveError: accepted.saveError };
}

function failedFor(error: ServerClientError): MoveOutcome {
  switch (error.kind) {
    case 'offline':
      return failed(MOVE_MESSAGES.offline, false);
    case 'rejected':
      // The server's own sentence: an invalid or used code, the yearly limit, nothing to release.
      return failed(error.message, true);
    default:
      return failed(MOVE_MESSAGES.serverError, true);
  }
}

const failed = (message: string, online: boolean | null): MoveOutcome => ({ kind: 'failed', message, online });
