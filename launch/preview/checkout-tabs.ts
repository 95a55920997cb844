// The browser preview's stand-in for the isolated checkout window: the approve URL opens in a new tab of
// the user's browser, told over the bridge's event stream. The preview cannot see that tab's URL, so the
// core's long poll learns from the server how the checkout ended; what the page can tell is that the tab
// was closed, which ends the handle as 'closed' (the core then offers to reopen the payment page). Ending
// the handle from the core's side asks the page to close the tab, where the browser still allows it.
// Like the Electron window, it opens only pages on the app config's checkout origins (the providers' checkout
// pages); any other approve URL ends the handle as 'closed' without a tab. Allow-listed external pages (a
// provider's payment settings) open in a tab the same way.
import { randomUUID } from 'node:crypto';
import { isCheckoutOrigin } from '../../main/electron/checkout-policy';
import type { CheckoutWindowHandle, CheckoutWindowOpener, CheckoutWindowOutcome, CheckoutWindowRequest } from '../../main/license/ports';
import type { TabEvent } from './bridge-protocol';

export class CheckoutTabs implements CheckoutWindowOpener {
  private readonly listeners = new Set<(event: TabEvent) => void>();
  private readonly pending = new Map<string, (outcome: CheckoutWindowOutcome) => void>();

  /** `origins`: the app config's checkout origins (read at each open). */
  constructor(private readonly origins: readonly string[], private readonly newId: () => string = randomUUID) {}

  open(request: CheckoutWindowRequest): CheckoutWindowHandle {
    if (!allowed(request.approveUrl, this.origins)) return { outcome: Promise.resolve({ kind: 'closed' }), close: () => undefined };
    const id = this.newId();
    const outcome = new Promise<CheckoutWindowOutcome>((resolve) => this.pending.set(id, resolve));
    this.emit({ kind: 'checkout-open', id, url: request.approveUrl });
    return { outcome, close: () => this.end(id, true) };
  }

  /** The page saw the checkout's tab closed (by the person, before paying, or after: the server knows which). */
  closedInBrowser(id: string): void {
    this.end(id, false);
  }

  openExternal(url: string): void {
    this.emit({ kind: 'external-open', url });
  }

  onEvent(listener: (event: TabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private end(id: string, closeTab: boolean): void {
    const settle = this.pending.get(id);
    if (!settle) return;
    this.pending.delete(id);
    settle({ kind: 'closed' });
    if (closeTab) this.emit({ kind: 'checkout-close', id });
  }

  private emit(event: TabEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function allowed(url: string, origins: readonly string[]): boolean {
  try {
    return isCheckoutOrigin(new URL(url), { origins });
  } catch {
    return false;
  }
}
