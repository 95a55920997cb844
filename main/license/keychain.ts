// The OS keychain through @napi-rs/keyring: Entry(service = app id, account = item name). On Linux the
// entry is pinned to the Secret Service; the library's default would otherwise fall back silently to the
// kernel keyring, which forgets everything at logout.
//
// Each entry the library makes opens its own D-Bus connection and Secret Service session, synchronously, in
// its constructor: on Linux that is most of a keychain call's cost (about 6 ms of an 8 ms first read here,
// nearly all of it the session's Diffie-Hellman exchange; a read over an open session is about 1 ms). So the
// store keeps one entry per item for its whole life, as libsecret keeps one session per process, and opens a
// new one only when the old one has stopped answering (the keyring daemon restarted).
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

/** Makes an entry: on Linux this connects to the Secret Service and opens an encrypted session. */
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
  /** One open entry (connection and session) per item name. */
  private readonly entries = new Map<string, KeyringEntry>();

  constructor(private readonly options: KeychainOptions) {
    this.entry = options.entry ?? osKeyringEntry;
    this.timers = options.timers ?? systemTimers;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  get(name: string): Promise<string | null> {
    return this.onItem(`reading ${name}`, name, (entry, signal) => entry.getPassword(signal));
  }

  set(name: string, value: string): Promise<void> {
    return this.onItem(`writing ${name}`, name, (entry, signal) => entry.setPassword(value, signal));
  }

  async delete(name: string): Promise<void> {
    await this.onItem(`deleting ${name}`, name, (entry, signal) => entry.deletePassword(signal));
  }

  /**
   * Opens the item's connection and session now, so that its first read only asks for the item. A failure
   * here is not reported: the first operation on the item opens it again and reports what goes wrong.
   */
  open(name: string): void {
    if (this.entries.has(name)) return;
    try {
      this.entries.set(name, this.entry(this.options.service, name));
    } catch {
      // Reported by the first operation instead.
    }
  }

  /**
   * Whether a Secret Service answers at all: a write, read-back and delete of a throw-away item over one
   * connection, each within `timeoutMs`. Resolves null when it does, else the reason in words.
   */
  async probe(timeoutMs: number): Promise<string | null> {
    const marker = randomUUID();
    let opened: KeyringEntry | null = null;
    // Made inside the first call, so a binding that throws (no D-Bus session at all) reads like any failure.
    const entry = () => (opened ??= this.entry(this.options.service, PROBE_ACCOUNT));
    try {
      await this.attempt('the keychain probe', timeoutMs, (signal) => entry().setPassword(marker, signal));
      const read = await this.attempt('the keychain probe', timeoutMs, (signal) => entry().getPassword(signal));
      await this.attempt('the keychain probe', timeoutMs, (signal) => entry().deletePassword(signal));
      return read === marker ? null : 'the OS keychain did not return what was written to it';
    } catch (error) {
      return error instanceof Error ? error.message : 'the OS keychain failed';
    }
  }

  /**
   * One operation on an item over its open entry. When an entry opened earlier fails, it is dropped and the
   * operation is tried once more on a new one: a connection held across a restart of the keyring daemon
   * only answers "the session does not exist", which a new connection cures. A new entry's failure is the
   * answer. An entry that failed or did not answer in time is never used again.
   */
  private onItem<T>(what: string, name: string, operation: (entry: KeyringEntry, signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.attempt(what, this.timeoutMs, async (signal) => {
      let current: KeyringEntry | null = null;
      // A call that never answers may hold the entry's connection for good: the next one starts afresh.
      signal.addEventListener('abort', () => current && this.forget(name, current), { once: true });
      const over = async (entry: KeyringEntry) => {
        current = entry;
        try {
          return await operation(entry, signal);
        } catch (error) {
          this.forget(name, entry);
          throw error;
        }
      };
      const held = this.entries.get(name);
      if (held) {
        try {
          return await over(held);
        } catch (error) {
          if (signal.aborted) throw error;
        }
      }
      const fresh = this.entry(this.options.service, name);
      this.entries.set(name, fresh);
      return over(fresh);
    });
  }

  private forget(name: string, entry: KeyringEntry): void {
    if (this.entries.get(name) === entry) this.entries.delete(name);
  }

  private async attempt<T>(what: string, timeoutMs: number, operation: (signal: AbortSignal) => Promise<T>): Promise<T> {
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
