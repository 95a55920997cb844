import { useUi } from '../store-context';
import { FREE_WORKFLOW_LIMIT } from '../workflow-limit';
import { PlanPrice } from './PlanPrice';

/** What the upgrade buys, said before the price. */
function EnterpriseUnlocks() {
  return (
    <section className="unlocks" aria-labelledby="unlocks-title" data-testid="enterprise-unlocks">
      <h3 id="unlocks-title">What Enterprise unlocks</h3>
      <ul>
        <li>Unlimited workflows — Free stops at {FREE_WORKFLOW_LIMIT}.</li>
        <li>Works offline on this computer between license checks.</li>
        <li>Moves with you: release this computer and enter a one-time code on the new one.</li>
      </ul>
    </section>
  );
}

export function PlanList() {
  const plansRequest = useUi((s) => s.plansRequest);
  const cachedPlans = useUi((s) => s.app?.plans ?? null);
  const startUpgrade = useUi((s) => s.startUpgrade);
  const loadPlans = useUi((s) => s.loadPlans);
  const plans = plansRequest.status === 'ready' ? plansRequest.plans : cachedPlans;

  if (!plans) {
    if (plansRequest.status === 'error') {
      return (
        <>
          <EnterpriseUnlocks />
          <div className="notice notice-error">
            <p>{plansRequest.message}</p>
            <button type="button" data-autofocus onClick={() => void loadPlans()}>Try again</button>
          </div>
        </>
      );
    }
    return <p role="status">Loading plans…</p>;
  }
  if (plans.length === 0) return <p>No plans are on sale right now.</p>;
  return (
    <>
      <EnterpriseUnlocks />
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
