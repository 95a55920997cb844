import type { FlowState } from '../../common/app-state';
import { formatDateTime } from '../format';
import { useUi } from '../store-context';

/** The provider's payment window was closed before paying: the same payment page again, or cancel. The server is still
 *  listened to, so a payment made meanwhile still ends the upgrade by itself. */
export function WindowClosed({ flow }: { flow: Extract<FlowState, { step: 'window_closed' }> }) {
  const reopen = useUi((s) => s.reopenCheckout);
  const cancel = useUi((s) => s.cancelUpgrade);
  return (
    <div className="flow-progress" data-step={flow.step}>
      <p className="flow-message">The {flow.provider.name || 'payment'} window was closed before the payment was finished. Nothing has been charged.</p>
      <p className="hint">
        You can reopen the same payment page until <time dateTime={flow.expiresAt}>{formatDateTime(flow.expiresAt)}</time>. If you did pay, this
        window updates by itself in a moment.
      </p>
      <div className="actions">
        <button type="button" className="primary" data-autofocus onClick={() => void reopen()}>
          Reopen payment page
        </button>
        <button type="button" onClick={() => void cancel()}>Cancel</button>
      </div>
    </div>
  );
}
