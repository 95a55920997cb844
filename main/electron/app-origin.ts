// Where the app's own pages live: a custom privileged scheme instead of file:// (which would grant every
// local file the same origin). Navigation locks, IPC sender checks and the protocol handler all key on it.
export const APP_SCHEME = 'app';
export const APP_HOST = 'hardbound';
export const APP_URL_PREFIX = `${APP_SCHEME}://${APP_HOST}/`;
export const APP_ENTRY_URL = `${APP_URL_PREFIX}index.html`;

export function isAppUrl(url: string): boolean {
  return url.startsWith(APP_URL_PREFIX);
}
