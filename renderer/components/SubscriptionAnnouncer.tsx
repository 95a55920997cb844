import { useUi } from '../store-context';
import { billingProvider } from '../billing-provider';
import { cancelOutcome } from '../subscription-text';

/** Always mounted, so screen readers hear each step of a cancellation as main reports it. */
export function SubscriptionAnnouncer() {
  const message = useUi((s) => (s.app && s.app.manage.step !== 'idle' ? cancelOutcome(s.app.manage, s.app.license.tier, billingProvider(s.app)) : ''));
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="subscription-announcer">
      {message}
    </div>
  );
}
