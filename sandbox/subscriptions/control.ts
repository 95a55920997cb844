// The control operations tests and demos use to play PayPal's side: the buyer approving, the billing
// scheduler renewing or failing, the merchant's dashboard cancelling, the buyer's bank reversing.
import type { SandboxContext } from '../context';
import { errors } from '../errors';
import type { Subscription } from '../model';
import { billNextCycle, cyclesExhausted, runDueRenewals } from './billing';
import { applyMerchantAction, approve, expire } from './lifecycle';
import { findSale, findSubscription } from './lookup';
import { renderSale, renderSaleRefund, renderSubscription } from './render';
import { refundSale, reverseSale } from './sales';
import { requireStatus } from './status';
import type { Json } from './validate';

export interface SubscriptionsControl {
  /** Bills every active subscription whose next billing time has passed on the sandbox clock. */
  runDueRenewals(): Promise<void>;
  /** The buyer presses Pay on the approval page. */
  approveSubscription(id: string): Json;
  /** Bills the next cycle now; the schedule moves one interval on. */
  renewSubscription(id: string): { subscription: Json; sale: Json };
  /** One declined payment for the next cycle, now; the plan's threshold may suspend the subscription. */
  failRenewal(id: string): Json;
  /** How renewals that fall due from now on end ('succeed' unless changed). */
  setRenewalOutcome(id: string, outcome: Subscription['renewalOutcome']): Json;
  /** The merchant cancels in PayPal's dashboard. */
  cancelSubscription(id: string, reason?: string): Json;
  /** The merchant pauses it (ACTIVE → SUSPENDED, BILLING.SUBSCRIPTION.SUSPENDED), as POST …/suspend does. */
  suspendSubscription(id: string, reason?: string): Json;
  /** The merchant resumes it (SUSPENDED or APPROVED → ACTIVE, BILLING.SUBSCRIPTION.ACTIVATED), as POST …/activate. */
  activateSubscription(id: string, reason?: string): Json;
  expireSubscription(id: string): Json;
  /** Refunds `amount` (a decimal string in the sale's currency) of a sale, or all that is left of it. */
  refundSale(id: string, amount?: string): Json;
  /** The buyer's bank takes the payment back (a chargeback). */
  reverseSale(id: string): Json;
}

export function subscriptionsControl(ctx: SandboxContext): SubscriptionsControl {
  const show = (id: string) => renderSubscription(ctx, findSubscription(ctx, id));
  const activeWithCyclesLeft = (id: string, action: string) => {
    const subscription = findSubscription(ctx, id);
    requireStatus(subscription, action, ['ACTIVE']);
    if (cyclesExhausted(ctx, subscription)) {
      throw errors.unprocessable('BILLING_CYCLE_EXECUTION_COMPLETED', 'All billing cycles of this subscription have run.');
    }
    return subscription;
  };

  return {
    runDueRenewals: async () => runDueRenewals(ctx),
    approveSubscription: (id) => {
      approve(ctx, findSubscription(ctx, id));
      return show(id);
    },
    renewSubscription: (id) => {
      const sale = billNextCycle(ctx, activeWithCyclesLeft(id, 'renew'), 'succeed', ctx.isoNow());
      if (sale === undefined) throw new Error('a successful renewal produced no sale');
      return { subscription: show(id), sale: renderSale(ctx, sale) };
    },
    failRenewal: (id) => {
      billNextCycle(ctx, activeWithCyclesLeft(id, 'renew'), 'fail', ctx.isoNow());
      return show(id);
    },
    setRenewalOutcome: (id, outcome) => {
      findSubscription(ctx, id).renewalOutcome = outcome;
      return { id, renewal_outcome: outcome };
    },
    cancelSubscription: (id, reason = 'Cancelled by the merchant') => {
      applyMerchantAction(ctx, findSubscription(ctx, id), 'cancel', reason);
      return show(id);
    },
    suspendSubscription: (id, reason = 'Suspended by the merchant') => {
      applyMerchantAction(ctx, findSubscription(ctx, id), 'suspend', reason);
      return show(id);
    },
    activateSubscription: (id, reason = 'Reactivated by the merchant') => {
      applyMerchantAction(ctx, findSubscription(ctx, id), 'activate', reason);
      return show(id);
    },
    expireSubscription: (id) => {
      expire(ctx, findSubscription(ctx, id));
      return show(id);
    },
    refundSale: (id, amount) => {
      const body = amount === undefined ? {} : { amount: { total: amount, currency: findSale(ctx, id).amount.currency_code } };
      return renderSaleRefund(ctx, refundSale(ctx, id, body));
    },
    reverseSale: (id) => renderSaleRefund(ctx, reverseSale(ctx, id)),
  };
}
