// Clock-rollback guard. The mark kept beside the token (stored-license.ts) holds the latest local time the
// app has seen and the newest `iat`; a clock more than a day behind either means the time checks cannot be
// trusted (an older token replayed under a set-back clock looks valid), so the stored token waits for an
// online refresh. A token without a readable mark is treated the same way: dropping the mark must never
// switch the guard off.
import type { ClockMark } from './stored-license';

export const ROLLBACK_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** `now` in epoch ms. */
export function clockBehind(now: number, mark: ClockMark): boolean {
  return now < Math.max(mark.seenAt, mark.iat * 1000) - ROLLBACK_TOLERANCE_MS;
}

/** The mark after seeing local time `now` and a token issued at `iat` (seconds): it only ever rises. */
export function raiseMark(mark: ClockMark | null, now: number, iat: number): ClockMark {
  return { seenAt: Math.max(mark?.seenAt ?? 0, now), iat: Math.max(mark?.iat ?? 0, iat) };
}

/** Whether storing `next` over `current` is worth a keychain write: a newer iat, or local time a while on. */
export function markMoved(current: ClockMark | null, next: ClockMark, granularityMs = 60_000): boolean {
  return current === null || next.iat > current.iat || next.seenAt - current.seenAt >= granularityMs;
}
