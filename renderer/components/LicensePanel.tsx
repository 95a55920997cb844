import type { ReactNode } from 'react';
import type { EntitlementSummary, LicenseSnapshot } from '../../common/app-state';
import { billingProvider } from '../billing-provider';
import { billingPeriod, entitlementStatus, formatDate, formatDateTime, formatMoney } from '../format';
import { useUi } from '../store-context';
import { supportDetails } from '../support-details';
import { CopyButton } from './CopyButton';
import { ImportLicense } from './ImportLicense';
import { MoveLicense } from './MoveLicense';
import { OfflineIndicator } from './OfflineIndicator';

/** What the customer has, each id copyable, and everything at once for support. */
export function LicensePanel({ license }: { license: LicenseSnapshot }) {
  const refresh = useUi((s) => s.refresh);
  const refreshing = useUi((s) => s.refreshing);
  const copyText = useUi((s) => s.copyText);
  const entitlement = license.entitlement;
  return (
    <section className="panel" aria-labelledby="license-title" data-testid="license-panel">
      <div className="panel-header">
        <h2 id="license-title">License</h2>
        <OfflineIndicator license={license} />
      </div>
      <dl className="facts">
        <dt>Tier</dt>
        <dd data-testid="license-tier">{license.tier === 'enterprise' ? 'Enterprise' : 'Free'}</dd>
        <dt>Status</dt>
        <dd data-testid="license-status">{entitlement ? entitlementStatus(entitlement) : 'No license'}</dd>
        {/* A license waiting for an online check says why in the alert above. */}
        {license.reason && !license.needsOnlineCheck && (
          <>
            <dt>Why</dt>
            <dd data-testid="license-reason">{license.reason}</dd>
          </>
        )}
        {entitlement && <Purchase entitlement={entitlement} />}
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
          {license.lastRefreshAt ? <time dateTime={license.lastRefreshAt}>{formatDateTime(license.lastRefreshAt)}</time> : 'Not yet'}
        </dd>
        {license.lastRefreshFailure && (
          <>
            <dt>Last failed attempt</dt>
            <dd data-testid="last-refresh-failure">
              <time dateTime={license.lastRefreshFailure.at}>{formatDateTime(license.lastRefreshFailure.at)}</time>: {license.lastRefreshFailure.message}
            </dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button type="button" onClick={() => void refresh()} disabled={refreshing} aria-busy={refreshing}>
          {refreshing ? 'Refreshing…' : 'Refresh now'}
        </button>
        <button type="button" onClick={() => void copyText(supportDetails(license))}>
          Copy details for support
        </button>
      </div>
      <MoveLicense license={license} />
      <ImportLicense />
      {license.storage === 'file' && <StorageNote />}
    </section>
  );
}

/** The purchase as bought: plan and price, dates, and the ids support looks it up by. */
function Purchase({ entitlement }: { entitlement: EntitlementSummary }) {
  const provider = billingProvider(useUi((s) => s.app));
  const details = entitlement.details;
  const subscriptionId = details?.subscriptionId ?? null;
  return (
    <>
      {(details || entitlement.tier === 'enterprise') && (
        <>
          <dt>Plan</dt>
          <dd data-testid="license-plan">
            {details ? details.planName : entitlement.planId}
            {details?.amount && details.currency && (
              <span className="muted">
                {' '}
                · {formatMoney(details.amount, details.currency)}
                {details.billing && ` ${billingPeriod(details.billing)}`}
              </span>
            )}
          </dd>
        </>
      )}
      {provider && (
        <>
          <dt>Paid with</dt>
          <dd data-testid="license-provider">{provider.name ?? provider.id}</dd>
        </>
      )}
      {details?.purchasedAt && <DateRow label="Purchased" iso={details.purchasedAt} testId="purchased-on" />}
      <LicenseTerm entitlement={entitlement} />
      <IdRow label="License id" value={entitlement.licenseId} testId="license-id" />
      {subscriptionId && <IdRow label="Subscription id" value={subscriptionId} testId="subscription-id" />}
      {/* A new subscription has no sale yet: its subscription id is what support finds it by until then. */}
      {(entitlement.transactionId || !subscriptionId) && <IdRow label="Transaction id" value={entitlement.transactionId} testId="transaction-id" />}
    </>
  );
}

function IdRow({ label, value, testId }: { label: string; value: string | null; testId: string }) {
  if (!value) {
    return (
      <>
        <dt>{label}</dt>
        <dd>None</dd>
      </>
    );
  }
  return (
    <>
      <dt>{label}</dt>
      <dd className="with-action">
        <code data-testid={testId}>{value}</code>
        <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />
      </dd>
    </>
  );
}

function DateRow({ label, iso, testId }: { label: string; iso: string; testId: string }): ReactNode {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testId}>
        <time dateTime={iso}>{formatDate(iso)}</time>
      </dd>
    </>
  );
}

/** The dates that matter for this license: when it renews, when access ends, or that it never needs renewing. */
function LicenseTerm({ entitlement }: { entitlement: EntitlementSummary }) {
  const standing = entitlement.subscription;
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
      return <DateRow label="Renews on" iso={standing.renewsOn} testId="renewal-date" />;
    case 'canceled':
      return <DateRow label="Access ends" iso={standing.accessEndsOn} testId="access-ends" />;
    case 'past_due':
    case 'disputed':
      return <DateRow label="Paid through" iso={standing.paidThrough} testId="paid-through" />;
    case 'ended':
      return entitlement.paidThrough ? <DateRow label="Paid through" iso={entitlement.paidThrough} testId="paid-through" /> : null;
  }
}

/** Where the license is kept, when it is not the OS keychain: a quiet line, its reason one click away. */
function StorageNote() {
  return (
    <details className="quiet-note" data-testid="storage-note">
      <summary>
        Saved in a file on this computer, not in the OS keychain. <span className="why">Why?</span>
      </summary>
      <p>
        No OS keychain answered when the app started (on Linux that is the Secret Service: GNOME Keyring or KWallet, running and
        unlocked). The license is kept in a file in the app's data folder that only your user account can read, and works just the
        same.
      </p>
    </details>
  );
}
