// What the orders module remembers beyond the shared records: idempotency replies, refund notes, the
// merchant's identity and the outcome the next capture is set to have.
import { ids } from '../ids';

export type CaptureOutcome = 'COMPLETED' | 'PENDING' | 'DECLINED';

/** PayPal's capture status_details.reason values for a pending capture. */
export const PENDING_REASONS = [
  'BUYER_COMPLAINT', 'CHARGEBACK', 'ECHECK', 'INTERNATIONAL_WITHDRAWAL', 'OTHER', 'PENDING_REVIEW',
  'RECEIVING_PREFERENCE_MANDATES_MANUAL_ACTION', 'REFUNDED', 'TRANSACTION_APPROVED_AWAITING_FUNDING',
  'UNILATERAL', 'VERIFICATION_REQUIRED',
] as const;
export type PendingReason = (typeof PENDING_REASONS)[number];

export interface NextCapture {
  outcome: CaptureOutcome;
  pendingReason: PendingReason;
}

export interface Merchant {
  merchantId: string;
  email: string;
  name: string;
}

export interface RefundNote {
  noteToPayer?: string;
  invoiceId?: string;
}

export class OrdersMemory {
  /** PayPal-Request-Id of an order create → the first answer. */
  readonly createReplies = new Map<string, unknown>();
  /** `${captureId} ${PayPal-Request-Id}` of a refund → the first answer. */
  readonly refundReplies = new Map<string, unknown>();
  readonly refundNotes = new Map<string, RefundNote>();
  /** Capture id → why it is pending. */
  readonly pendingReasons = new Map<string, PendingReason>();
  readonly merchant: Merchant;
  private next: NextCapture = { outcome: 'COMPLETED', pendingReason: 'PENDING_REVIEW' };

  constructor(merchantName: string) {
    this.merchant = { merchantId: ids.payer(), email: 'sb-merchant@business.example.com', name: merchantName };
  }

  setNextCapture(next: NextCapture): void {
    this.next = next;
  }

  /** The outcome set for the next capture; it applies once, then captures complete again. */
  takeNextCapture(): NextCapture {
    const next = this.next;
    this.next = { outcome: 'COMPLETED', pendingReason: 'PENDING_REVIEW' };
    return next;
  }
}
