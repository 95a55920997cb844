// Native keychain calls can hang (a Secret Service that never answers, a locked collection waiting on a
// prompt): every call is raced against a deadline and also handed an AbortSignal the binding can honour.
import type { Timers } from './timers';

export class TimeoutError extends Error {
  readonly code = 'timeout';
  constructor(what: string, ms: number) {
    super(`${what} did not answer within ${ms} ms`);
  }
}

export async function withTimeout<T>(timers: Timers, ms: number, what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let handle: unknown;
  const deadline = new Promise<never>((_resolve, reject) => {
    handle = timers.setTimeout(() => {
      const error = new TimeoutError(what, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([call(controller.signal), deadline]);
  } finally {
    timers.clearTimeout(handle);
  }
}
