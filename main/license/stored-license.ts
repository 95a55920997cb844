// The one keychain item (or file) holding this machine's license: the entitlement token and, in the same
// item so that neither can be dropped or replaced without the other, the clock guard's mark — the latest
// local time the app has seen and the newest `iat` — plus what the server said about the license that the
// token does not carry (plan name, price, subscription id, …) for the License panel. Only the token is
// trusted for access; everything else is checked on the way in and shown, never relied on.
import type { TransferCode, UnboundReason } from '../../common/api';
import type { LicenseView } from '../../common/license';

export interface ClockMark {
  /** The latest local time (epoch ms) at which the app judged or received this license. */
  seenAt: number;
  /** The newest entitlement `iat` (seconds) ever accepted. */
  iat: number;
}

export interface StoredLicense {
  token: string;
  /** Null when the item has none, or one that cannot be read: the token is then not trusted until online. */
  mark: ClockMark | null;
  /** Local time (epoch ms) of the server's last answer. */
  refreshedAt: number | null;
  /** The server's view of the license the token names. */
  license: LicenseView | null;
  unbound: UnboundReason | null;
  /** The code this computer released its license with, while it may still be used elsewhere. */
  transfer: TransferCode | null;
}

export type StoredRead =
  | { kind: 'none' }
  | { kind: 'stored'; stored: StoredLicense }
  /** Something is stored, but no token can be read from it. */
  | { kind: 'unreadable' };

const VERSION = 1;
const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function serializeStored(stored: StoredLicense): string {
  const { token, mark, refreshedAt, license, unbound, transfer } = stored;
  return JSON.stringify({ v: VERSION, token, mark, refreshedAt, license, unbound, transfer });
}

export function parseStored(text: string | null): StoredRead {
  if (text === null) return { kind: 'none' };
  // Written by the app before the mark moved into this item: the token alone, so the guard has no mark.
  if (JWS.test(text)) return { kind: 'stored', stored: { token: text, mark: null, refreshedAt: null, license: null, unbound: null, transfer: null } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { kind: 'unreadable' };
  }
  if (!isObject(parsed) || parsed.v !== VERSION || typeof parsed.token !== 'string' || !JWS.test(parsed.token)) return { kind: 'unreadable' };
  return {
    kind: 'stored',
    stored: {
      token: parsed.token,
      mark: readMark(parsed.mark),
      refreshedAt: isTime(parsed.refreshedAt) ? parsed.refreshedAt : null,
      license: isObject(parsed.license) && typeof parsed.license.id === 'string' ? (parsed.license as unknown as LicenseView) : null,
      unbound: parsed.unbound === 'released' || parsed.unbound === 'moved' ? parsed.unbound : null,
      transfer: readTransfer(parsed.transfer),
    },
  };
}

function readMark(value: unknown): ClockMark | null {
  if (!isObject(value)) return null;
  const { seenAt, iat } = value;
  return isTime(seenAt) && isTime(iat) ? { seenAt, iat } : null;
}

function readTransfer(value: unknown): TransferCode | null {
  if (!isObject(value)) return null;
  const { code, expiresAt } = value;
  return typeof code === 'string' && typeof expiresAt === 'string' && Number.isFinite(Date.parse(expiresAt)) ? { code, expiresAt } : null;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
