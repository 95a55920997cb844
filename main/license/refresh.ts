// One refresh: present the current token to POST /v1/entitlements/refresh and adopt the answer — after
// verifying it exactly like a cached token. Refunds, revocations and ended subscriptions arrive here as a
// signed Free entitlement and replace the stored one. A machine with nothing to present still learns
// whether the server answers (and the current plans).
import type { RefreshResponse } from '../../common/api';
import type { PlanCatalog } from '../../common/app-state';
import type { AnchorResult } from './anchor';
import { presentable, type EntitlementCache, type IncomingLicense } from './entitlement-cache';
import type { LicenseEvaluation } from './license-evaluation';
import type { ServerClient } from './server-client';
import { toServerError, type ServerClientError } from './server-errors';

export type RefreshOutcome =
  /** The server answered with an entitlement that passed verification; it is now the stored one. */
  | { kind: 'refreshed'; evaluation: LicenseEvaluation; saveError: string | null }
  /** Nothing to present (no token, or no anchor): the plans call showed the server answers. */
  | { kind: 'nothing_to_refresh'; catalog: PlanCatalog }
  /** A checkout completed while this refresh was under way; its newer license stands. */
  | { kind: 'superseded' }
  /** The server answered, but its entitlement failed verification, or it refused ours (4xx). */
  | { kind: 'refused'; message: string }
  /** No usable answer: offline or a server error. The cached entitlement stays (`presented`: there was one). */
  | { kind: 'unreachable'; error: ServerClientError; presented: boolean };

export interface RefreshDeps {
  client: Pick<ServerClient, 'listPlans' | 'refresh'>;
  cache: EntitlementCache;
  anchor: AnchorResult | null;
  signal?: AbortSignal;
}

export async function refreshLicense(deps: RefreshDeps): Promise<RefreshOutcome> {
  // An unreadable store is shown by the offline evaluation; there is nothing to present either way.
  const { presented, basedOn } = await presentable(deps.cache, deps.anchor);
  try {
    if (presented === null) return { kind: 'nothing_to_refresh', catalog: await deps.client.listPlans(deps.signal) };
    const { anchor, token } = presented;
    const answer = await deps.client.refresh(anchor, token, deps.signal);
    const accepted = await deps.cache.accept(incomingFrom(answer), anchor, basedOn);
    if (!accepted.ok && accepted.superseded) return { kind: 'superseded' };
    if (!accepted.ok) return { kind: 'refused', message: `The server's answer could not be verified: ${accepted.reason}` };
    return { kind: 'refreshed', evaluation: accepted.evaluation, saveError: accepted.saveError };
  } catch (error) {
    const failure = toServerError(error, 'Refreshing the license');
    if (failure.kind === 'rejected' || failure.kind === 'bad_response') return { kind: 'refused', message: failure.message };
    return { kind: 'unreachable', error: failure, presented: presented !== null };
  }
}

/** An answer the server gave about this machine's license, as the cache takes it. */
export function incomingFrom(answer: RefreshResponse & { transfer?: IncomingLicense['transfer'] }): IncomingLicense {
  return { token: answer.entitlement.token, fromServer: true, license: answer.license, unbound: answer.unbound ?? null, transfer: answer.transfer ?? null };
}
