// Every server process sharing a database must verify what every other one signs: an app may refresh at any of
// them. Each process publishes the key ids it holds (a heartbeat row in server_instances); one whose signer
// another cannot verify, or that cannot verify another's signer, is incompatible. At start that refuses the
// start; found later (a peer started meanwhile) it makes /readyz answer 503 naming the difference. A key
// rotation stays possible: publishing a new key (every process verifies it) before any process signs with it
// is compatible at every step (README, "Key rotation").
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock';
import type { KeyRing } from '../entitlements';
import type { Store } from '../store/database';
import * as instances from '../store/server-instances';
import type { ServerInstance } from '../store/server-instances';

const HEARTBEAT_MS = 5_000;
/** A process not seen for this long is taken for dead. */
const LIVE_MS = 3 * HEARTBEAT_MS;
/** Rows of dead processes are removed after this. */
const FORGET_MS = 3_600_000;

export interface KeySet {
  activeKid: string;
  kids: readonly string[];
}

export function keySetOf(ring: KeyRing): KeySet {
  return { activeKid: ring.active.kid, kids: ring.publicJwks.map((k) => k.kid).sort() };
}

/** Why `mine` and a peer's keys cannot serve the same apps, or null when they can. */
export function keyConflict(mine: KeySet, peer: Pick<ServerInstance, 'pid' | 'host' | 'activeKid' | 'kids'>): string | null {
  const peerKids = peer.kids.split(',').filter(Boolean);
  const who = `the server process ${peer.pid} on ${peer.host}`;
  const problems: string[] = [];
  if (!mine.kids.includes(peer.activeKid)) problems.push(`${who} signs with key ${peer.activeKid}, which this process does not hold`);
  if (!peerKids.includes(mine.activeKid)) problems.push(`this process signs with key ${mine.activeKid}, which ${who} does not hold`);
  if (problems.length === 0) return null;
  return `${problems.join('; ')}: every process sharing the database must read the same signing keys (the same HARDBOUND_KEYS_DIR, or copies of it)`;
}

export class SharedKeys {
  private readonly id = `${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  private readonly startedAt: number;
  private timer: NodeJS.Timeout | undefined;
  private conflicts: string[] = [];

  constructor(private readonly deps: { store: Store; clock: Clock; log: Logger; keys: KeySet }) {
    this.startedAt = deps.clock.now();
  }

  /** Throws, naming the difference, when a live process holds keys incompatible with ours; else joins. */
  async join(): Promise<void> {
    const conflicts = await this.check();
    if (conflicts.length > 0) throw new Error(`signing keys differ between server processes: ${conflicts.join('; ')}`);
    await this.beat();
    this.schedule();
  }

  /** Null when compatible with every live process; else what differs (for /readyz). */
  problem(): string | null {
    return this.conflicts.length > 0 ? `signing keys differ: ${this.conflicts.join('; ')}` : null;
  }

  async leave(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await instances.remove(this.deps.store.db, this.id).catch(() => undefined);
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.beat().then(
        () => this.check().then((c) => this.report(c)),
        (error: unknown) => this.deps.log.warn({ err: (error as Error).message }, 'server heartbeat failed; retried'),
      ).finally(() => {
        if (this.timer) this.schedule();
      });
    }, HEARTBEAT_MS);
    this.timer.unref();
  }

  private async beat(): Promise<void> {
    const now = this.deps.clock.now();
    const { activeKid, kids } = this.deps.keys;
    await instances.upsert(this.deps.store.db, {
      id: this.id, pid: process.pid, host: hostname(), startedAt: this.startedAt, seenAt: now, activeKid, kids: kids.join(','),
    });
    await instances.removeStale(this.deps.store.db, now - FORGET_MS);
  }

  private async check(): Promise<string[]> {
    const peers = await instances.seenSince(this.deps.store.db, this.deps.clock.now() - LIVE_MS);
    return peers.filter((p) => p.id !== this.id).flatMap((p) => keyConflict(this.deps.keys, p) ?? []);
  }

  private report(conflicts: string[]): void {
    if (conflicts.join() !== this.conflicts.join() && conflicts.length > 0) this.deps.log.error({ conflicts }, 'signing keys differ from another server process; /readyz answers 503');
    this.conflicts = conflicts;
  }
}
