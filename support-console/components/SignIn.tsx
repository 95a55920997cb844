import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useConsole } from '../store';

/** The support token goes to the server once and becomes an httpOnly session cookie; the field is then cleared. */
export function SignIn({ notice }: { notice: string | null }) {
  const signIn = useConsole((s) => s.signIn);
  const error = useConsole((s) => s.error);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    await signIn(token);
    setToken('');
    setBusy(false);
  };
  return (
    <main className="narrow" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to support</h1>
      {notice && <p className="notice" role="status">{notice}</p>}
      <form onSubmit={(event) => void submit(event)}>
        <label htmlFor="support-token">Your support token</label>
        <input
          id="support-token" ref={field} type="password" autoComplete="off" spellCheck={false} value={token}
          onChange={(event) => setToken(event.target.value)} aria-describedby="token-help" required
        />
        <p id="token-help" className="muted">From <code>hardbound-server support token create</code>. It is exchanged for a session and not kept by this browser.</p>
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>{busy ? 'Signing in…' : 'Sign in'}</button>
      </form>
      {error && <p className="notice notice-error" role="alert">{error}</p>}
    </main>
  );
}
