import type { FlowState } from '../common/app-state';

export type FlowStep = FlowState['step'];

/** Steps during which the purchase is under way: the dialog stays open, and only its own buttons end it. */
export function isFlowInProgress(flow: FlowState): boolean {
  return flow.step === 'creating' || flow.step === 'awaiting_approval' || flow.step === 'window_closed' || flow.step === 'confirming';
}

/** The sentence each step announces (visible in the dialog and spoken by the live region). */
export function flowMessage(flow: FlowState): string {
  switch (flow.step) {
    case 'idle':
      return '';
    case 'creating':
      return 'Creating your checkout…';
    case 'awaiting_approval':
      return `Complete the payment in the ${flow.provider.name || 'payment'} window.`;
    case 'window_closed':
      return 'Payment window closed. Nothing has been charged; reopen the payment page to finish, or cancel.';
    case 'confirming':
      return 'Confirming your payment…';
    case 'active':
      return 'Payment received. Enterprise is active on this computer.';
    case 'cancelled':
    case 'failed':
    case 'offline':
      return flow.message;
  }
}
