// The two windows' constructor options, built as plain data so a test can check every security setting
// (Electron's security checklist) without launching Electron.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** Settings both windows share: renderer processes with no Node, sandboxed, isolated, no legacy features. */
function lockedWebPreferences(production: boolean): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableWebSQL: false,
    plugins: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    devTools: !production,
  };
}

export interface MainWindowSettings {
  /** Absolute path of the built preload script. */
  preloadPath: string;
  production: boolean;
}

export function mainWindowOptions(settings: MainWindowSettings): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 520,
    title: 'Hardbound',
    // Shown on 'ready-to-show', so the user never sees an empty frame.
    show: false,
    autoHideMenuBar: true,
    webPreferences: { ...lockedWebPreferences(settings.production), preload: settings.preloadPath },
  };
}

/**
 * A fresh in-memory partition per checkout: no `persist:` prefix, so the provider's cookies and storage vanish
 * with the window and one checkout can never see another's session.
 */
export function checkoutPartition(randomId: () => string): string {
  return `checkout-${randomId()}`;
}

export interface CheckoutWindowSettings {
  partition: string;
  production: boolean;
  /** The provider the buyer pays through, for the window's title ("Checkout — Paystack"). */
  providerName?: string;
}

/** No preload: the provider's page gets no bridge to the app at all. JavaScript stays on: providers' pages need it. */
export function checkoutWindowOptions(settings: CheckoutWindowSettings): BrowserWindowConstructorOptions {
  return {
    width: 520,
    height: 760,
    minWidth: 400,
    minHeight: 560,
    title: settings.providerName ? `Checkout — ${settings.providerName}` : 'Checkout',
    show: true,
    autoHideMenuBar: true,
    webPreferences: { ...lockedWebPreferences(settings.production), partition: settings.partition, javascript: true },
  };
}
