// Every way an upgrade can end, as the FlowState the UI shows: a step, and a sentence a person can act on.
import type { FlowFailure, FlowState } from '../../common/app-state';
import { ServerClientError } from './server-errors';

export const failed = (reason: FlowFailure, message: string, retryable: boolean): FlowState => ({ step: 'failed', reason, message, retryable });

export const cancelled = (message: string): FlowState => ({ step: 'cancelled', message });

export const CANCEL_MESSAGES = {
  byUser: 'You cancelled the upgrade. Nothing was charged.',
  onPage: 'The checkout was cancelled. Nothing was charged.',
} as const;

export const EXPIRED = failed('checkout_expired', 'The checkout timed out before the payment was completed. Nothing was charged; you can start again.', true);

/** The state for a failure to talk to the server (or anything unexpected) at any step of the flow. */
export function stateForError(error: unknown): FlowState {
  if (!(error instanceof ServerClientError)) {
    return failed('unknown', 'Something went wrong while upgrading. Try again; a payment already made still reaches this computer at the next refresh.', true);
  }
  switch (error.kind) {
    case 'offline':
      return { step: 'offline', message: 'The license server cannot be reached. Check your internet connection (and proxy settings, if you use one) and try again.' };
    case 'server_error':
    case 'bad_response':
      return failed('server_error', 'The license server had a problem. Try again in a moment.', true);
    case 'aborted':
      return cancelled(CANCEL_MESSAGES.byUser);
    case 'rejected':
      switch (error.code) {
        case 'invalid_anchor':
          return failed('anchor_unavailable', error.message, false);
        case 'checkout_expired':
          return EXPIRED;
        case 'rate_limited':
        case 'provider_unavailable':
          return failed('server_error', error.message, true);
        default:
          return failed('unknown', error.message, false);
      }
  }
}
