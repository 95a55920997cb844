// Fakes for the license core's unit tests: a clock and timers that move only when told, an in-memory
// SecretStore, an Ed25519 issuer standing in for the server's signer, and a scripted checkout window.
import { randomBytes } from 'node:crypto';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTHeaderParameters } from 'jose';
import type { Clock } from '../../common/clock';
import { ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP, type EntitlementClaims } from '../../common/entitlement';
import type {
  CheckoutWindowHandle,
  CheckoutWindowOpener,
  CheckoutWindowOutcome,
  CheckoutWindowRequest,
  SecretStore,
} from '../../main/license/ports';
import { nodeHttpTransport } from '../../main/license/node-transport';
import { STORED_ITEMS } from '../../main/license/stored-items';
import { parseStored, serializeStored, type ClockMark, type StoredLicense } from '../../main/license/stored-license';
import type { Timers } from '../../main/license/timers';

/** The core's HTTP transport for tests on loopback: Node's fetch, straight to the server whatever proxy the
 *  environment names (the proxy test sets its own). */
export const directTransport = nodeHttpTransport({ env: {} });

/** Puts a token where the core keeps it, beside a clock mark: by default the one the core would have written
 *  when it accepted the token (seen at its `iat`); null for none. */
export async function storeLicense(secrets: SecretStore, token: string, mark: ClockMark | null = markOf(token), more: Partial<StoredLicense> = {}): Promise<void> {
  await secrets.set(STORED_ITEMS.entitlement, serializeStored({ token, mark, refreshedAt: null, license: null, unbound: null, transfer: null, ...more }));
}

export function markOf(token: string): ClockMark {
  const iat = decodeJwt(token).iat!;
  return { seenAt: iat * 1000, iat };
}

/** The token the core has stored, or null. */
export async function storedToken(secrets: SecretStore): Promise<string | null> {
  const read = parseStored(await secrets.get(STORED_ITEMS.entitlement));
  return read.kind === 'stored' ? read.stored.token : null;
}

export async function storedLicense(secrets: SecretStore): Promise<StoredLicense | null> {
  const read = parseStored(await secrets.get(STORED_ITEMS.entitlement));
  return read.kind === 'stored' ? read.stored : null;
}

export const ISSUER = 'hardbound-test';
export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export class FakeClock implements Clock {
  constructor(private t = T0) {}
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Timers that fire only inside advance(), at the fake clock's times, in order. */
export class FakeTimers implements Timers {
  private next = 1;
  private readonly due = new Map<number, { at: number; callback: () => void }>();
  constructor(private readonly clock: FakeClock) {}

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.next++;
    this.due.set(id, { at: this.clock.now() + ms, callback });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.due.delete(handle as number);
  }
  get pending(): number[] {
    return [...this.due.values()].map((d) => d.at - this.clock.now()).sort((a, b) => a - b);
  }
  async advance(ms: number): Promise<void> {
    const target = this.clock.now() + ms;
    for (let fired = 0; fired < 10_000; fired++) {
      await settle();
      const [id, timer] = [...this.due.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (id === undefined || !timer || timer.at > target) break;
      this.due.delete(id);
      this.clock.set(Math.max(this.clock.now(), timer.at));
      timer.callback();
    }
    this.clock.set(target);
    await settle();
  }
}

/** Lets pending promise chains (and loopback I/O callbacks) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

export class MemorySecretStore implements SecretStore {
  readonly items = new Map<string, string>();
  failWrites = false;
  failReads = false;
  constructor(readonly kind: 'keychain' | 'file' = 'keychain') {}
  async get(name: string): Promise<string | null> {
    if (this.failReads) throw new Error('store unreadable');
    return this.items.get(name) ?? null;
  }
  async set(name: string, value: string): Promise<void> {
    if (this.failWrites) throw new Error('store read-only');
    this.items.set(name, value);
  }
  async delete(name: string): Promise<void> {
    this.items.delete(name);
  }
}

export function randomAnchor(): string {
  return randomBytes(32).toString('base64url');
}

export interface TestIssuer {
  kid: string;
  jwks: JSONWebKeySet;
  sign(claims: EntitlementClaims, header?: Partial<JWTHeaderParameters>): Promise<string>;
}

export async function makeIssuer(kid = 'test-key-1'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    kid,
    jwks: { keys: [jwk] },
    sign: (claims, header = {}) =>
      new SignJWT({ ...claims }).setProtectedHeader({ alg: 'EdDSA', kid, typ: ENTITLEMENT_TYP, ...header }).sign(privateKey),
  };
}

/** Claims as the server issues them at `nowMs`: Enterprise, valid for 30 days. */
export function claimsFor(anchor: string, nowMs: number, overrides: Partial<EntitlementClaims> = {}): EntitlementClaims {
  const iat = Math.floor(nowMs / 1000);
  return {
    iss: ISSUER,
    aud: ENTITLEMENT_AUDIENCE,
    sub: anchor,
    tier: 'enterprise',
    lic: 'lic_test1',
    txn: '3AB12345CD678901E',
    status: 'active',
    plan: 'enterprise-lifetime',
    iat,
    nbf: iat - 60,
    exp: iat + 30 * 24 * 3600,
    ...overrides,
  };
}

/** A checkout window whose ending the test decides; records what it was asked to open and closes. */
export class FakeCheckoutWindow implements CheckoutWindowOpener {
  readonly opened: CheckoutWindowRequest[] = [];
  closes = 0;
  private resolveOutcome: ((outcome: CheckoutWindowOutcome) => void) | null = null;
  /** Called with each request as it opens: the test can end it at once. */
  onOpen: ((request: CheckoutWindowRequest, window: FakeCheckoutWindow) => void) | null = null;

  open(request: CheckoutWindowRequest): CheckoutWindowHandle {
    this.opened.push(request);
    let settled = false;
    const outcome = new Promise<CheckoutWindowOutcome>((resolve) => {
      this.resolveOutcome = (o) => {
        if (settled) return;
        settled = true;
        resolve(o);
      };
    });
    const handle: CheckoutWindowHandle = {
      outcome,
      close: () => {
        this.closes++;
        this.end({ kind: 'closed' });
      },
    };
    this.onOpen?.(request, this);
    return handle;
  }

  /** Ends the window the way a person or the glue would. */
  end(outcome: CheckoutWindowOutcome): void {
    this.resolveOutcome?.(outcome);
  }
}

/** Resolves with the first state `take` accepts, failing after `ms`. */
export function waitFor<S, T>(subscribe: (listener: (state: S) => void) => () => void, take: (state: S) => T | undefined, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error('the expected state never came'));
    }, ms);
    const stop = subscribe((state) => {
      const value = take(state);
      if (value === undefined) return;
      clearTimeout(timer);
      stop();
      resolve(value);
    });
  });
}
