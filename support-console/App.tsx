import { useEffect } from 'react';
import { useConsole } from './store';
import { LicensePage } from './components/LicensePage';
import { Search } from './components/Search';
import { SignIn } from './components/SignIn';

export function App() {
  const view = useConsole((s) => s.view);
  const session = useConsole((s) => s.session);
  const signOut = useConsole((s) => s.signOut);
  useEffect(() => void useConsole.getState().start(), []);
  return (
    <>
      <header className="top">
        <span className="brand">Hardbound support</span>
        {session && (
          <span className="who">
            Signed in as <strong data-testid="signed-in-as">{session.name}</strong> ({session.role === 'act' ? 'can act' : 'read-only'})
            <button type="button" onClick={() => void signOut()}>Sign out</button>
          </span>
        )}
      </header>
      {view.kind === 'loading' && <p role="status" className="narrow">Loading…</p>}
      {view.kind === 'sign-in' && <SignIn notice={view.notice} />}
      {view.kind === 'search' && <Search />}
      {view.kind === 'license' && <LicensePage id={view.id} />}
    </>
  );
}
