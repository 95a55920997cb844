// The outcome the next order capture is set to have: a control-API setting that applies once.
import type { PendingReason } from '../model';

export type CaptureOutcome = 'COMPLETED' | 'PENDING' | 'DECLINED';

export const PENDING_REASONS: readonly PendingReason[] = [
  'BUYER_COMPLAINT', 'CHARGEBACK', 'ECHECK', 'INTERNATIONAL_WITHDRAWAL', 'OTHER', 'PENDING_REVIEW',
  'RECEIVING_PREFERENCE_MANDATES_MANUAL_ACTION', 'REFUNDED', 'TRANSACTION_APPROVED_AWAITING_FUNDING',
  'UNILATERAL', 'VERIFICATION_REQUIRED',
];

export interface NextCapture {
  outcome: CaptureOutcome;
  pendingReason: PendingReason;
}

const ORDINARY: NextCapture = { outcome: 'COMPLETED', pendingReason: 'PENDING_REVIEW' };

export class NextCaptureSetting {
  private next = ORDINARY;

  set(next: NextCapture): void {
    this.next = next;
  }

  /** The outcome set for the next capture; it applies once, then captures complete again. */
  take(): NextCapture {
    const next = this.next;
    this.next = ORDINARY;
    return next;
  }
}
