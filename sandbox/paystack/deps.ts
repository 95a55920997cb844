// What each part of the Paystack stand-in is handed.
import type { AdjustableClock } from '../../common/clock';
import type { ResolvedPaystackOptions } from './options';
import type { PaystackRender } from './render';
import type { PaystackState } from './state';
import type { WebhookSender } from './webhooks/sender';

export interface PaystackDeps {
  state: PaystackState;
  clock: AdjustableClock;
  options: ResolvedPaystackOptions;
  render: PaystackRender;
  webhooks: WebhookSender;
  /** The sandbox's origin and the stand-in's path prefix: `http://127.0.0.1:8788/paystack`. */
  baseUrl(): string;
  /** Sandbox controls, not Paystack data. */
  controls: {
    /** How the next hosted-page payment ends (once), then payments succeed again. */
    nextCharge: 'success' | 'failed';
    /** While true, refunds stay pending until processRefund / failRefund. */
    holdRefunds: boolean;
  };
}

export function nowIso(deps: PaystackDeps): string {
  return new Date(deps.clock.now()).toISOString();
}
