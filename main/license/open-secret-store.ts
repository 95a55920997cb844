// Chooses where the token lives: the OS keychain when a Secret Service (or the macOS/Windows keychain)
// answers a probe in time, else the file store. The choice is returned with its reason so the glue can
// log it and the snapshot shows storage: 'file' — never a silent downgrade. Once the keychain is chosen,
// the license item's own connection is opened with it (keychain.ts: a connection and its encrypted session
// are most of a first read's cost), so the core's read at start asks the Secret Service for the item only.
// The cost is the same, paid while the store is chosen instead of after start(); bench/startup.ts times both.
import { FileSecretStore } from './file-secret-store';
import { KeychainSecretStore, type KeyringEntryFactory } from './keychain';
import type { SecretStore } from './ports';
import { STORED_ITEMS } from './stored-items';
import type { Timers } from './timers';

export interface OpenSecretStoreOptions {
  /** The app id: the keychain service name. */
  service: string;
  /** The app's data folder, for the file fallback. */
  dataDir: string;
  /** How long the probe waits for each keychain call. */
  probeTimeoutMs?: number;
  entry?: KeyringEntryFactory;
  timers?: Timers;
}

export interface OpenedSecretStore {
  store: SecretStore;
  /** Why the keychain is not used, or null when it is. */
  fallbackReason: string | null;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 2_000;

export async function openSecretStore(options: OpenSecretStoreOptions): Promise<OpenedSecretStore> {
  const keychain = new KeychainSecretStore({
    service: options.service,
    ...(options.entry ? { entry: options.entry } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  const problem = await keychain.probe(options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS);
  if (problem === null) {
    keychain.open(STORED_ITEMS.entitlement);
    return { store: keychain, fallbackReason: null };
  }
  return { store: new FileSecretStore(options.dataDir), fallbackReason: problem };
}
