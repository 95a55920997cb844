import { useState, type FormEvent } from 'react';
import type { LicenseImport } from '../../common/ipc';
import { useUi } from '../store-context';

/** Where a token from support goes: after support moved a license to this machine, or after a reinstall. */
export function ImportLicense() {
  const importLicense = useUi((s) => s.importLicense);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<LicenseImport | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await importLicense(token);
    setBusy(false);
    setAnswer(result);
    if (result.ok) setToken('');
  }

  return (
    <details className="import-license" data-testid="import-license">
      <summary>Have a license token from support?</summary>
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="license-token">
          Paste the token support sent you. It only works on the machine it was issued for (the machine code above).
        </label>
        <textarea id="license-token" rows={3} spellCheck={false} value={token} onChange={(event) => setToken(event.target.value)} />
        <div className="actions">
          <button type="submit" disabled={busy || token.trim() === ''} aria-busy={busy}>
            {busy ? 'Checking…' : 'Use this license'}
          </button>
        </div>
      </form>
      {answer && (
        <p className={`notice ${answer.ok ? 'notice-success' : 'notice-error'}`} role={answer.ok ? 'status' : 'alert'} data-testid="import-result">
          {answer.ok ? 'License applied to this machine.' : answer.message}
        </p>
      )}
    </details>
  );
}
