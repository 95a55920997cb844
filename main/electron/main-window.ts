// Attaches the main window's policies (security-policy.ts) to its webContents and session.
import { originForLog, type NavigationEvent, type PermissionSession } from './electron-shapes';
import { decideWindowOpen, denyPermissionCheck, denyPermissionRequest, mainWindowMayNavigate } from './security-policy';

export interface MainWebContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface MainWindowGuards {
  /** https URL prefixes that may open in the user's browser. */
  externalAllowList: readonly string[];
  openExternal(url: string): Promise<void>;
  refused(what: 'navigation' | 'window' | 'webview', origin: string): void;
}

export function lockDownMainWindow(webContents: MainWebContents, guards: MainWindowGuards): void {
  const guardNavigation = (event: NavigationEvent) => {
    if (mainWindowMayNavigate(event.url)) return;
    event.preventDefault();
    guards.refused('navigation', originForLog(event.url));
  };
  webContents.on('will-navigate', guardNavigation);
  webContents.on('will-redirect', guardNavigation);
  webContents.on('will-attach-webview', (event) => {
    event.preventDefault();
    guards.refused('webview', 'n/a');
  });
  webContents.setWindowOpenHandler(({ url }) => {
    const decision = decideWindowOpen(url, guards.externalAllowList);
    if (decision.openExternally) guards.openExternal(decision.openExternally).catch(() => guards.refused('window', originForLog(url)));
    else guards.refused('window', originForLog(url));
    return { action: decision.action };
  });
}

export function denyAllPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler(denyPermissionRequest);
  session.setPermissionCheckHandler(denyPermissionCheck);
}
