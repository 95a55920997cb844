// How the keychain store uses the library's entries: each entry is a D-Bus connection with an encrypted
// session (opened in its constructor), so the store keeps one per item and replaces it only when it stops
// answering. Fake entries count what is opened; the real Secret Service is in keychain.test.ts.
import { describe, expect, it } from 'vitest';
import { KeychainSecretStore, type KeyringEntry, type KeyringEntryFactory } from '../../main/license/keychain';
import { openSecretStore } from '../../main/license/open-secret-store';
import { STORED_ITEMS } from '../../main/license/stored-items';

/** A keyring in memory whose entries can be made to fail or hang, recording every entry opened. */
function fakeKeyring() {
  const items = new Map<string, string>();
  const opened: Array<{ account: string; entry: KeyringEntry; broken: boolean; hangs: boolean }> = [];
  const factory: KeyringEntryFactory = (service, account) => {
    const key = `${service}/${account}`;
    const record = { account, broken: false, hangs: false, entry: null as unknown as KeyringEntry };
    const gate = async () => {
      if (record.hangs) await new Promise<never>(() => undefined);
      if (record.broken) throw new Error('Platform failure: DBus error: The session does not exist');
    };
    record.entry = {
      getPassword: async () => (await gate(), items.get(key) ?? null),
      setPassword: async (value) => {
        await gate();
        items.set(key, value);
      },
      deletePassword: async () => (await gate(), items.delete(key)),
    };
    opened.push(record);
    return record.entry;
  };
  const openedFor = (account: string) => opened.filter((r) => r.account === account);
  return { items, opened, openedFor, factory };
}

const SERVICE = 'dev.hardbound.test';
const ITEM = STORED_ITEMS.entitlement;

describe('keychain store connections', () => {
  it('opens one entry per item and keeps it for every later read, write and delete', async () => {
    const keyring = fakeKeyring();
    const store = new KeychainSecretStore({ service: SERVICE, entry: keyring.factory });
    await store.set(ITEM, 'one');
    expect(await store.get(ITEM)).toBe('one');
    await store.set(ITEM, 'two');
    expect(await store.get(ITEM)).toBe('two');
    await store.delete(ITEM);
    expect(await store.get(ITEM)).toBeNull();
    expect(keyring.openedFor(ITEM)).toHaveLength(1);
    await store.get('another-item');
    expect(keyring.opened.map((r) => r.account)).toEqual([ITEM, 'another-item']);
  });

  it('reads what another client wrote after the entry was opened: entries are kept, values are not', async () => {
    const keyring = fakeKeyring();
    const store = new KeychainSecretStore({ service: SERVICE, entry: keyring.factory });
    expect(await store.get(ITEM)).toBeNull();
    keyring.items.set(`${SERVICE}/${ITEM}`, 'written elsewhere');
    expect(await store.get(ITEM)).toBe('written elsewhere');
  });

  it('replaces an entry that stopped answering (the keyring daemon restarted) and tries the call once more', async () => {
    const keyring = fakeKeyring();
    const store = new KeychainSecretStore({ service: SERVICE, entry: keyring.factory });
    await store.set(ITEM, 'kept');
    keyring.openedFor(ITEM)[0]!.broken = true;
    expect(await store.get(ITEM)).toBe('kept');
    expect(keyring.openedFor(ITEM)).toHaveLength(2);
    // The new entry is the one kept from now on.
    await store.set(ITEM, 'again');
    expect(keyring.openedFor(ITEM)).toHaveLength(2);
  });

  it('reports the failure of a new entry, without trying again, and opens another for the next call', async () => {
    const keyring = fakeKeyring();
    const broken: KeyringEntryFactory = (service, account) => {
      const entry = keyring.factory(service, account);
      keyring.opened.at(-1)!.broken = true;
      return entry;
    };
    const store = new KeychainSecretStore({ service: SERVICE, entry: broken });
    await expect(store.get(ITEM)).rejects.toMatchObject({ code: 'keychain_failed', message: expect.stringMatching(/reading entitlement-token: .*session does not exist/) });
    expect(keyring.openedFor(ITEM)).toHaveLength(1);
    await expect(store.get(ITEM)).rejects.toMatchObject({ code: 'keychain_failed' });
    expect(keyring.openedFor(ITEM)).toHaveLength(2);
  });

  it('does not reuse an entry whose call did not answer in time', async () => {
    const keyring = fakeKeyring();
    const store = new KeychainSecretStore({ service: SERVICE, entry: keyring.factory, timeoutMs: 50 });
    await store.set(ITEM, 'kept');
    keyring.openedFor(ITEM)[0]!.hangs = true;
    await expect(store.get(ITEM)).rejects.toMatchObject({ code: 'keychain_timeout' });
    expect(await store.get(ITEM)).toBe('kept');
    expect(keyring.openedFor(ITEM)).toHaveLength(2);
  });

  it('open() makes the item\'s entry ahead of its first call, once', async () => {
    const keyring = fakeKeyring();
    const store = new KeychainSecretStore({ service: SERVICE, entry: keyring.factory });
    store.open(ITEM);
    store.open(ITEM);
    expect(keyring.openedFor(ITEM)).toHaveLength(1);
    await store.set(ITEM, 'x');
    expect(keyring.openedFor(ITEM)).toHaveLength(1);
  });

  it('open() of an entry the library cannot make leaves the error to the first call', async () => {
    const store = new KeychainSecretStore({
      service: SERVICE,
      entry: () => {
        throw new Error('DBus error: org.freedesktop.secrets was not provided by any .service files');
      },
    });
    expect(() => store.open(ITEM)).not.toThrow();
    await expect(store.get(ITEM)).rejects.toMatchObject({ code: 'keychain_failed', message: expect.stringMatching(/org\.freedesktop\.secrets/) });
  });
});

describe('opening the secret store', () => {
  it('probes over one entry, then opens the license item\'s own entry for the core\'s first read', async () => {
    const keyring = fakeKeyring();
    const opened = await openSecretStore({ service: SERVICE, dataDir: '/nonexistent-unused', entry: keyring.factory });
    expect(opened).toMatchObject({ store: { kind: 'keychain' }, fallbackReason: null });
    expect(keyring.opened.map((r) => r.account)).toEqual(['hardbound-probe', ITEM]);
    await opened.store.get(ITEM);
    expect(keyring.opened).toHaveLength(2);
  });

  it('opens nothing more when the probe fails', async () => {
    const keyring = fakeKeyring();
    const failing: KeyringEntryFactory = (service, account) => {
      const entry = keyring.factory(service, account);
      keyring.opened.at(-1)!.broken = true;
      return entry;
    };
    const opened = await openSecretStore({ service: SERVICE, dataDir: '/nonexistent-unused', entry: failing });
    expect(opened.store.kind).toBe('file');
    expect(keyring.opened.map((r) => r.account)).toEqual(['hardbound-probe']);
  });
});
