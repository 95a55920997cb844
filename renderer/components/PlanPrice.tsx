import type { Plan } from '../../common/plans';
import { billingPeriod, formatMoney, spokenBillingPeriod } from '../format';

export function PlanPrice({ plan }: { plan: Plan }) {
  return (
    <span className="plan-price">
      <span className="plan-amount">{formatMoney(plan.price, plan.currency)}</span>{' '}
      <span className="plan-period" aria-hidden="true">{billingPeriod(plan.billing)}</span>
      <span className="sr-only">{spokenBillingPeriod(plan.billing)}</span>
    </span>
  );
}
