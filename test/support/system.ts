// Tests that need a system part (Chromium, a Secret Service, PostgreSQL) skip with the reason where it is
// missing; under CI=true a missing part fails instead, so CI can never go green by skipping.
import { it } from 'vitest';

export interface SystemPart { available: boolean; reason: string }

export function itWithSystem(part: SystemPart, name: string, fn: () => Promise<void> | void, timeout?: number): void {
  if (part.available) {
    it(name, fn, timeout);
  } else if (process.env.CI === 'true') {
    it(name, () => {
      throw new Error(`required system part missing under CI: ${part.reason}`);
    });
  } else {
    console.warn(`SKIPPED "${name}": ${part.reason}`);
    it.skip(`${name} [skipped: ${part.reason}]`, fn);
  }
}
