// The keychain store against a real Secret Service (gnome-keyring). Run under
// scripts/with-secret-service.sh (a private D-Bus session with an unlocked keyring); elsewhere these
// tests skip and say why, and under CI=true they fail instead.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AsyncEntry } from '@napi-rs/keyring';
import { afterAll, describe, expect } from 'vitest';
import { KeychainSecretStore } from '../../main/license/keychain';
import { openSecretStore } from '../../main/license/open-secret-store';
import { EntitlementCache } from '../../main/license/entitlement-cache';
import { STORED_ITEMS } from '../../main/license/stored-items';
import { parseStored } from '../../main/license/stored-license';
import { itWithSystem, type SystemPart } from '../support/system';
import { claimsFor, FakeClock, ISSUER, makeIssuer, randomAnchor } from './core-support';

/** Does a real Secret Service answer a write/read/delete round-trip within 2 s? Asked without our code. */
async function secretService(): Promise<SystemPart> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    return { available: false, reason: 'no D-Bus session bus (run the tests through scripts/with-secret-service.sh)' };
  }
  const attempt = (async () => {
    const entry = new AsyncEntry('dev.hardbound.test.detect', 'detect', { linux: { store: 'secret-service' } });
    await entry.setPassword('ok');
    const back = await entry.getPassword();
    await entry.deletePassword();
    return back === 'ok';
  })();
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 2_000).unref());
  try {
    return (await Promise.race([attempt, timeout]))
      ? { available: true, reason: '' }
      : { available: false, reason: 'the Secret Service did not answer within 2 s' };
  } catch (error) {
    return { available: false, reason: `no Secret Service answers: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const part = await secretService();
const service = `dev.hardbound.test.${randomUUID()}`;
const dataDir = mkdtempSync(path.join(tmpdir(), 'hardbound-keychain-'));

afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  if (!part.available) return;
  const store = new KeychainSecretStore({ service });
  for (const name of Object.values(STORED_ITEMS)) await store.delete(name);
});

describe('OS keychain (real Secret Service)', () => {
  itWithSystem(part, 'openSecretStore chooses the keychain when the Secret Service answers the probe', async () => {
    const opened = await openSecretStore({ service, dataDir });
    expect(opened.store.kind).toBe('keychain');
    expect(opened.fallbackReason).toBeNull();
  });

  itWithSystem(part, 'stores, reads, replaces and deletes an item under service = app id, account = item name', async () => {
    const store = new KeychainSecretStore({ service });
    expect(await store.get(STORED_ITEMS.entitlement)).toBeNull();
    await store.set(STORED_ITEMS.entitlement, 'first');
    await store.set(STORED_ITEMS.entitlement, 'second');
    expect(await store.get(STORED_ITEMS.entitlement)).toBe('second');
    // Written where any keyring client finds it: the same service and account through the library directly.
    const direct = new AsyncEntry(service, STORED_ITEMS.entitlement, { linux: { store: 'secret-service' } });
    expect(await direct.getPassword()).toBe('second');
    await store.delete(STORED_ITEMS.entitlement);
    expect(await store.get(STORED_ITEMS.entitlement)).toBeNull();
    await store.delete(STORED_ITEMS.entitlement);
  });

  itWithSystem(part, 'keeps the entitlement and the clock mark across a restart of the app (a new store instance)', async () => {
    const issuer = await makeIssuer();
    const anchor = randomAnchor();
    const clock = new FakeClock();
    const trust = { pinnedJwks: issuer.jwks, issuer: ISSUER };
    const claims = claimsFor(anchor, clock.now());
    const token = await issuer.sign(claims);
    const before = new EntitlementCache({ secrets: new KeychainSecretStore({ service }), trust, clock });
    expect(await before.accept({ token, fromServer: true }, anchor)).toMatchObject({ ok: true, saveError: null });

    const after = new EntitlementCache({ secrets: new KeychainSecretStore({ service }), trust, clock });
    expect(await after.evaluate(anchor)).toMatchObject({ tier: 'enterprise', entitlement: { licenseId: claims.lic } });
    // Token and mark in one keychain item: neither can be dropped without the other.
    const raw = parseStored(await new KeychainSecretStore({ service }).get(STORED_ITEMS.entitlement));
    expect(raw).toMatchObject({ kind: 'stored', stored: { token, mark: { seenAt: clock.now(), iat: claims.iat } } });
  });

  itWithSystem(part, 'reads over the connection it opened what another client wrote later, and writes what it sees', async () => {
    const opened = await openSecretStore({ service, dataDir });
    const direct = new AsyncEntry(service, STORED_ITEMS.entitlement, { linux: { store: 'secret-service' } });
    await direct.setPassword('from another client');
    expect(await opened.store.get(STORED_ITEMS.entitlement)).toBe('from another client');
    await opened.store.set(STORED_ITEMS.entitlement, 'from the store');
    expect(await direct.getPassword()).toBe('from the store');
    await opened.store.delete(STORED_ITEMS.entitlement);
    expect(await direct.getPassword()).toBeNull();
  });

  itWithSystem(part, 'keeps one token per app id: another service name does not see it', async () => {
    const mine = new KeychainSecretStore({ service });
    const other = new KeychainSecretStore({ service: `${service}.other` });
    await mine.set(STORED_ITEMS.entitlement, 'mine');
    expect(await other.get(STORED_ITEMS.entitlement)).toBeNull();
  });
});
