// Shared by the entitlement tests: a throw-away keys folder, a fixed clock and a typical grant.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdjustableClock } from '../../common/clock';
import type { EntitlementGrant, KeyRing } from '../../server/entitlements/index';
import { loadKeyRing } from '../../server/entitlements/index';

export const ISSUER = 'https://licenses.hardbound.test';
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);
export const DAY_MS = 86_400_000;

export function fixedClock(at = T0): AdjustableClock {
  return new AdjustableClock({ now: () => at });
}

export function randomAnchor(): string {
  return randomBytes(32).toString('base64url');
}

export function grantFor(anchor: string, overrides: Partial<EntitlementGrant> = {}): EntitlementGrant {
  return { sub: anchor, tier: 'enterprise', lic: 'lic_01J0TEST', txn: '3C679366HH908993F', status: 'active', plan: 'enterprise-lifetime', ...overrides };
}

/** A fresh folder under the OS temp dir; `cleanup` removes it (call it in afterEach). */
export async function tempFolder(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'hardbound-keys-'));
  return { dir: join(root, 'keys'), cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function mustLoad(dir: string, activeKid?: string): Promise<KeyRing> {
  const loaded = await loadKeyRing(dir, activeKid === undefined ? {} : { activeKid });
  if (!loaded.ok) throw new Error(`key ring did not load: ${loaded.code} ${loaded.detail}`);
  return loaded.ring;
}
