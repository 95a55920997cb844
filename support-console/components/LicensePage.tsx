import { useEffect, useRef } from 'react';
import type { ProviderLiveState, SupportLicensePage } from '../../common/api';
import { shortAnchor } from '../../common/anchor';
import { useConsole } from '../store';
import { ACTION_LABELS, formatDate, formatDateTime, formatMoney, statusInWords, timelineKind, tierInWords } from '../words';
import { ActionDialog } from './ActionDialog';
import { CopyButton } from './CopyButton';

export function LicensePage({ id }: { id: string }) {
  const page = useConsole((s) => s.page);
  const error = useConsole((s) => s.pageError);
  const pending = useConsole((s) => s.pending);
  const { back, begin } = useConsole.getState();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), [page?.license.id]);
  return (
    <main aria-labelledby="license-title">
      <button type="button" className="link" onClick={back}>← Back to search</button>
      <h1 id="license-title" ref={heading} tabIndex={-1}>License {id}</h1>
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      {!page && !error && <p role="status">Loading…</p>}
      {page && (
        <>
          <Facts page={page} />
          <section aria-labelledby="actions-title" className="panel">
            <h2 id="actions-title">Actions</h2>
            {page.actions.length === 0 ? (
              <p className="muted">Nothing can be done to this license {useConsole.getState().session?.role === 'read' ? 'with a read-only token' : 'in its state'}.</p>
            ) : (
              <div className="actions">
                {page.actions.map((offer) => (
                  <button key={offer.action} type="button" className={offer.action === 'revoke' || offer.action === 'refund' ? 'danger' : ''} onClick={() => begin(offer.action)}>
                    {ACTION_LABELS[offer.action].button}
                  </button>
                ))}
              </div>
            )}
          </section>
          <LiveState state={page.live} provider={providerName(page.license.provider)} />
          <Timeline page={page} />
          <Audit page={page} />
          {pending && <ActionDialog page={page} />}
        </>
      )}
    </main>
  );
}

function Row({ label, value, copy, testId }: { label: string; value: string | null | undefined; copy?: boolean; testId?: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd className="with-action">
        {value ? <code data-testid={testId}>{value}</code> : <span className="muted">none</span>}
        {value && copy && <CopyButton text={value} label={`Copy ${label.toLowerCase()}`} />}
      </dd>
    </>
  );
}

function Facts({ page }: { page: SupportLicensePage }) {
  const l = page.license;
  const released = l.anchor.startsWith('released:');
  return (
    <section aria-labelledby="facts-title" className="panel">
      <h2 id="facts-title">The license</h2>
      <dl className="facts">
        <dt>Tier</dt>
        <dd data-testid="tier">{tierInWords(l.tier)}</dd>
        <dt>Status</dt>
        <dd data-testid="status">{statusInWords(l)}</dd>
        <dt>Plan</dt>
        <dd>{l.planName ?? l.planId} <span className="muted">({l.planId})</span></dd>
        <dt>Price</dt>
        <dd>{formatMoney(l.amount, l.currency)}{l.billing && l.billing.kind === 'recurring' ? ` every ${l.billing.intervalCount === 1 ? l.billing.interval : `${l.billing.intervalCount} ${l.billing.interval}s`}` : ' once'}</dd>
        <dt>Bought</dt>
        <dd>{formatDate(l.purchasedAt)}</dd>
        <dt>Paid through</dt>
        <dd>{l.subscriptionId ? formatDate(l.paidThrough) : 'lifetime'}</dd>
        <dt>Machine</dt>
        <dd className="with-action">
          {released ? <span>Released by the customer, bound to no machine yet</span> : <code title={l.anchor} data-testid="machine">{shortAnchor(l.anchor)}</code>}
          {!released && <CopyButton text={l.anchor} label="Copy machine code" />}
        </dd>
        <Row label="License id" value={l.id} copy />
        <Row label="Transaction id" value={l.transactionId} copy testId="transaction-id" />
        <Row label="Order id" value={l.orderId} copy />
        <Row label="Subscription id" value={l.subscriptionId} copy testId="subscription-id" />
        <Row label="Checkout id" value={l.checkoutId} copy />
      </dl>
      {page.sameMachine.length > 0 && (
        <p className="muted">
          The same machine also holds {page.sameMachine.map((o) => `${o.id} (${o.planId}, ${o.status}, ${tierInWords(o.tier)})`).join('; ')}. Its access is the best of them.
        </p>
      )}
    </section>
  );
}

/** The payment provider as staff read it (the license names it by its id). */
function providerName(id: string): string {
  return PROVIDER_NAMES[id] ?? id;
}
const PROVIDER_NAMES: Record<string, string> = { paypal: 'PayPal', paystack: 'Paystack' };

function LiveState({ state, provider }: { state: ProviderLiveState; provider: string }) {
  return (
    <section aria-labelledby="paypal-title" className="panel" data-testid="paypal-state">
      <h2 id="paypal-title">At {provider} now</h2>
      {state.kind === 'subscription' && (
        <p>
          Subscription <code>{state.id}</code> is <strong>{state.status}</strong>
          {state.nextBillingAt ? `; next billing ${formatDate(state.nextBillingAt)}` : '; no next billing'}
          {state.lastPayment ? `; last payment ${formatMoney(state.lastPayment.amount, state.lastPayment.currency)} on ${formatDate(state.lastPayment.at)}` : ''}
          {state.failedPayments > 0 ? `; ${state.failedPayments} failed payment(s)` : ''}.
        </p>
      )}
      {state.kind === 'payment' && (
        <p>
          Payment <code>{state.id}</code> ({formatMoney(state.amount, state.currency)}) is <strong>{state.status}</strong>.
        </p>
      )}
      {(state.kind === 'none' || state.kind === 'unavailable') && <p className={state.kind === 'unavailable' ? 'notice notice-error' : 'muted'}>{state.reason}</p>}
    </section>
  );
}

const sources = (provider: string) => ({ provider, server: 'our server', support: 'support' }) as const;

function Timeline({ page }: { page: SupportLicensePage }) {
  return (
    <section aria-labelledby="timeline-title" className="panel">
      <h2 id="timeline-title">Timeline</h2>
      <table data-testid="timeline">
        <thead>
          <tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th><th scope="col">Amount</th><th scope="col">Reference</th><th scope="col">Note</th></tr>
        </thead>
        <tbody>
          {page.license.timeline.map((e, i) => (
            <tr key={`${e.at}-${i}`} className={e.outcome ? `outcome-${e.outcome}` : undefined}>
              <td>{formatDateTime(e.at)}</td>
              <td>
                {timelineKind(e.kind)}
                {e.outcome === 'not_confirmed' && <span className="flag"> — not confirmed by {providerName(page.license.provider)}, nothing changed</span>}
                {e.outcome === 'unreadable' && <span className="flag"> — unreadable delivery, nothing changed</span>}
              </td>
              <td>{sources(providerName(page.license.provider))[e.source]}</td>
              <td>{e.amount ? formatMoney(e.amount, e.currency) : ''}</td>
              <td>{e.reference ? <code>{e.reference}</code> : ''}</td>
              <td>{e.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Audit({ page }: { page: SupportLicensePage }) {
  return (
    <section aria-labelledby="audit-title" className="panel">
      <h2 id="audit-title">Audit trail</h2>
      <table data-testid="audit">
        <thead>
          <tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Reason</th></tr>
        </thead>
        <tbody>
          {[...page.audit].reverse().map((a, i) => (
            <tr key={`${a.at}-${i}`}>
              <td>{formatDateTime(a.at)}</td>
              <td>{a.actor}</td>
              <td>{a.action}</td>
              <td>{a.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
