import { useRef } from 'react';
import type { FlowState } from '../../common/app-state';
import { isFlowInProgress } from '../flow-steps';
import { useUi } from '../store-context';
import { useDialogFocus } from '../use-dialog-focus';
import { CommandError } from './CommandError';
import { FlowOutcome } from './FlowOutcome';
import { FlowProgress } from './FlowProgress';
import { PlanList } from './PlanList';
import { WindowClosed } from './WindowClosed';

const TITLES: Record<FlowState['step'], string> = {
  idle: 'Upgrade to Enterprise',
  creating: 'Upgrading to Enterprise',
  awaiting_approval: 'Upgrading to Enterprise',
  window_closed: 'Payment window closed',
  confirming: 'Upgrading to Enterprise',
  active: 'Enterprise is active',
  cancelled: 'Upgrade cancelled',
  failed: 'Upgrade failed',
  offline: 'Upgrade needs a connection',
};

export function UpgradeDialog({ flow, returnFocusIds }: { flow: FlowState; returnFocusIds: readonly string[] }) {
  const closeUpgrade = useUi((s) => s.closeUpgrade);
  const plansStatus = useUi((s) => s.plansRequest.status);
  const ref = useRef<HTMLDivElement>(null);
  const inProgress = isFlowInProgress(flow);
  // While a purchase is under way only its own Cancel ends it: Escape must not abandon a payment by accident.
  const close = inProgress ? null : () => void closeUpgrade();
  // Focus moves when the step changes, and on the plan list once the plans have arrived.
  const contentKey = flow.step === 'idle' ? `idle:${plansStatus}` : flow.step;
  const onKeyDown = useDialogFocus(ref, contentKey, returnFocusIds, close);

  return (
    <div className="backdrop">
      <div ref={ref} className="dialog" role="dialog" aria-modal="true" aria-labelledby="upgrade-title" tabIndex={-1} onKeyDown={onKeyDown}>
        <div className="dialog-header">
          <h2 id="upgrade-title">{TITLES[flow.step]}</h2>
          {close && (
            <button type="button" className="icon-button" aria-label="Close" onClick={close}>
              <span aria-hidden="true">×</span>
            </button>
          )}
        </div>
        <CommandError />
        {flow.step === 'idle' ? (
          <PlanList />
        ) : flow.step === 'window_closed' ? (
          <WindowClosed flow={flow} />
        ) : inProgress ? (
          <FlowProgress flow={flow} />
        ) : (
          <FlowOutcome flow={flow} />
        )}
      </div>
    </div>
  );
}
