// The OS keychain through @napi-rs/keyring: Entry(service = app id, account = item name). On Linux the
// entry is pinned to the Secret Service; the library's default would otherwise fall back silently to the
// kernel keyring, which forgets everything at logout.
import { randomUUID } from 'node:crypto';
import { AsyncEntry } from '@napi-rs/keyring';
import type { SecretStore } from './ports';
import { SecretStoreError } from './secret-store-error';
import { systemTimers, type Timers } from './timers';
import { TimeoutError, withTimeout } from './with-timeout';

/** The subset of @napi-rs/keyring's AsyncEntry the store uses. */
export interface KeyringEntry {
  getPassword(signal?: AbortSignal): Promise<string | null>;
  setPassword(password: string, signal?: AbortSignal): Promise<void>;
  deletePassword(signal?: AbortSignal): Promise<boolean>;
}

export type KeyringEntryFactory = (service: string, account: string) => KeyringEntry;

export const osKeyringEntry: KeyringEntryFactory = (service, account) =>
  new AsyncEntry(service, account, { linux: { store: 'secret-service' } });

export interface KeychainOptions {
  service: string;
  entry?: KeyringEntryFactory;
  timers?: Timers;
  /** Per operation. Generous: unlocking a collection may show the user a password prompt. */
  timeoutMs?: number;
}

const PROBE_ACCOUNT = 'hardbound-probe';

export class KeychainSecretStore implements SecretStore {
  readonly kind = 'keychain' as const;
  private readonly entry: KeyringEntryFactory;
  private readonly timers: Timers;
  private readonly timeoutMs: number;

  constructor(private readonly options: KeychainOptions) {
    this.entry = options.entry ?? osKeyringEntry;
    this.timers = options.timers ?? systemTimers;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  get(name: string): Promise<string | null> {
    return this.call(`reading ${name}`, this.timeoutMs, (signal) => this.entry(this.options.service, name).getPassword(signal));
  }

  set(name: string, value: string): Promise<void> {
    return this.call(`writing ${name}`, this.timeoutMs, (signal) => this.entry(this.options.service, name).setPassword(value, signal));
  }

  async delete(name: string): Promise<void> {
    await this.call(`deleting ${name}`, this.timeoutMs, (signal) => this.entry(this.options.service, name).deletePassword(signal));
  }

  /**
   * Whether a Secret Service answers at all: a write, read-back and delete of a throw-away item, each
   * within `timeoutMs`. Resolves null when it does, else the reason in words.
   */
  async probe(timeoutMs: number): Promise<string | null> {
    const marker = randomUUID();
    const entry = () => this.entry(this.options.service, PROBE_ACCOUNT);
    try {
      await this.call('the keychain probe', timeoutMs, (signal) => entry().setPassword(marker, signal));
      const read = await this.call('the keychain probe', timeoutMs, (signal) => entry().getPassword(signal));
      await this.call('the keychain probe', timeoutMs, (signal) => entry().deletePassword(signal));
      return read === marker ? null : 'the OS keychain did not return what was written to it';
    } catch (error) {
      return error instanceof Error ? error.message : 'the OS keychain failed';
    }
  }

  private async call<T>(what: string, timeoutMs: number, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      // async wrapper: the binding throws synchronously when no D-Bus session exists at all.
      return await withTimeout(this.timers, timeoutMs, `the OS keychain (${what})`, async (signal) => operation(signal));
    } catch (error) {
      if (error instanceof TimeoutError) throw new SecretStoreError('keychain_timeout', error.message);
      const detail = error instanceof Error ? error.message : String(error);
      throw new SecretStoreError('keychain_failed', `the OS keychain failed ${what}: ${detail}`);
    }
  }
}
