import type { EntitlementSummary, LicenseSnapshot } from '../../common/app-state';
import { formatDate, formatDateTime, statusLabel } from '../format';
import { useUi } from '../store-context';
import { pastDueBanner } from '../subscription-text';
import { CopyButton } from './CopyButton';
import { ImportLicense } from './ImportLicense';
import { OfflineIndicator } from './OfflineIndicator';

export function LicensePanel({ license }: { license: LicenseSnapshot }) {
  const refresh = useUi((s) => s.refresh);
  const refreshing = useUi((s) => s.refreshing);
  const entitlement = license.entitlement;
  const standing = entitlement?.subscription ?? null;
  return (
    <section className="panel" aria-labelledby="license-title" data-testid="license-panel">
      <div className="panel-header">
        <h2 id="license-title">License</h2>
        <OfflineIndicator online={license.online} />
      </div>
      {license.storage === 'file' && (
        <p className="notice notice-warning" data-testid="storage-warning">
          Your license is stored without OS keychain: no keychain answered, so it is kept in a file in the app's data folder.
        </p>
      )}
      {standing?.kind === 'past_due' && (
        <p className="notice notice-warning" role="alert" data-testid="past-due-banner">
          {pastDueBanner(standing)}
        </p>
      )}
      {license.needsOnlineCheck && (
        <p className="notice notice-warning">
          This computer's clock is behind the last license check. Connect to the internet so the license can be checked again.
        </p>
      )}
      <dl className="facts">
        <dt>Tier</dt>
        <dd data-testid="license-tier">{license.tier === 'enterprise' ? 'Enterprise' : 'Free'}</dd>
        <dt>Status</dt>
        <dd data-testid="license-status">{entitlement ? statusLabel(entitlement.status) : 'No license'}</dd>
        {license.reason && (
          <>
            <dt>Why</dt>
            <dd data-testid="license-reason">{license.reason}</dd>
          </>
        )}
        {entitlement && (
          <>
            <LicenseTerm entitlement={entitlement} />
            <dt>Transaction id</dt>
            <dd className="with-action">
              {entitlement.transactionId ? (
                <>
                  <code data-testid="transaction-id">{entitlement.transactionId}</code>
                  <CopyButton text={entitlement.transactionId} label="Copy transaction id" />
                </>
              ) : (
                'None'
              )}
            </dd>
          </>
        )}
        <dt>Machine</dt>
        <dd className="with-action">
          {'code' in license.anchor ? (
            <>
              <code data-testid="anchor" title={license.anchor.code}>{license.anchor.short}</code>
              <CopyButton text={license.anchor.code} label="Copy machine code (support needs it to move a license here)" />
            </>
          ) : (
            <span className="error-text">{license.anchor.error}</span>
          )}
        </dd>
        <dt>Last refresh</dt>
        <dd data-testid="last-refresh">
          {license.lastRefreshAt ? <time dateTime={license.lastRefreshAt}>{formatDateTime(license.lastRefreshAt)}</time> : 'Never'}
          {license.lastRefreshError && <span className="error-text"> (last attempt failed: {license.lastRefreshError})</span>}
        </dd>
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void refresh()} disabled={refreshing} aria-busy={refreshing}>
          {refreshing ? 'Refreshing…' : 'Refresh now'}
        </button>
      </div>
      <ImportLicense />
    </section>
  );
}

/** The dates that matter for this license: when it renews, when access ends, or that it never needs renewing. */
function LicenseTerm({ entitlement }: { entitlement: EntitlementSummary }) {
  const standing = entitlement.subscription;
  const row = (label: string, iso: string, testId: string) => (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        <time dateTime={iso}>{formatDate(iso)}</time>
      </dd>
    </>
  );
  if (standing === null) {
    if (entitlement.tier !== 'enterprise') return null;
    return (
      <>
        <dt>Renewal</dt>
        <dd>None: lifetime license</dd>
      </>
    );
  }
  switch (standing.kind) {
    case 'renewing':
      return row('Renews on', standing.renewsOn, 'renewal-date');
    case 'canceled':
      return row('Access ends', standing.accessEndsOn, 'access-ends');
    case 'past_due':
    case 'disputed':
      return row('Paid through', standing.paidThrough, 'paid-through');
    case 'ended':
      return entitlement.paidThrough ? row('Paid through', entitlement.paidThrough, 'paid-through') : null;
  }
}
