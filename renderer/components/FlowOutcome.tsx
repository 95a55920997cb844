import type { FlowState } from '../../common/app-state';
import { flowMessage } from '../flow-steps';
import { useUi } from '../store-context';

/** The end of an upgrade: success, cancelled, failed or offline, each with what the person can do next. */
export function FlowOutcome({ flow }: { flow: FlowState }) {
  const closeUpgrade = useUi((s) => s.closeUpgrade);
  const retryUpgrade = useUi((s) => s.retryUpgrade);
  const canRetry = flow.step === 'offline' || (flow.step === 'failed' && flow.retryable);
  const tone = flow.step === 'active' ? 'success' : flow.step === 'cancelled' ? 'info' : 'error';
  return (
    <div className={`flow-outcome notice notice-${tone}`} data-step={flow.step}>
      <p className="flow-message">{flowMessage(flow)}</p>
      <div className="actions">
        {canRetry && <button type="button" data-autofocus onClick={() => void retryUpgrade()}>Retry</button>}
        <button type="button" data-autofocus={canRetry ? undefined : true} onClick={() => void closeUpgrade()}>
          {flow.step === 'active' ? 'Done' : 'Close'}
        </button>
      </div>
    </div>
  );
}
