// Delivery faults a test or demo can switch on: the disorder real PayPal delivery shows now and then, on demand.
import { webhookErrors } from './webhook-errors';

export interface DeliveryFaults {
  /** Each delivery (one event to one listener) reaches the listener this many times in all; 1 is normal. */
  duplicate?: number;
  /** Sends the duplicates at the same moment instead of one after another. */
  concurrent?: boolean;
  /** Holds deliveries and releases them in random order: `windowMs` after the first is held, or at a flush. */
  shuffle?: { windowMs?: number };
  /** The first K attempts of each delivery fail without reaching the listener, then retries run as usual. */
  failFirst?: number;
  /** Every attempt waits this long before it is sent. */
  delayMs?: number;
}

const LIMITS = { duplicate: [1, 100], failFirst: [0, 1000], delayMs: [0, 600_000], windowMs: [0, 600_000] } as const;

/** Validates faults given over HTTP; a bad field is PayPal's 400 naming it. */
export function parseFaults(input: unknown): DeliveryFaults {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw webhookErrors.validation('faults', 'A JSON object is required.');
  }
  const { duplicate, concurrent, shuffle, failFirst, delayMs, ...unknown } = input as Record<string, unknown>;
  const stray = Object.keys(unknown)[0];
  if (stray !== undefined) throw webhookErrors.validation(stray, 'Unknown fault.');
  const faults: DeliveryFaults = {};
  if (duplicate !== undefined) faults.duplicate = integerIn('duplicate', duplicate);
  if (concurrent !== undefined) {
    if (typeof concurrent !== 'boolean') throw webhookErrors.validation('concurrent', 'Must be a boolean.');
    faults.concurrent = concurrent;
  }
  if (shuffle !== undefined && shuffle !== false) faults.shuffle = parseShuffle(shuffle);
  if (failFirst !== undefined) faults.failFirst = integerIn('failFirst', failFirst);
  if (delayMs !== undefined) faults.delayMs = integerIn('delayMs', delayMs);
  return faults;
}

function parseShuffle(value: unknown): { windowMs?: number } {
  if (value === true) return {};
  if (value === null || typeof value !== 'object') throw webhookErrors.validation('shuffle', 'Must be an object or true.');
  const windowMs = (value as { windowMs?: unknown }).windowMs;
  return windowMs === undefined ? {} : { windowMs: integerIn('windowMs', windowMs) };
}

function integerIn(field: keyof typeof LIMITS, value: unknown): number {
  const [min, max] = LIMITS[field];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw webhookErrors.validation(field, `Must be an integer from ${min} to ${max}.`);
  }
  return value;
}
