// The script the browser preview injects before the app's own: window.hardbound over HTTP (invoke) and
// Server-Sent Events (state, checkout tabs), the same HardboundApi the preload exposes in Electron.
// Served as a file so the page's CSP (script-src 'self') needs no exception; plain ES2020 for any browser.
export const BRIDGE_CLIENT_PATH = '/__bridge/client.js';

export const BRIDGE_CLIENT_JS = String.raw`'use strict';
(() => {
  const stateListeners = new Set();
  const events = new EventSource('/__bridge/events');
  /** The tab opened for the checkout, and which checkout it shows. */
  let tab = null;
  let tabCheckout = null;

  const invoke = async (channel, ...args) => {
    const response = await fetch('/__bridge/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel, args }),
    });
    const body = await response.json().catch(() => null);
    if (body && body.ok === true) return body.result;
    throw new Error(body && body.error ? body.error.code + ': ' + body.error.message : 'preview bridge answered ' + response.status);
  };

  const forgetTab = () => {
    tab = null;
    tabCheckout = null;
  };

  const closeUnclaimedTab = () => {
    if (tab && tabCheckout === null) {
      tab.close();
      forgetTab();
    }
  };

  // Browsers only open tabs in answer to a click: take the tab while the Upgrade click is still being handled.
  // It keeps this page as its opener: only the opener may close (or navigate) a tab showing another origin.
  const reserveTab = () => {
    if (tab && !tab.closed) return;
    tab = window.open('', '_blank');
  };

  const showLink = (url) => {
    const link = document.createElement('a');
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener noreferrer';
    link.textContent = 'Your browser blocked the checkout tab: open PayPal checkout';
    link.id = 'hardbound-preview-checkout-link';
    Object.assign(link.style, { position: 'fixed', left: '1rem', bottom: '1rem', padding: '0.75rem 1rem', background: '#ffd', border: '1px solid #996', zIndex: '2147483647' });
    link.addEventListener('click', () => link.remove());
    document.getElementById(link.id)?.remove();
    document.body.append(link);
  };

  events.addEventListener('state', (message) => {
    const state = JSON.parse(message.data);
    // A reserved tab that no checkout claimed (the upgrade ended before reaching PayPal) is closed again.
    if (state.flow.step !== 'creating' && state.flow.step !== 'awaiting_approval') closeUnclaimedTab();
    for (const listener of stateListeners) listener(state);
  });

  events.addEventListener('checkout-open', (message) => {
    const { id, url } = JSON.parse(message.data);
    if (!/^https?:\/\//.test(url)) return;
    if (!tab || tab.closed) tab = window.open(url, '_blank');
    else tab.location.href = url;
    if (!tab) {
      showLink(url);
      return;
    }
    tabCheckout = id;
  });

  events.addEventListener('checkout-close', (message) => {
    const { id } = JSON.parse(message.data);
    document.getElementById('hardbound-preview-checkout-link')?.remove();
    // Best effort: once the tab shows a page with Cross-Origin-Opener-Policy (the server's return and
    // cancel pages), the browser no longer lets this page close it, and that page tells the buyer what next.
    if (tab && tabCheckout === id) {
      tab.close();
      forgetTab();
    }
  });

  window.hardbound = Object.freeze({
    getState: () => invoke('hardbound:get-state'),
    listPlans: () => invoke('hardbound:list-plans'),
    startUpgrade: (planId) => {
      reserveTab();
      return invoke('hardbound:start-upgrade', planId).catch((error) => {
        closeUnclaimedTab();
        throw error;
      });
    },
    cancelUpgrade: () => invoke('hardbound:cancel-upgrade'),
    dismissFlow: () => invoke('hardbound:dismiss-flow'),
    refresh: () => invoke('hardbound:refresh'),
    cancelSubscription: () => invoke('hardbound:cancel-subscription'),
    // The browser's clipboard is the one the user pastes from; the core's process has none here.
    copyText: (text) => navigator.clipboard.writeText(text),
    onState: (listener) => {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
  });
})();
`;
