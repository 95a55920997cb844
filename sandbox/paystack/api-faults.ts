// API faults: Paystack's API failing or hanging on demand, so that a client's retries, timeouts and "is it
// down?" paths are exercised. Each applies to the next N API calls (the hosted page and the control API are
// never affected), optionally only to paths starting with `path` (e.g. "/transaction/verify").
import { PaystackError } from './errors';

export interface ApiFaults {
  /** The next `count` calls answer `status` (500 unless given) with Paystack's error body and do nothing. */
  fail?: { count: number; status?: number; path?: string };
  /** The next `count` calls wait `ms` (default 60 s) before they are handled; a client's timeout fires first. */
  hang?: { count: number; ms?: number; path?: string };
}

const MAX_COUNT = 1000;
const MAX_HANG_MS = 600_000;
export const DEFAULT_HANG_MS = 60_000;

export function parseApiFaults(input: unknown): ApiFaults {
  const body = objectOf(input, 'faults');
  const { fail, hang, ...rest } = body;
  const stray = Object.keys(rest)[0];
  if (stray !== undefined) throw invalid(`Unknown fault: ${stray}.`);
  const faults: ApiFaults = {};
  if (fail !== undefined) {
    const f = objectOf(fail, 'fail');
    faults.fail = { count: integerIn(f.count, 'fail.count', 0, MAX_COUNT) };
    if (f.status !== undefined) faults.fail.status = integerIn(f.status, 'fail.status', 500, 599);
    if (f.path !== undefined) faults.fail.path = pathOf(f.path, 'fail.path');
  }
  if (hang !== undefined) {
    const h = objectOf(hang, 'hang');
    faults.hang = { count: integerIn(h.count, 'hang.count', 0, MAX_COUNT) };
    if (h.ms !== undefined) faults.hang.ms = integerIn(h.ms, 'hang.ms', 0, MAX_HANG_MS);
    if (h.path !== undefined) faults.hang.path = pathOf(h.path, 'hang.path');
  }
  return faults;
}

/** What the next API call to `path` meets: a failure, a hang, or nothing. Counts down as calls arrive. */
export class ApiFaultState {
  private faults: ApiFaults = {};

  current(): ApiFaults {
    return structuredClone(this.faults);
  }
  set(faults: ApiFaults): void {
    this.faults = structuredClone(faults);
  }

  take(path: string): { failStatus?: number; hangMs?: number } {
    const outcome: { failStatus?: number; hangMs?: number } = {};
    const { hang, fail } = this.faults;
    if (hang && hang.count > 0 && matches(path, hang.path)) {
      hang.count -= 1;
      outcome.hangMs = hang.ms ?? DEFAULT_HANG_MS;
    }
    if (fail && fail.count > 0 && matches(path, fail.path)) {
      fail.count -= 1;
      outcome.failStatus = fail.status ?? 500;
    }
    return outcome;
  }
}

function matches(path: string, prefix: string | undefined): boolean {
  return prefix === undefined || path.startsWith(prefix);
}

function objectOf(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be a JSON object.`);
  return value as Record<string, unknown>;
}

function integerIn(value: unknown, name: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

function pathOf(value: unknown, name: string): string {
  if (typeof value !== 'string' || !value.startsWith('/')) throw invalid(`${name} must be a path starting with "/".`);
  return value;
}

function invalid(message: string): PaystackError {
  return new PaystackError(400, message, { type: 'validation_error', code: 'invalid_params' });
}
