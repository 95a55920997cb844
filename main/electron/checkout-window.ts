// The isolated checkout window (docs/architecture.md, the flow, step 3): the provider's page in its own in-memory session, no preload,
// navigation held to the provider's hosts. Reaching our return or cancel URL ends the flow and closes the
// window; the app only ever looks at URLs, never at the page.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { CheckoutWindowHandle, CheckoutWindowOpener, CheckoutWindowOutcome, CheckoutWindowRequest } from '../license/ports';
import { classifyCheckoutUrl, type CheckoutHostPolicy } from './checkout-policy';
import { originForLog, type NavigationEvent, type PermissionSession } from './electron-shapes';
import { denyPermissionCheck, denyPermissionRequest } from './security-policy';
import { checkoutPartition, checkoutWindowOptions } from './window-options';

export interface CheckoutWebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'render-process-gone', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  loadURL(url: string): Promise<void>;
}

export interface CheckoutBrowserWindow {
  readonly webContents: CheckoutWebContents;
  on(event: 'closed', listener: () => void): unknown;
  close(): void;
  isDestroyed(): boolean;
}

export interface RequestDetails {
  url: string;
  resourceType: string;
}

export interface CheckoutSession extends PermissionSession {
  readonly webRequest: {
    onBeforeRequest(listener: ((details: RequestDetails, callback: (response: { cancel?: boolean }) => void) => void) | null): void;
  };
  clearStorageData(): Promise<void>;
}

/** Something the window refused, for the log: the origin only (URLs carry the provider's tokens). */
export interface CheckoutNotice {
  code: 'approve_url_not_allowed' | 'navigation_blocked' | 'popup_denied';
  origin: string;
}

export interface ElectronCheckoutDeps {
  createWindow(options: BrowserWindowConstructorOptions): CheckoutBrowserWindow;
  /** session.fromPartition: the same session the window gets through its `partition` option. */
  sessionFor(partition: string): CheckoutSession;
  policy: CheckoutHostPolicy;
  production: boolean;
  randomId(): string;
  notice(notice: CheckoutNotice): void;
}

export class ElectronCheckoutWindowOpener implements CheckoutWindowOpener {
  constructor(private readonly deps: ElectronCheckoutDeps) {}

  open(request: CheckoutWindowRequest): CheckoutWindowHandle {
    const { deps } = this;
    const classify = (url: string) => classifyCheckoutUrl(url, request, deps.policy);
    if (classify(request.approveUrl).kind !== 'allow') {
      deps.notice({ code: 'approve_url_not_allowed', origin: originForLog(request.approveUrl) });
      return { outcome: Promise.resolve({ kind: 'closed' }), close: () => undefined };
    }

    const partition = checkoutPartition(deps.randomId);
    const session = deps.sessionFor(partition);
    session.setPermissionRequestHandler(denyPermissionRequest);
    session.setPermissionCheckHandler(denyPermissionCheck);
    const window = deps.createWindow(checkoutWindowOptions({ partition, production: deps.production, providerName: request.providerName }));

    let settle!: (outcome: CheckoutWindowOutcome) => void;
    const outcome = new Promise<CheckoutWindowOutcome>((resolve) => (settle = resolve));
    let finished = false;
    const finish = (result: CheckoutWindowOutcome) => {
      if (!finished) {
        finished = true;
        settle(result);
      }
      if (!window.isDestroyed()) window.close();
    };
    const blocked = (url: string) => deps.notice({ code: 'navigation_blocked', origin: originForLog(url) });

    const onNavigation = (event: NavigationEvent) => {
      if (!event.isMainFrame) return;
      const decision = classify(event.url);
      if (decision.kind === 'block') {
        event.preventDefault();
        blocked(event.url);
      } else if (decision.kind === 'end') {
        finish(decision.outcome);
      }
    };
    window.webContents.on('will-navigate', onNavigation);
    window.webContents.on('will-redirect', onNavigation);
    // A second road to the same decision: the navigation events do not cover every way a main frame can
    // change (will-navigate skips navigations not started by the page), but every main-frame request,
    // redirected ones included, passes through the session.
    session.webRequest.onBeforeRequest((details, callback) => {
      if (details.resourceType !== 'mainFrame') return callback({});
      const decision = classify(details.url);
      if (decision.kind === 'block') {
        blocked(details.url);
        return callback({ cancel: true });
      }
      if (decision.kind === 'end') finish(decision.outcome);
      callback({});
    });
    window.webContents.setWindowOpenHandler((details) => {
      deps.notice({ code: 'popup_denied', origin: originForLog(details.url) });
      return { action: 'deny' };
    });
    window.webContents.on('render-process-gone', () => finish({ kind: 'closed' }));
    window.on('closed', () => {
      finish({ kind: 'closed' });
      session.webRequest.onBeforeRequest(null);
      // In-memory partitions live as long as the app: drop this checkout's cookies and storage now.
      session.clearStorageData().catch(() => undefined);
    });

    // Closing the window mid-load, or a blocked request, rejects loadURL; the outcome already says how it ended.
    window.webContents.loadURL(request.approveUrl).catch(() => undefined);
    return { outcome, close: () => finish({ kind: 'closed' }) };
  }
}
