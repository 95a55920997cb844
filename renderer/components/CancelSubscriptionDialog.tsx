import { useRef } from 'react';
import type { SubscriptionStanding } from '../../common/app-state';
import { billingProvider } from '../billing-provider';
import { useUi } from '../store-context';
import { cancelConsequence, cancelOutcome, IDLE_MANAGEMENT } from '../subscription-text';
import { useDialogFocus } from '../use-dialog-focus';
import { CommandError } from './CommandError';

const TITLE_ID = 'cancel-subscription-title';
const MESSAGE_ID = 'cancel-subscription-message';

/** Confirm → cancelling → done | failed. Nothing reaches main before the person confirms; the confirmation
 *  states when access ends. The outcome is also spoken by the always-mounted SubscriptionAnnouncer. */
export function CancelSubscriptionDialog({ standing, returnFocusIds }: { standing: SubscriptionStanding | null; returnFocusIds: readonly string[] }) {
  const phase = useUi((s) => s.cancelDialog);
  const manage = useUi((s) => s.app?.manage ?? IDLE_MANAGEMENT);
  const tier = useUi((s) => s.app?.license.tier ?? 'free');
  const provider = billingProvider(useUi((s) => s.app));
  const confirm = useUi((s) => s.confirmCancelSubscription);
  const close = useUi((s) => s.closeCancelSubscription);
  const ref = useRef<HTMLDivElement>(null);
  const step = phase === 'confirming' ? 'confirming' : manage.step === 'idle' ? 'cancelling' : manage.step;
  // While the provider is being asked, only its answer ends the dialog.
  const onKeyDown = useDialogFocus(ref, step, returnFocusIds, step === 'cancelling' ? null : close);

  return (
    <div className="backdrop">
      <div
        ref={ref}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={TITLE_ID}
        aria-describedby={MESSAGE_ID}
        aria-busy={step === 'cancelling'}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-step={step}
      >
        <div className="dialog-header">
          <h2 id={TITLE_ID}>{TITLES[step]}</h2>
        </div>
        <CommandError />
        {step === 'confirming' ? (
          <>
            <p id={MESSAGE_ID}>{standing ? cancelConsequence(standing, provider) : 'This machine has no subscription to cancel.'}</p>
            <div className="actions">
              <button type="button" data-autofocus onClick={close}>{standing ? 'Keep subscription' : 'Close'}</button>
              {standing && (
                <button type="button" className="danger" onClick={() => void confirm()}>Yes, cancel subscription</button>
              )}
            </div>
          </>
        ) : (
          <div className={`notice notice-${step === 'done' ? 'success' : step === 'failed' ? 'error' : 'info'}`}>
            <p id={MESSAGE_ID} className="flow-message">
              {step === 'cancelling' && <span className="spinner" aria-hidden="true" />}
              {cancelOutcome(manage, tier, provider)}
            </p>
            {step !== 'cancelling' && (
              <div className="actions">
                {manage.step === 'failed' && manage.retryable && (
                  <button type="button" data-autofocus onClick={() => void confirm()}>Retry</button>
                )}
                <button type="button" data-autofocus={manage.step === 'failed' && manage.retryable ? undefined : true} onClick={close}>
                  {step === 'done' ? 'Done' : 'Close'}
                </button>
              </div>
            )}
          </div>
        )}
      </div>
    </div>
  );
}

const TITLES = {
  confirming: 'Cancel your subscription?',
  cancelling: 'Cancelling your subscription',
  done: 'Subscription cancelled',
  failed: 'Cancelling ran into a problem',
} as const;
