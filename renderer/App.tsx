import { useUi } from './store-context';
import { ActionAlerts } from './components/ActionAlerts';
import { CancelSubscriptionDialog } from './components/CancelSubscriptionDialog';
import { CommandError } from './components/CommandError';
import { FlowAnnouncer } from './components/FlowAnnouncer';
import { LicensePanel } from './components/LicensePanel';
import { CANCEL_SUBSCRIPTION_BUTTON_ID, MANAGE_TITLE_ID, ManageSubscription } from './components/ManageSubscription';
import { SubscriptionAnnouncer } from './components/SubscriptionAnnouncer';
import { TierBadge } from './components/TierBadge';
import { UpgradeDialog } from './components/UpgradeDialog';
import { WorkflowsDemo } from './components/WorkflowsDemo';

const TITLE_ID = 'app-title';
const UPGRADE_BUTTON_ID = 'upgrade-button';
/** After the dialog: back to the Upgrade button, or to the title once Enterprise has replaced the button. */
const RETURN_FOCUS_IDS = [UPGRADE_BUTTON_ID, TITLE_ID];
/** After cancelling: back to the Cancel button, or to the section heading once the button is gone. */
const CANCEL_RETURN_FOCUS_IDS = [CANCEL_SUBSCRIPTION_BUTTON_ID, MANAGE_TITLE_ID, TITLE_ID];

export function App() {
  const app = useUi((s) => s.app);
  const connectionError = useUi((s) => s.connectionError);
  const upgradeOpen = useUi((s) => s.upgradeOpen);
  const openUpgrade = useUi((s) => s.openUpgrade);
  const cancelDialog = useUi((s) => s.cancelDialog);

  if (!app) {
    return (
      <main className="starting">
        <h1>Hardbound</h1>
        {connectionError ? <p className="notice notice-error" role="alert">The app could not start: {connectionError}</p> : <p role="status">Starting…</p>}
      </main>
    );
  }
  const upgradeVisible = upgradeOpen || app.flow.step !== 'idle';
  // One modal at a time: an upgrade under way (or its outcome) comes first.
  const cancelVisible = !upgradeVisible && cancelDialog !== 'closed';
  const dialogVisible = upgradeVisible || cancelVisible;
  const entitlement = app.license.entitlement;
  return (
    <>
      <header className="app-header" inert={dialogVisible}>
        <h1 id={TITLE_ID} tabIndex={-1}>Hardbound</h1>
        <TierBadge tier={app.license.tier} />
        {app.license.tier === 'free' && (
          <button type="button" id={UPGRADE_BUTTON_ID} className="primary" onClick={openUpgrade}>Upgrade to Enterprise</button>
        )}
      </header>
      <main inert={dialogVisible}>
        <ActionAlerts license={app.license} />
        {!dialogVisible && <CommandError />}
        <LicensePanel license={app.license} />
        {entitlement && <ManageSubscription entitlement={entitlement} />}
        <WorkflowsDemo tier={app.license.tier} />
      </main>
      <FlowAnnouncer />
      <SubscriptionAnnouncer />
      {upgradeVisible && <UpgradeDialog flow={app.flow} returnFocusIds={RETURN_FOCUS_IDS} />}
      {cancelVisible && <CancelSubscriptionDialog standing={entitlement?.subscription ?? null} returnFocusIds={CANCEL_RETURN_FOCUS_IDS} />}
    </>
  );
}
