// Billing event ids for PayPal facts. An id names the fact (this capture completed, this sale paid, this refund,
// this activation), never the delivery that told us: the app's return, the return page, the webhook and the
// reconciliation job each derive the same id from what the API shows, so whichever road comes second is a no-op.
import type { BillingEventType } from '../../billing/events';

export const factId = (type: BillingEventType, ...resource: (string | number)[]): string => `paypal:${type}:${resource.join(':')}`;
