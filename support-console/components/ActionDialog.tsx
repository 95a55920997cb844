import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { CancelAccess, SupportLicensePage } from '../../common/api';
import { ANCHOR_PATTERN } from '../../common/anchor';
import { useConsole } from '../store';
import { ACTION_LABELS } from '../words';
import { CopyButton } from './CopyButton';

/** Says what the action does to money and access, asks why, and only then acts. Escape or Cancel backs out. */
export function ActionDialog({ page }: { page: SupportLicensePage }) {
  const pending = useConsole((s) => s.pending)!;
  const { confirm, dismiss } = useConsole.getState();
  const offer = page.actions.find((a) => a.action === pending.action);
  const [reason, setReason] = useState('');
  const [machine, setMachine] = useState('');
  const [accessUntil, setAccessUntil] = useState<CancelAccess>('period_end');
  const dialog = useRef<HTMLDivElement>(null);
  const first = useRef<HTMLTextAreaElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  useEffect(() => (pending.done ? closeButton.current?.focus() : first.current?.focus()), [pending.done]);
  const labels = ACTION_LABELS[pending.action];
  const anchor = machine.replace(/\s+/g, '');
  const anchorOk = pending.action !== 'transfer' || ANCHOR_PATTERN.test(anchor);
  const consequence = offer?.options?.find((o) => o.accessUntil === accessUntil)?.consequence ?? offer?.consequence ?? '';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void confirm({ reason, ...(pending.action === 'transfer' ? { anchor } : {}), ...(pending.action === 'cancel' ? { accessUntil } : {}) });
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && !pending.busy) dismiss();
    if (event.key !== 'Tab' || !dialog.current) return;
    // Focus stays in the dialog while it is open.
    const focusable = [...dialog.current.querySelectorAll<HTMLElement>('button, textarea, input, [tabindex="0"]')].filter((el) => !el.hasAttribute('disabled'));
    const [head, tail] = [focusable[0], focusable.at(-1)];
    if (event.shiftKey && document.activeElement === head) { event.preventDefault(); tail?.focus(); }
    else if (!event.shiftKey && document.activeElement === tail) { event.preventDefault(); head?.focus(); }
  };
  return (
    <div className="backdrop">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" aria-describedby="dialog-consequence" ref={dialog} onKeyDown={onKeyDown}>
        <h2 id="dialog-title">{pending.done ? 'Done' : labels.title}</h2>
        {pending.done ? (
          <>
            <p role="status" data-testid="action-outcome">{pending.done.outcome}</p>
            {pending.done.entitlement && pending.done.message && (
              <div className="reissued">
                <label htmlFor="reissued-token">License token for the customer</label>
                <textarea id="reissued-token" readOnly rows={4} value={pending.done.entitlement.token} data-testid="reissued-token" />
                <div className="actions">
                  <CopyButton text={pending.done.entitlement.token} label="Copy the token" shown="Copy token" />
                  <CopyButton text={pending.done.message} label="Copy the message with the token" shown="Copy message" />
                </div>
                <p className="muted">Send the customer this message:</p>
                <pre className="message" data-testid="reissue-message">{pending.done.message}</pre>
              </div>
            )}
            <div className="actions">
              <button type="button" ref={closeButton} onClick={dismiss}>Close</button>
            </div>
          </>
        ) : (
          <form onSubmit={submit}>
            <p id="dialog-consequence" className="consequence" data-testid="consequence">{consequence}</p>
            {pending.action === 'cancel' && offer?.options && (
              <fieldset>
                <legend>Access ends</legend>
                {offer.options.map((o) => (
                  <label key={o.accessUntil} className="choice">
                    <input type="radio" name="access-until" value={o.accessUntil} checked={accessUntil === o.accessUntil} onChange={() => setAccessUntil(o.accessUntil)} />
                    {o.accessUntil === 'period_end' ? 'At the end of the paid period' : 'Now (the license is revoked too)'}
                  </label>
                ))}
              </fieldset>
            )}
            <label htmlFor="action-reason">Reason (ticket number, what the customer asked)</label>
            <textarea id="action-reason" ref={first} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={500} />
            {pending.action === 'transfer' && (
              <>
                <label htmlFor="machine-code">The new machine's code (the customer copies it in the app beside "Machine")</label>
                <input id="machine-code" value={machine} onChange={(e) => setMachine(e.target.value)} spellCheck={false} autoComplete="off" required aria-invalid={machine !== '' && !anchorOk} />
                {machine !== '' && !anchorOk && <p className="notice notice-error" role="alert">A machine code is 43 letters, digits, "-" or "_".</p>}
              </>
            )}
            {pending.error && <p className="notice notice-error" role="alert">{pending.error}</p>}
            <div className="actions">
              <button type="button" onClick={dismiss} disabled={pending.busy}>Cancel</button>
              <button type="submit" className={pending.action === 'revoke' || pending.action === 'refund' ? 'danger' : 'primary'} disabled={pending.busy || reason.trim() === '' || !anchorOk}>
                {pending.busy ? 'Working…' : labels.confirm}
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
