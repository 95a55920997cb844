import type { LicenseSnapshot } from '../../common/app-state';
import { formatDate } from '../format';

/** Whether the license server answers, and — offline on Enterprise — how long the saved license carries on. */
export function OfflineIndicator({ license }: { license: LicenseSnapshot }) {
  if (license.online === null) return <span className="online-indicator checking">Checking the license server…</span>;
  if (license.online) return <span className="online-indicator online">Online</span>;
  const entitlement = license.entitlement;
  return (
    <span className="online-indicator offline" data-testid="offline-indicator">
      {license.tier === 'enterprise' && entitlement ? (
        <>
          Offline — Enterprise works on this computer until <time dateTime={entitlement.expiresAt}>{formatDate(entitlement.expiresAt)}</time>
        </>
      ) : (
        'Offline'
      )}
    </span>
  );
}
