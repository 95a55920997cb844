// The stored license (stored-license.ts: the token with its clock mark in one item): read and judged offline
// at start, replaced only by a token that passes the very same checks.
import { decodeJwt } from 'jose';
import type { TransferCode, UnboundReason } from '../../common/api';
import type { Clock } from '../../common/clock';
import type { LicenseView } from '../../common/license';
import type { AnchorResult } from './anchor';
import { clockBehind, markMoved, raiseMark, ROLLBACK_TOLERANCE_MS } from './clock-guard';
import { verifyEntitlement, type EntitlementTrust } from './entitlement-check';
import {
  CLOCK_ROLLED_BACK,
  evaluationOf,
  freeBecause,
  MARK_MISSING,
  NO_LICENSE,
  STORE_UNREADABLE,
  STORE_UNWRITABLE,
  STORED_UNREADABLE,
  type LicenseEvaluation,
} from './license-evaluation';
import type { SecretStore } from './ports';
import { STORED_ITEMS } from './stored-items';
import { parseStored, serializeStored, type StoredLicense, type StoredRead } from './stored-license';

export type AcceptedEntitlement =
  | {
      ok: true;
      evaluation: LicenseEvaluation;
      /** Why the verified token could not be saved (it then holds for this session only), or null. */
      saveError: string | null;
    }
  | { ok: false; superseded: false; reason: string }
  /** Another token was accepted after the caller read `generation`: this older answer is dropped. */
  | { ok: false; superseded: true; reason: string };

/** A token to adopt and what came with it. */
export interface IncomingLicense {
  token: string;
  /** The server's answer carried these (a pasted token carries none: what is stored for the same license stays). */
  fromServer: boolean;
  license?: LicenseView | null;
  unbound?: UnboundReason | null;
  transfer?: TransferCode | null;
}

export interface EntitlementCacheDeps {
  secrets: SecretStore;
  trust: EntitlementTrust;
  clock: Clock;
}

const STALE_ANSWER = 'This license is older than one this app has already seen on this computer.';

export class EntitlementCache {
  /** The newest license accepted this session: judged and presented even if saving it failed. */
  private latest: StoredLicense | null = null;
  private accepted = 0;
  private writes: Promise<unknown> = Promise.resolve();
  private answeredAt: number | null = null;

  constructor(private readonly deps: EntitlementCacheDeps) {}

  /** Counts accepted tokens; a caller that read it before a slow call can tell whether its answer is stale. */
  get generation(): number {
    return this.accepted;
  }

  /** Local time (epoch ms) of the server's last answer, as last read or accepted; null when never. */
  get refreshedAt(): number | null {
    return this.answeredAt;
  }

  /** The stored license: this session's newest, else the item in the store. Rejects when the store fails. */
  async read(): Promise<StoredRead> {
    if (this.latest) return { kind: 'stored', stored: this.latest };
    return parseStored(await this.deps.secrets.get(STORED_ITEMS.entitlement));
  }

  /** The token to present to the server (also an expired one: the server renews it). */
  async token(): Promise<string | null> {
    const read = await this.read();
    return read.kind === 'stored' ? read.stored.token : null;
  }

  /** Judges the stored license offline, for this anchor, at the local clock. `read` may be one already under
   *  way (start reads the store while the machine id is read). */
  async evaluate(anchor: string, read: Promise<StoredRead> = this.read()): Promise<LicenseEvaluation> {
    const basedOn = this.accepted;
    let found: StoredRead;
    try {
      found = await read;
    } catch {
      return freeBecause(STORE_UNREADABLE);
    }
    if (found.kind === 'none') return freeBecause(NO_LICENSE);
    if (found.kind === 'unreadable') return freeBecause(STORED_UNREADABLE);
    const stored = found.stored;
    this.answeredAt = stored.refreshedAt;
    const now = this.deps.clock.now();
    if (stored.mark === null) return freeBecause(MARK_MISSING, true);
    if (clockBehind(now, stored.mark)) return freeBecause(CLOCK_ROLLED_BACK, true);
    const verdict = await verifyEntitlement(stored.token, { trust: this.deps.trust, anchor, now });
    if (!verdict.ok) return freeBecause(verdict.reason);
    const mark = raiseMark(stored.mark, now, verdict.claims.iat);
    // Queued, not awaited: the state goes out first. A mark that cannot be saved only means the next start
    // judges against the older one.
    if (markMoved(stored.mark, mark)) {
      void this.write(async () => {
        if (this.accepted === basedOn) await this.save({ ...stored, mark });
      }).catch(() => undefined);
    }
    return evaluationOf(verdict.claims, { license: stored.license, unbound: stored.unbound, transfer: live(stored.transfer, now) });
  }

  /**
   * A token to adopt: one the server just issued (checkout completed, refresh, release, a transfer code) or
   * one support sent. Its time claims are judged at the later of the local clock and the token's own `iat`
   * (the server just vouched for that time, so a local clock that runs behind does not reject a genuine
   * answer); a token older than the newest one this computer has seen is refused whatever the clock says.
   * With `basedOn` (a `generation` read before the request), it is dropped if another was accepted meanwhile.
   */
  async accept(incoming: IncomingLicense, anchor: string, basedOn?: number): Promise<AcceptedEntitlement> {
    const { token } = incoming;
    let issuedAt: number;
    try {
      const iat = decodeJwt(token).iat;
      if (typeof iat !== 'number') return rejected('The license token has no issue time.');
      issuedAt = iat;
    } catch {
      return rejected(incoming.fromServer ? 'The server\'s answer is not a readable license token.' : 'That is not a readable license token.');
    }
    const current = await this.read().then(
      (read) => (read.kind === 'stored' ? read.stored : null),
      () => null,
    );
    const mark = current?.mark ?? null;
    const localNow = this.deps.clock.now();
    const now = Math.max(localNow, issuedAt * 1000);
    if (mark && (clockBehind(now, mark) || issuedAt * 1000 < mark.iat * 1000 - ROLLBACK_TOLERANCE_MS)) return rejected(STALE_ANSWER);
    const verdict = await verifyEntitlement(token, { trust: this.deps.trust, anchor, now });
    if (!verdict.ok) return rejected(verdict.reason);
    if (basedOn !== undefined && basedOn !== this.accepted) {
      return { ok: false, superseded: true, reason: 'A newer license arrived while this answer was on its way.' };
    }
    const sameLicense = current?.license?.id === verdict.claims.lic ? current.license : null;
    const stored: StoredLicense = {
      token,
      mark: raiseMark(mark, localNow, verdict.claims.iat),
      refreshedAt: incoming.fromServer ? localNow : (current?.refreshedAt ?? null),
      license: incoming.fromServer ? (incoming.license ?? null) : sameLicense,
      unbound: incoming.unbound ?? null,
      // A refresh while the code is still unused says 'released' again; the code itself came once, with the release.
      transfer: incoming.transfer ?? (incoming.unbound === 'released' ? (current?.transfer ?? null) : null),
    };
    this.accepted++;
    this.latest = stored;
    this.answeredAt = stored.refreshedAt;
    let saveError: string | null = null;
    try {
      await this.write(() => this.save(stored));
    } catch {
      saveError = STORE_UNWRITABLE;
    }
    const evaluation = evaluationOf(verdict.claims, { license: stored.license, unbound: stored.unbound, transfer: live(stored.transfer, localNow) });
    return { ok: true, evaluation, saveError };
  }

  private save(stored: StoredLicense): Promise<void> {
    return this.deps.secrets.set(STORED_ITEMS.entitlement, serializeStored(stored));
  }

  /** Store writes run one after another, so the license accepted last is the one left stored. */
  private write(operation: () => Promise<void>): Promise<void> {
    const next = this.writes.then(operation);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

const rejected = (reason: string): AcceptedEntitlement => ({ ok: false, superseded: false, reason });

const live = (transfer: TransferCode | null, now: number): TransferCode | null => (transfer && Date.parse(transfer.expiresAt) > now ? transfer : null);

/**
 * What a call to the server presents: this machine's anchor and stored token (null when either is missing, or
 * the store cannot be read — nothing to present either way), and the cache generation read BEFORE the call, so
 * an answer overtaken by a newer token (a checkout that completed meanwhile) is dropped by accept().
 */
export async function presentable(
  cache: EntitlementCache,
  anchor: AnchorResult | null,
): Promise<{ presented: { anchor: string; token: string } | null; basedOn: number }> {
  const basedOn = cache.generation;
  if (!anchor?.ok) return { presented: null, basedOn };
  const token = await cache.token().catch(() => null);
  return { presented: token === null ? null : { anchor: anchor.anchor, token }, basedOn };
}
