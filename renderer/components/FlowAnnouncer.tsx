import { flowMessage } from '../flow-steps';
import { useUi } from '../store-context';

/** Always mounted, so screen readers announce each step of the upgrade as it changes. */
export function FlowAnnouncer() {
  const message = useUi((s) => (s.app ? flowMessage(s.app.flow) : ''));
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="flow-announcer">
      {message}
    </div>
  );
}
