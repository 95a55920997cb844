import type { LicenseSnapshot } from '../../common/app-state';
import { billingProvider } from '../billing-provider';
import { useUi } from '../store-context';
import { pastDueBanner } from '../subscription-text';

/** What needs the person's action, first on the page: a failed payment, a license waiting to be confirmed online. */
export function ActionAlerts({ license }: { license: LicenseSnapshot }) {
  const openPaymentSettings = useUi((s) => s.openPaymentSettings);
  const refresh = useUi((s) => s.refresh);
  const refreshing = useUi((s) => s.refreshing);
  const standing = license.entitlement?.subscription ?? null;
  const provider = billingProvider(useUi((s) => s.app));
  return (
    <>
      {standing?.kind === 'past_due' && (
        <div className="alert alert-warning" role="alert">
          <p data-testid="past-due-banner">{pastDueBanner(standing, provider)}</p>
          {(provider === null || provider.hasPaymentPage) && (
            <div className="actions">
              <button type="button" className="primary" onClick={() => void openPaymentSettings()}>
                Update your payment method
              </button>
            </div>
          )}
        </div>
      )}
      {license.needsOnlineCheck && license.reason && (
        <div className="alert alert-warning" role="alert">
          <p data-testid="online-check-alert">{license.reason}</p>
          <div className="actions">
            <button type="button" onClick={() => void refresh()} disabled={refreshing} aria-busy={refreshing}>
              {refreshing ? 'Checking…' : 'Check now'}
            </button>
          </div>
        </div>
      )}
    </>
  );
}
