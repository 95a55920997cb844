import type { FlowState } from '../../common/app-state';
import { flowMessage } from '../flow-steps';
import { useUi } from '../store-context';

export function FlowProgress({ flow }: { flow: FlowState }) {
  const cancelUpgrade = useUi((s) => s.cancelUpgrade);
  return (
    <div className="flow-progress" data-step={flow.step}>
      <p className="flow-message">
        <span className="spinner" aria-hidden="true" />
        {flowMessage(flow)}
      </p>
      {flow.step === 'awaiting_approval' && (
        <p className="hint">The payment page is open in its own window. This window updates by itself once you have paid.</p>
      )}
      {flow.step === 'awaiting_approval' && flow.replaces && (
        <p className="notice" data-testid="replaces-subscription">
          Your subscription ({flow.replaces.subscriptionId}) will be cancelled once this payment goes through, so you are not charged for
          both. Enterprise continues without a break.
        </p>
      )}
      <div className="actions">
        <button type="button" data-autofocus onClick={() => void cancelUpgrade()}>Cancel</button>
      </div>
    </div>
  );
}
