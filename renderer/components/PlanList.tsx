import { useId, useRef, useState } from 'react';
import type { ProviderInfo } from '../../common/api';
import type { PlanCatalog } from '../../common/app-state';
import type { Plan } from '../../common/plans';
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

/** Stricter than the server's check (common/api.ts: something@something), so what the app sends is accepted there,
 *  and a typo without a domain's dot is caught before the provider's page opens. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The providers some plan is sold through, in the catalog's order. */
function providersOnOffer(catalog: PlanCatalog): ProviderInfo[] {
  return catalog.providers.filter((provider) => catalog.plans.some((plan) => plan.providers?.includes(provider.id)));
}

function sells(plan: Plan, provider: ProviderInfo | null): boolean {
  return provider === null || plan.providers === undefined || plan.providers.includes(provider.id);
}

export function PlanList() {
  const plansRequest = useUi((s) => s.plansRequest);
  const cachedCatalog = useUi((s) => s.app?.catalog ?? null);
  const startUpgrade = useUi((s) => s.startUpgrade);
  const loadPlans = useUi((s) => s.loadPlans);
  const catalog = plansRequest.status === 'ready' ? plansRequest.catalog : cachedCatalog;
  const [chosenId, setChosenId] = useState<string | null>(null);
  const [email, setEmail] = useState('');
  const [emailProblem, setEmailProblem] = useState<string | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const ids = useId();

  if (!catalog) {
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
  const providers = providersOnOffer(catalog);
  // A server that names no providers sells through its default: nothing to choose.
  const provider = providers.find((p) => p.id === chosenId) ?? providers[0] ?? null;
  const plans = catalog.plans.filter((plan) => sells(plan, provider));
  if (plans.length === 0) return <p>No plans are on sale right now.</p>;
  const windowName = provider ? `${provider.name} window` : 'window';

  function buy(plan: Plan) {
    let given: string | null = null;
    if (provider?.requiresEmail) {
      given = email.trim();
      if (!EMAIL.test(given) || given.length > 254) {
        setEmailProblem(given === '' ? `Enter your e-mail address: ${provider.name} needs it to take the payment.` : 'Enter a whole e-mail address, like name@example.com.');
        emailRef.current?.focus();
        return;
      }
    }
    setEmailProblem(null);
    void startUpgrade({ planId: plan.id, provider: provider?.id ?? null, email: given });
  }

  return (
    <>
      <EnterpriseUnlocks />
      {providers.length > 1 && (
        <fieldset className="provider-choice" data-testid="provider-choice">
          <legend>Pay with</legend>
          {providers.map((p) => (
            <label key={p.id} className="provider-option">
              <input type="radio" name={`${ids}-provider`} value={p.id} checked={p.id === provider?.id} data-autofocus={p.id === provider?.id ? true : undefined} onChange={() => { setChosenId(p.id); setEmailProblem(null); }} />
              {p.name}
            </label>
          ))}
        </fieldset>
      )}
      {provider?.requiresEmail && (
        <div className="email-field">
          <label htmlFor={`${ids}-email`}>Your e-mail address for {provider.name}</label>
          <input
            ref={emailRef}
            id={`${ids}-email`}
            type="email"
            autoComplete="email"
            spellCheck={false}
            maxLength={254}
            value={email}
            aria-invalid={emailProblem !== null}
            aria-describedby={`${ids}-email-note${emailProblem ? ` ${ids}-email-problem` : ''}`}
            onChange={(event) => setEmail(event.target.value)}
          />
          <p id={`${ids}-email-note`} className="hint" data-testid="email-note">
            {provider.name} needs it to take the payment and send your receipt. It goes to {provider.name} only; we do not keep it.
          </p>
          {emailProblem && <p id={`${ids}-email-problem`} className="error-text" role="alert" data-testid="email-problem">{emailProblem}</p>}
        </div>
      )}
      <p>Choose a plan. Payment opens in a separate {windowName}.</p>
      <ul className="plan-list">
        {plans.map((plan, index) => (
          <li key={plan.id}>
            <button type="button" className="plan" data-autofocus={index === 0 && providers.length <= 1 ? true : undefined} onClick={() => buy(plan)}>
              <span className="plan-name">{plan.name}</span>
              <PlanPrice plan={plan} />
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
