// The main window's policies as pure decisions: content security, navigation, new windows, permissions.
// main-window.ts attaches them to Electron objects; tests call them directly.
import { isAppUrl } from './app-origin';

/**
 * Sent with every app:// response. Scripts only from the app itself (no inline, no eval); the renderer talks
 * to main through the preload bridge, never the network, so connect-src stays on our own origin.
 */
export const MAIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
].join('; ');

/** The main window shows the app's own pages only; anything else (a dropped file, a link) is refused. */
export function mainWindowMayNavigate(url: string): boolean {
  return isAppUrl(url);
}

export type WindowOpenDecision = { action: 'deny'; openExternally: string | null };

/**
 * No window ever opens inside the app. A link to an allow-listed https page (the vendor's docs, a
 * provider's help) goes to the user's browser instead; everything else is dropped.
 */
export function decideWindowOpen(url: string, externalAllowList: readonly string[]): WindowOpenDecision {
  return { action: 'deny', openExternally: isAllowedExternal(url, externalAllowList) ? url : null };
}

/** Allow-list entries are https URL prefixes ending in '/', so `https://docs.example/` never admits `https://docs.example.evil/`. */
export function isAllowedExternal(url: string, allowList: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  return allowList.some((prefix) => prefix.startsWith('https://') && prefix.endsWith('/') && parsed.href.startsWith(prefix));
}

/** Neither window needs camera, notifications, clipboard reads, geolocation or anything else a page may ask for. */
export function denyPermissionRequest(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

export function denyPermissionCheck(): boolean {
  return false;
}
