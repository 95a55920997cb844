import { useState, type FormEvent } from 'react';
import type { LicenseSnapshot } from '../../common/app-state';
import type { LicenseImport } from '../../common/ipc';
import { formatDateTime } from '../format';
import { useUi } from '../store-context';
import { CopyButton } from './CopyButton';

/** Moving the license to another computer without writing to support: release it here and get a one-time
 *  code, or enter such a code on the new computer. */
export function MoveLicense({ license }: { license: LicenseSnapshot }) {
  // The form that took the code is gone once the license is here (Enterprise shows Release instead): the
  // confirmation lives here, above both.
  const [movedHere, setMovedHere] = useState(false);
  if (license.transfer) return <TransferCodeShown transfer={license.transfer} />;
  if (license.tier === 'enterprise' && license.entitlement) {
    return (
      <>
        {movedHere && (
          <p className="notice notice-success" role="status" data-testid="redeem-result">
            The license is now on this computer.
          </p>
        )}
        <ReleaseThisComputer />
      </>
    );
  }
  if (license.tier === 'free') return <RedeemTransferCode onMoved={() => setMovedHere(true)} />;
  return null;
}

function TransferCodeShown({ transfer }: { transfer: NonNullable<LicenseSnapshot['transfer']> }) {
  return (
    <div className="move-license transfer-ready" data-testid="transfer-code-panel">
      <h3>Transfer code for your new computer</h3>
      <p className="with-action">
        <code className="transfer-code" data-testid="transfer-code">{transfer.code}</code>
        <CopyButton text={transfer.code} label="Copy transfer code" />
      </p>
      <p className="hint">
        On the new computer, open License → “I have a transfer code” and enter it before{' '}
        <time dateTime={transfer.expiresAt}>{formatDateTime(transfer.expiresAt)}</time>. It works once.
      </p>
    </div>
  );
}

function ReleaseThisComputer() {
  const release = useUi((s) => s.releaseLicense);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<LicenseImport | null>(null);

  async function confirm() {
    setBusy(true);
    const result = await release();
    setBusy(false);
    setAnswer(result);
    if (!result.ok) setConfirming(false);
  }

  return (
    <div className="move-license" data-testid="release-license">
      {confirming ? (
        <div className="confirm" role="group" aria-labelledby="release-title">
          <h3 id="release-title">Release this computer?</h3>
          <p>
            Enterprise stops on this computer at once, and you get a one-time code to enter on the new computer. A license can be moved
            this way a few times a year; a lost computer is moved by support.
          </p>
          <div className="actions">
            <button type="button" className="danger" onClick={() => void confirm()} disabled={busy} aria-busy={busy}>
              {busy ? 'Releasing…' : 'Release this computer'}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              Keep it here
            </button>
          </div>
        </div>
      ) : (
        <p className="with-action">
          <span>Replacing this computer?</span>
          <button type="button" onClick={() => setConfirming(true)}>
            Move to another computer…
          </button>
        </p>
      )}
      {answer && !answer.ok && (
        <p className="notice notice-error" role="alert" data-testid="release-result">
          {answer.message}
        </p>
      )}
    </div>
  );
}

function RedeemTransferCode({ onMoved }: { onMoved: () => void }) {
  const redeem = useUi((s) => s.redeemTransferCode);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<LicenseImport | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await redeem(code);
    setBusy(false);
    setAnswer(result);
    if (result.ok) {
      setCode('');
      onMoved();
    }
  }

  return (
    <details className="move-license redeem" data-testid="redeem-transfer-code">
      <summary>I have a transfer code</summary>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="transfer-code">The code your old computer showed when you released it (12 letters and digits).</label>
        <input
          id="transfer-code"
          autoComplete="off"
          spellCheck={false}
          placeholder="XXXX-XXXX-XXXX"
          value={code}
          onChange={(event) => setCode(event.target.value)}
        />
        <div className="actions">
          <button type="submit" disabled={busy || code.trim() === ''} aria-busy={busy}>
            {busy ? 'Moving…' : 'Move the license here'}
          </button>
        </div>
      </form>
      {answer && !answer.ok && (
        <p className="notice notice-error" role="alert" data-testid="redeem-result">
          {answer.message}
        </p>
      )}
    </details>
  );
}
