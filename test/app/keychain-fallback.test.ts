// The file fallback, and the choice between it and the OS keychain when no Secret Service answers.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileSecretStore } from '../../main/license/file-secret-store';
import type { KeyringEntry } from '../../main/license/keychain';
import { openSecretStore } from '../../main/license/open-secret-store';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hardbound-secrets-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('file secret store', () => {
  it('writes each item as a 0600 file in a 0700 folder, reads it back and deletes it', async () => {
    const store = new FileSecretStore(tempDir());
    expect(store.kind).toBe('file');
    expect(await store.get('entitlement-token')).toBeNull();
    await store.set('entitlement-token', 'eyJhbGciOiJFZERTQSJ9.e30.sig');
    expect(await store.get('entitlement-token')).toBe('eyJhbGciOiJFZERTQSJ9.e30.sig');
    expect(mode(store.folder)).toBe(0o700);
    expect(mode(path.join(store.folder, 'entitlement-token'))).toBe(0o600);
    await store.delete('entitlement-token');
    expect(await store.get('entitlement-token')).toBeNull();
    await store.delete('entitlement-token'); // deleting what is not there is fine
  });

  it('replaces an item atomically and leaves no temporary files', async () => {
    const store = new FileSecretStore(tempDir());
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set('clock-high-water', String(1_700_000_000 + i))));
    expect(await store.get('clock-high-water')).toMatch(/^17000000(0\d|1\d)$/);
    expect(readdirSync(store.folder)).toEqual(['clock-high-water']);
    expect(mode(path.join(store.folder, 'clock-high-water'))).toBe(0o600);
  });

  it('tightens a folder that already existed with looser rights', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'secrets'));
    chmodSync(path.join(dir, 'secrets'), 0o755);
    const store = new FileSecretStore(dir);
    await store.set('entitlement-token', 'x');
    expect(mode(store.folder)).toBe(0o700);
  });

  it('refuses item names that could leave the folder', async () => {
    const store = new FileSecretStore(tempDir());
    await expect(store.set('../escape', 'x')).rejects.toThrow(RangeError);
    await expect(store.get('a/b')).rejects.toThrow(RangeError);
  });

  it('reports a failure as a file_failed error without the secret', async () => {
    const dir = tempDir();
    const blocker = path.join(dir, 'a-file-where-the-data-folder-should-be');
    writeFileSync(blocker, '');
    const store = new FileSecretStore(blocker);
    const error = await store.set('entitlement-token', 'SECRET-VALUE').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'file_failed' });
    expect(String((error as Error).message)).not.toContain('SECRET-VALUE');
  });
});

describe('choosing the store', () => {
  const entries = (make: () => KeyringEntry) => () => make();

  it('falls back to the file store, with the reason, when the keychain call fails', async () => {
    const dataDir = tempDir();
    const opened = await openSecretStore({
      service: 'dev.hardbound.test', dataDir,
      entry: entries(() => { throw new Error('DBus error: org.freedesktop.secrets was not provided by any .service files'); }),
    });
    expect(opened.store.kind).toBe('file');
    expect(opened.fallbackReason).toMatch(/org\.freedesktop\.secrets/);
    await opened.store.set('entitlement-token', 'x');
    expect(mode(path.join(dataDir, 'secrets', 'entitlement-token'))).toBe(0o600);
  });

  it('falls back when the keychain does not answer within the probe timeout', async () => {
    const never = new Promise<never>(() => undefined);
    const started = Date.now();
    const opened = await openSecretStore({
      service: 'dev.hardbound.test', dataDir: tempDir(), probeTimeoutMs: 100,
      entry: entries(() => ({ setPassword: () => never, getPassword: () => never, deletePassword: () => never })),
    });
    expect(opened.store.kind).toBe('file');
    expect(opened.fallbackReason).toMatch(/did not answer within 100 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('falls back when the keychain does not give back what was written', async () => {
    const opened = await openSecretStore({
      service: 'dev.hardbound.test', dataDir: tempDir(),
      entry: entries(() => ({ setPassword: async () => undefined, getPassword: async () => null, deletePassword: async () => false })),
    });
    expect(opened).toMatchObject({ store: { kind: 'file' }, fallbackReason: expect.stringMatching(/did not return what was written/) });
  });

  it('uses the keychain when the probe round-trip succeeds', async () => {
    const items = new Map<string, string>();
    const opened = await openSecretStore({
      service: 'dev.hardbound.test', dataDir: tempDir(),
      entry: (service, account) => ({
        setPassword: async (v) => { items.set(`${service}/${account}`, v); },
        getPassword: async () => items.get(`${service}/${account}`) ?? null,
        deletePassword: async () => items.delete(`${service}/${account}`),
      }),
    });
    expect(opened).toMatchObject({ store: { kind: 'keychain' }, fallbackReason: null });
    expect(items.size).toBe(0); // the probe cleaned up after itself
    await opened.store.set('entitlement-token', 'jws');
    expect(items.get('dev.hardbound.test/entitlement-token')).toBe('jws');
  });
});

describe('with no Secret Service on the session bus', () => {
  const saved = process.env.DBUS_SESSION_BUS_ADDRESS;
  beforeAll(() => {
    // This file runs in its own process (vitest forks): pointing the bus at nothing affects no other test.
    process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/hardbound-test-bus';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
    else process.env.DBUS_SESSION_BUS_ADDRESS = saved;
  });

  it('the real @napi-rs/keyring probe fails and the store is a file, said so', async () => {
    const dataDir = tempDir();
    const opened = await openSecretStore({ service: 'dev.hardbound.test', dataDir });
    expect(opened.store.kind).toBe('file');
    expect(opened.fallbackReason).toMatch(/keychain/);
    await opened.store.set('entitlement-token', 'jws');
    expect(mode(path.join(dataDir, 'secrets', 'entitlement-token'))).toBe(0o600);
  });
});
