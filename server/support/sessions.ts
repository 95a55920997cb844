// Console sessions. Signing in exchanges a support token for a random session secret that lives only in an
// httpOnly cookie (the server keeps its hash); the token itself is never stored by the browser. A session ends
// when signed out, after `idleMs` without a request, after `maxMs` whatever happens, or when its token is revoked.
// Its CSRF token is derived from the secret, so the page can be given it again after a reload and no one
// without the cookie can compute it.
import { createHash } from 'node:crypto';
import type { SupportRole } from '../../common/api';
import type { Clock } from '../../common/clock';
import { hashSecret, newSecret } from '../ids';
import type { Store } from '../store/database';
import * as sessions from '../store/support-sessions';
import * as supportTokens from '../store/support-tokens';
import type { SupportTokenRecord } from '../store/support-tokens';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export interface OpenSession {
  token: { id: string; name: string; role: SupportRole };
  csrfToken: string;
  expiresAt: number;
}

/** Sessions are touched at most this often: every request need not be a write. */
const TOUCH_EVERY_MS = 15_000;

export class SupportSessions {
  constructor(private readonly deps: { store: Store; clock: Clock; policy: SessionPolicy }) {}

  get policy(): SessionPolicy {
    return this.deps.policy;
  }

  /** The live token a bearer secret names, or null (unknown or revoked: told apart by no one). */
  async tokenFor(secret: string): Promise<SupportTokenRecord | null> {
    return (await supportTokens.findByHash(this.deps.store.db, hashSecret(secret))) ?? null;
  }

  async open(token: SupportTokenRecord): Promise<{ secret: string; session: OpenSession }> {
    const now = this.deps.clock.now();
    const secret = newSecret('hbc');
    const expiresAt = now + this.deps.policy.maxMs;
    await sessions.insert(this.deps.store.db, { idHash: hashSecret(secret), tokenId: token.id, createdAt: now, lastSeenAt: now, expiresAt });
    return { secret, session: { token: { id: token.id, name: token.name, role: token.role }, csrfToken: csrfTokenFor(secret), expiresAt } };
  }

  /** The session behind a cookie: open, 'expired' (idle or past its end: it is ended now), or null (unknown). */
  async resume(secret: string): Promise<OpenSession | 'expired' | null> {
    const db = this.deps.store.db;
    const idHash = hashSecret(secret);
    const found = await sessions.findOpen(db, idHash);
    if (!found) return null;
    const now = this.deps.clock.now();
    if (now >= found.expiresAt || now - found.lastSeenAt >= this.deps.policy.idleMs) {
      await sessions.end(db, idHash, now);
      return 'expired';
    }
    if (now - found.lastSeenAt >= TOUCH_EVERY_MS) await sessions.touch(db, idHash, now);
    return { token: { id: found.tokenId, name: found.tokenName, role: found.role }, csrfToken: csrfTokenFor(secret), expiresAt: found.expiresAt };
  }

  end(secret: string): Promise<boolean> {
    return sessions.end(this.deps.store.db, hashSecret(secret), this.deps.clock.now());
  }
}

export function csrfTokenFor(secret: string): string {
  return createHash('sha256').update(`hardbound-support-csrf:${secret}`).digest('base64url');
}
