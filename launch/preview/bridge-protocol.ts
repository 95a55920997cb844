// What the browser preview's page and its loopback server say to each other, beside the IPC contract's
// calls: the paths, the answer of an invoke, and the events pushed over Server-Sent Events. Shared by
// bridge-server.ts (Node) and client/bridge-client.ts (the page), so neither restates the other.
import type { AppState } from '../../common/app-state';

export const BRIDGE_PATHS = {
  /** The bundled client script, injected before the app's own. */
  client: '/__bridge/client.js',
  /** POST {channel, args}: one call of the IPC contract. */
  invoke: '/__bridge/invoke',
  /** Server-Sent Events: 'state', and the tab events below. */
  events: '/__bridge/events',
  /** POST {id}: the checkout tab was closed in the browser before the checkout ended. */
  tabClosed: '/__bridge/tab-closed',
} as const;

export type BridgeAnswer = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };

/** Tabs the page opens for the core: a checkout's approval page (watched until it ends), or an allow-listed external page. */
export type TabEvent =
  | { kind: 'checkout-open'; id: string; url: string }
  | { kind: 'checkout-close'; id: string }
  | { kind: 'external-open'; url: string };

export type BridgeEvents = { state: AppState } & { [E in TabEvent as E['kind']]: E };
