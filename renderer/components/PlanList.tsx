import { useUi } from '../store-context';
import { PlanPrice } from './PlanPrice';

export function PlanList() {
  const plansRequest = useUi((s) => s.plansRequest);
  const cachedPlans = useUi((s) => s.app?.plans ?? null);
  const startUpgrade = useUi((s) => s.startUpgrade);
  const loadPlans = useUi((s) => s.loadPlans);
  const plans = plansRequest.status === 'ready' ? plansRequest.plans : cachedPlans;

  if (!plans) {
    if (plansRequest.status === 'error') {
      return (
        <div className="notice notice-error">
          <p>The plans could not be loaded: {plansRequest.message}</p>
          <button type="button" data-autofocus onClick={() => void loadPlans()}>Try again</button>
        </div>
      );
    }
    return <p role="status">Loading plans…</p>;
  }
  if (plans.length === 0) return <p>No plans are on sale right now.</p>;
  return (
    <>
      <p>Choose a plan. Payment opens in a separate PayPal window.</p>
      <ul className="plan-list">
        {plans.map((plan, index) => (
          <li key={plan.id}>
            <button type="button" className="plan" data-autofocus={index === 0 ? true : undefined} onClick={() => void startUpgrade(plan.id)}>
              <span className="plan-name">{plan.name}</span>
              <PlanPrice plan={plan} />
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
