// What the plain-Node license core needs from the outside world. main/electron/ implements these with
// Electron objects; tests and the browser preview pass their own. (Bitwarden-style injection.)
import type { Clock } from '../../common/clock';

/** How the isolated checkout window ended, as far as the app may know (it never reads the page). */
export type CheckoutWindowOutcome =
  /** Navigation reached our return URL; the query carries the provider's reference (PayPal's order token,
   *  Paystack's transaction reference) — nothing else is kept. */
  | { kind: 'returned'; orderToken: string | null }
  /** Navigation reached our cancel URL. */
  | { kind: 'cancelled' }
  /** The user closed the window (or it crashed) before either URL. */
  | { kind: 'closed' };

export interface CheckoutWindowRequest {
  approveUrl: string;
  /** Who the page belongs to, as the buyer reads it (the window's title). */
  providerName?: string;
  /** The window closes itself when navigation reaches a URL starting with one of these. */
  returnUrlPrefix: string;
  cancelUrlPrefix: string;
}

export interface CheckoutWindowHandle {
  /** Resolves once, with how the window ended. */
  readonly outcome: Promise<CheckoutWindowOutcome>;
  /** Closes the window (idempotent); the outcome then resolves as 'closed' unless it already resolved. */
  close(): void;
}

export interface CheckoutWindowOpener {
  open(request: CheckoutWindowRequest): CheckoutWindowHandle;
}

/** A secret store: the OS keychain, or the file fallback. */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}

export interface CoreEnvironment {
  clock: Clock;
  /** The raw OS machine id (node-machine-id's, unhashed); only the anchor module reads it. */
  readMachineId(): Promise<string>;
}
