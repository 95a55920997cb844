// The parts of Electron's objects this glue touches, as structural types: the real objects fit them, and
// tests pass small fakes instead of launching Electron.
import type { denyPermissionCheck, denyPermissionRequest } from './security-policy';

/** will-navigate / will-redirect's first argument. */
export interface NavigationEvent {
  url: string;
  isMainFrame: boolean;
  preventDefault(): void;
}

export interface PermissionSession {
  setPermissionRequestHandler(handler: typeof denyPermissionRequest | null): void;
  setPermissionCheckHandler(handler: typeof denyPermissionCheck | null): void;
}

/** For logs: the origin only, since full URLs may carry the provider's tokens. */
export function originForLog(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unparseable URL';
  }
}
