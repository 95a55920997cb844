// The stored entitlement and the clock high-water mark: read and judged offline at start, replaced only
// by a token from the server that passes the very same checks.
import type { AnchorResult } from './anchor';
import { decodeJwt } from 'jose';
import type { Clock } from '../../common/clock';
import { clockRolledBack, parseHighWater } from './clock-guard';
import { verifyEntitlement, type EntitlementTrust } from './entitlement-check';
import { CLOCK_ROLLED_BACK, evaluationOf, freeBecause, NO_LICENSE, type LicenseEvaluation } from './license-evaluation';
import type { SecretStore } from './ports';
import { STORED_ITEMS } from './stored-items';

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

export interface EntitlementCacheDeps {
  secrets: SecretStore;
  trust: EntitlementTrust;
  clock: Clock;
}

const STALE_ANSWER = 'The server sent a license older than one this app has already seen.';

export class EntitlementCache {
  /** The newest token accepted this session: refresh presents it even if saving it failed. */
  private latest: string | null = null;
  private accepted = 0;
  private writes: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: EntitlementCacheDeps) {}

  /** Counts accepted tokens; a caller that read it before a slow call can tell whether its answer is stale. */
  get generation(): number {
    return this.accepted;
  }

  /** The token to present to POST /v1/entitlements/refresh (also an expired one: the server renews it). */
  async token(): Promise<string | null> {
    return this.latest ?? (await this.deps.secrets.get(STORED_ITEMS.entitlement));
  }

  /** Judges the stored token offline, for this anchor, at the local clock. */
  async evaluate(anchor: string): Promise<LicenseEvaluation> {
    let token: string | null;
    let highWater: number | null;
    try {
      token = await this.token();
      highWater = parseHighWater(await this.deps.secrets.get(STORED_ITEMS.clockHighWater));
    } catch (error) {
      return freeBecause(`The license could not be read: ${error instanceof Error ? error.message : String(error)}.`);
    }
    if (token === null) return freeBecause(NO_LICENSE);
    const now = this.deps.clock.now();
    if (clockRolledBack(now, highWater)) return freeBecause(CLOCK_ROLLED_BACK, true);
    const verdict = await verifyEntitlement(token, { trust: this.deps.trust, anchor, now });
    if (!verdict.ok) return freeBecause(verdict.reason);
    // A mark that cannot be saved only weakens the rollback guard; the license itself stands.
    await this.write(() => this.raiseHighWater(verdict.claims.iat)).catch(() => undefined);
    return evaluationOf(verdict.claims);
  }

  /**
   * A token the server just issued (checkout completed, refresh). Its time claims are judged at the later
   * of the local clock and the token's own `iat`: the server just vouched for that time, so a local clock
   * that runs behind does not reject a genuine answer — while an old token replayed as an answer still
   * trips the rollback guard against the newest `iat` seen. With `basedOn` (a `generation` read before
   * the request), the token is dropped if another was accepted meanwhile.
   */
  async accept(token: string, anchor: string, basedOn?: number): Promise<AcceptedEntitlement> {
    let issuedAt: number;
    try {
      const iat = decodeJwt(token).iat;
      if (typeof iat !== 'number') return rejected('The license token has no issue time.');
      issuedAt = iat;
    } catch {
      return rejected('The server\'s answer is not a readable license token.');
    }
    const highWater = await this.readHighWater();
    const now = Math.max(this.deps.clock.now(), issuedAt * 1000);
    if (clockRolledBack(now, highWater)) return rejected(STALE_ANSWER);
    const verdict = await verifyEntitlement(token, { trust: this.deps.trust, anchor, now });
    if (!verdict.ok) return rejected(verdict.reason);
    if (basedOn !== undefined && basedOn !== this.accepted) {
      return { ok: false, superseded: true, reason: 'A newer license arrived while this answer was on its way.' };
    }
    this.accepted++;
    this.latest = token;
    let saveError: string | null = null;
    try {
      await this.write(async () => {
        await this.deps.secrets.set(STORED_ITEMS.entitlement, token);
        await this.raiseHighWater(verdict.claims.iat);
      });
    } catch (error) {
      saveError = `The license could not be saved (${error instanceof Error ? error.message : String(error)}); it applies until the app quits.`;
    }
    return { ok: true, evaluation: evaluationOf(verdict.claims), saveError };
  }

  /** An unreadable mark counts as none: better judge without it than refuse what the server just granted. */
  private async readHighWater(): Promise<number | null> {
    try {
      return parseHighWater(await this.deps.secrets.get(STORED_ITEMS.clockHighWater));
    } catch {
      return null;
    }
  }

  private async raiseHighWater(iat: number): Promise<void> {
    const current = await this.readHighWater();
    if (current === null || iat > current) await this.deps.secrets.set(STORED_ITEMS.clockHighWater, String(iat));
  }

  /** Store writes run one after another, so the token accepted last is the one left stored. */
  private write(operation: () => Promise<void>): Promise<void> {
    const next = this.writes.then(operation);
    this.writes = next.catch(() => undefined);
    return next;
  }
}

const rejected = (reason: string): AcceptedEntitlement => ({ ok: false, superseded: false, reason });

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

