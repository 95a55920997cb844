// A delivery's transmission time must be near our clock. Every PayPal transmission — the first and each retry,
// and a resend from the events API — is signed afresh with its own time, so only a replayed capture of an old
// transmission (or a badly skewed clock here, which /readyz cannot see) falls outside the window.
import type { WebhookRefusal } from '../port';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** The refusal for a transmission time outside `windowMs` of `now`, or null when it is fresh. A missing or
 *  malformed time is left to the signature check, which refuses it. */
export function checkFreshness(header: string | string[] | undefined, now: number, windowMs: number): WebhookRefusal | null {
  if (typeof header !== 'string' || !ISO_TIME.test(header)) return null;
  const sent = Date.parse(header);
  if (!Number.isFinite(sent)) return null;
  const minutes = Math.round(windowMs / 60_000);
  if (sent < now - windowMs) {
    return { status: 400, code: 'stale_transmission', message: `The transmission time is more than ${minutes} minutes old; a replayed delivery is not accepted.` };
  }
  if (sent > now + windowMs) {
    return { status: 400, code: 'future_transmission', message: `The transmission time is more than ${minutes} minutes ahead of this server's clock.` };
  }
  return null;
}
