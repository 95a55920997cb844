// The browser preview's stand-in for the isolated checkout window: the approve URL opens in a new tab of
// the user's browser, told over the bridge's event stream. The preview cannot see that tab's URL, nor even
// reliably whether it is still open (a page with Cross-Origin-Opener-Policy cuts the link to it, and then
// looks closed while the buyer is still paying), so the handle never ends by itself: the core's long poll
// learns from the server how the checkout ended, or the user cancels in the app. Ending the handle asks
// the page to close the tab, where the browser still allows it.
import { randomUUID } from 'node:crypto';
import type { CheckoutWindowHandle, CheckoutWindowOpener, CheckoutWindowOutcome, CheckoutWindowRequest } from '../../main/license/ports';

export type CheckoutTabEvent = { kind: 'checkout-open'; id: string; url: string } | { kind: 'checkout-close'; id: string };

export class CheckoutTabs implements CheckoutWindowOpener {
  private readonly listeners = new Set<(event: CheckoutTabEvent) => void>();
  private readonly pending = new Map<string, (outcome: CheckoutWindowOutcome) => void>();

  constructor(private readonly newId: () => string = randomUUID) {}

  open(request: CheckoutWindowRequest): CheckoutWindowHandle {
    const id = this.newId();
    const outcome = new Promise<CheckoutWindowOutcome>((resolve) => this.pending.set(id, resolve));
    this.emit({ kind: 'checkout-open', id, url: request.approveUrl });
    return { outcome, close: () => this.end(id) };
  }

  onEvent(listener: (event: CheckoutTabEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private end(id: string): void {
    const settle = this.pending.get(id);
    if (!settle) return;
    this.pending.delete(id);
    settle({ kind: 'closed' });
    this.emit({ kind: 'checkout-close', id });
  }

  private emit(event: CheckoutTabEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
