// The script the browser preview injects before the app's own (bundled by client-bundle.ts): window.hardbound
// over HTTP (one POST per call) and Server-Sent Events (state, tabs). Its methods are derived from the IPC
// contract exactly as preload's are; the few that need the page itself add that around the call: a tab
// opened while the click is still being handled (browsers open tabs only then), the browser's clipboard.
import type { AppState } from '../../../common/app-state';
import { IPC_CONTRACT, IPC_METHOD_NAMES, type HardboundApi, type IpcMethodName, type IpcMethods } from '../../../common/ipc';
import { BRIDGE_PATHS, type BridgeAnswer, type BridgeEvents } from '../bridge-protocol';

/** How often the page looks whether the checkout tab is still open (while the app's own tab is in front). */
const TAB_WATCH_MS = 500;
/** How long a tab reserved for an external page waits for the page's address before it is closed again. */
const EXTERNAL_WAIT_MS = 5_000;
const LINK_ID = 'hardbound-preview-tab-link';

async function post(path: string, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch {
    throw new Error('The app\'s preview server cannot be reached. Check that `npm start` is still running, then reload this page.');
  }
  const answer = (await response.json().catch(() => null)) as BridgeAnswer | null;
  if (answer?.ok === true) return answer.result;
  // The core's own sentence: the bridge's code is for logs, never for the person.
  throw new Error(answer?.ok === false ? answer.error.message : `The app's preview server answered HTTP ${response.status}; reload this page.`);
}

const invoke = (name: IpcMethodName) => (...args: unknown[]) => post(BRIDGE_PATHS.invoke, { channel: IPC_CONTRACT[name].channel, args });
const calls = Object.fromEntries(IPC_METHOD_NAMES.map((name) => [name, invoke(name)])) as unknown as IpcMethods;

/** Shown when the browser blocks the tab: the person opens it with a click instead. */
function showLink(url: string, text: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.target = '_blank';
  link.rel = 'noopener noreferrer';
  link.textContent = text;
  link.id = LINK_ID;
  Object.assign(link.style, { position: 'fixed', left: '1rem', bottom: '1rem', padding: '0.75rem 1rem', background: '#ffd', border: '1px solid #996', zIndex: '2147483647' });
  link.addEventListener('click', () => link.remove());
  document.getElementById(LINK_ID)?.remove();
  document.body.append(link);
}

const isWebUrl = (url: string, schemes: readonly string[]) => {
  try {
    return schemes.includes(new URL(url).protocol);
  } catch {
    return false;
  }
};

type Purpose = 'checkout' | 'external';

/** The tabs this page opens for the core: one reserved on a click, and the checkout's, watched until it ends. */
class Tabs {
  private reserved: { tab: Window; purpose: Purpose } | null = null;
  private checkout: { tab: Window; id: string } | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;

  reserve(purpose: Purpose): void {
    if (this.reserved && !this.reserved.tab.closed) {
      this.reserved.purpose = purpose;
      return;
    }
    // It keeps this page as its opener: only the opener may close (or navigate) a tab showing another origin.
    const tab = window.open('', '_blank');
    this.reserved = tab ? { tab, purpose } : null;
  }

  /** A reservation no page claimed (the call failed, or ended before reaching one) is closed again. */
  release(purpose: Purpose): void {
    if (this.reserved?.purpose !== purpose) return;
    this.reserved.tab.close();
    this.reserved = null;
  }

  openCheckout(id: string, url: string): void {
    if (!isWebUrl(url, ['https:', 'http:'])) return;
    const tab = this.take(url);
    if (!tab) {
      showLink(url, 'Your browser blocked the checkout tab: open the payment page');
      return;
    }
    this.checkout = { tab, id };
    this.watch ??= setInterval(() => this.look(), TAB_WATCH_MS);
  }

  closeCheckout(id: string): void {
    document.getElementById(LINK_ID)?.remove();
    if (this.checkout?.id !== id) return;
    // Best effort: once the tab shows a page with Cross-Origin-Opener-Policy (the server's return and
    // cancel pages), the browser no longer lets this page close it, and that page tells the buyer what next.
    this.checkout.tab.close();
    this.forgetCheckout();
  }

  openExternal(url: string): void {
    if (!isWebUrl(url, ['https:'])) return;
    if (!this.take(url, 'external')) showLink(url, 'Your browser blocked the new tab: open the payment provider\'s page');
  }

  private take(url: string, purpose: Purpose = 'checkout'): Window | null {
    const reserved = this.reserved;
    this.reserved = null;
    if (reserved && !reserved.tab.closed && reserved.purpose === purpose) {
      reserved.tab.location.href = url;
      return reserved.tab;
    }
    reserved?.tab.close();
    return window.open(url, '_blank');
  }

  /**
   * Whether the checkout tab was closed. Only while this page is in front: a tab whose page sends
   * Cross-Origin-Opener-Policy reads as closed from here although it is still open, and a person paying
   * there has that tab in front, not this one. A false alarm costs little: the long poll goes on, and
   * "Reopen payment page" opens the same checkout again.
   */
  private look(): void {
    const checkout = this.checkout;
    if (!checkout || document.visibilityState !== 'visible' || !checkout.tab.closed) return;
    this.forgetCheckout();
    post(BRIDGE_PATHS.tabClosed, { id: checkout.id }).catch(() => undefined);
  }

  private forgetCheckout(): void {
    this.checkout = null;
    if (this.watch !== null) clearInterval(this.watch);
    this.watch = null;
  }
}

const tabs = new Tabs();
const stateListeners = new Set<(state: AppState) => void>();
const events = new EventSource(BRIDGE_PATHS.events);
function on<E extends keyof BridgeEvents>(name: E, handle: (data: BridgeEvents[E]) => void): void {
  events.addEventListener(name, (message) => handle(JSON.parse((message as MessageEvent<string>).data) as BridgeEvents[E]));
}

on('state', (state) => {
  // A tab reserved for a checkout that never reached PayPal (the upgrade ended first) is closed again.
  if (!['creating', 'awaiting_approval', 'window_closed'].includes(state.flow.step)) tabs.release('checkout');
  for (const listener of stateListeners) listener(state);
});
on('checkout-open', ({ id, url }) => tabs.openCheckout(id, url));
on('checkout-close', ({ id }) => tabs.closeCheckout(id));
on('external-open', ({ url }) => tabs.openExternal(url));

/** Calls that open a tab: reserved during the click, claimed by the page the core then names. */
async function withTab<T>(purpose: Purpose, call: () => Promise<T>): Promise<T> {
  tabs.reserve(purpose);
  try {
    return await call();
  } catch (error) {
    tabs.release(purpose);
    throw error;
  }
}

const hardbound: HardboundApi = {
  ...calls,
  startUpgrade: (planId, provider, email) => withTab('checkout', () => calls.startUpgrade(planId, provider, email)),
  reopenCheckout: () => withTab('checkout', () => calls.reopenCheckout()),
  openPaymentSettings: async () => {
    await withTab('external', () => calls.openPaymentSettings());
    // The page's address comes over the event stream, which may trail the call's answer.
    setTimeout(() => tabs.release('external'), EXTERNAL_WAIT_MS);
  },
  // The browser's clipboard is the one the person pastes from; the core's process has none here.
  copyText: (text) => navigator.clipboard.writeText(text),
  onState: (listener) => {
    stateListeners.add(listener);
    return () => stateListeners.delete(listener);
  },
};

Object.defineProperty(window, 'hardbound', { value: Object.freeze(hardbound), enumerable: true });
