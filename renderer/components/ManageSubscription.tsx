import type { EntitlementSummary } from '../../common/app-state';
import { billingProvider, providerPhrase } from '../billing-provider';
import { formatDate } from '../format';
import { useUi } from '../store-context';
import { IDLE_MANAGEMENT, isCancellable, pendingCancellation } from '../subscription-text';

export const CANCEL_SUBSCRIPTION_BUTTON_ID = 'cancel-subscription-button';
export const MANAGE_TITLE_ID = 'manage-title';

/** "Manage subscription": where it stands and, while there is something to cancel, the way to cancel it. */
export function ManageSubscription({ entitlement }: { entitlement: EntitlementSummary }) {
  const manage = useUi((s) => s.app?.manage ?? IDLE_MANAGEMENT);
  const openCancel = useUi((s) => s.openCancelSubscription);
  const provider = billingProvider(useUi((s) => s.app));
  const who = providerPhrase(provider);
  const standing = entitlement.subscription;
  if (!standing || standing.kind === 'ended') return null;
  const pending = pendingCancellation(manage, entitlement);
  return (
    <section className="panel" aria-labelledby={MANAGE_TITLE_ID} data-testid="manage-subscription">
      <h2 id={MANAGE_TITLE_ID} tabIndex={-1}>Manage subscription</h2>
      {standing.kind === 'canceled' ? (
        <p data-testid="subscription-summary">
          {entitlement.why === 'cancelled_by_support' ? 'Cancelled by support' : 'Cancelled'}: nothing more will be charged. Enterprise continues until{' '}
          <time dateTime={standing.accessEndsOn}>{formatDate(standing.accessEndsOn)}</time>, then this computer returns to Free.
        </p>
      ) : pending ? (
        <p data-testid="subscription-summary">
          Cancellation requested at {who}: Enterprise continues until <time dateTime={pending.endsAt}>{formatDate(pending.endsAt)}</time>. The
          license shows it once {who} confirms, at the next refresh.
        </p>
      ) : (
        <>
          <p data-testid="subscription-summary">
            {standing.kind === 'renewing' ? (
              <>Renews on <time dateTime={standing.renewsOn}>{formatDate(standing.renewsOn)}</time> through {who}.</>
            ) : (
              `Billed through ${who}.`
            )}
          </p>
          {isCancellable(standing) && (
            <div className="actions">
              <button type="button" id={CANCEL_SUBSCRIPTION_BUTTON_ID} onClick={openCancel} disabled={manage.step === 'cancelling'}>
                Cancel subscription
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
