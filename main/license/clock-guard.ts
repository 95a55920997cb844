// Clock-rollback guard: the newest `iat` ever seen is kept; a clock more than a day behind it means the
// time checks cannot be trusted (someone may be replaying an expired token) until an online refresh.

export const ROLLBACK_TOLERANCE_MS = 24 * 60 * 60 * 1000;

/** `highWaterIat` in seconds (JWT NumericDate), `now` in epoch ms. */
export function clockRolledBack(now: number, highWaterIat: number | null): boolean {
  return highWaterIat !== null && now < highWaterIat * 1000 - ROLLBACK_TOLERANCE_MS;
}

/** Reads the stored mark; anything but a whole number of seconds counts as no mark. */
export function parseHighWater(stored: string | null): number | null {
  if (stored === null || !/^\d{1,15}$/.test(stored)) return null;
  return Number(stored);
}
