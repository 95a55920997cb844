import { useEffect, useRef, type FormEvent } from 'react';
import { useConsole } from '../store';
import { KIND_LABELS, statusInWords, tierInWords } from '../words';

/** Any id a customer may have; the results list every license found (a machine code may have several). */
export function Search() {
  const { query, ticket, searching, results, error } = useConsole();
  const { setQuery, setTicket, search, open } = useConsole.getState();
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void search();
  };
  return (
    <main aria-labelledby="search-title">
      <h1 id="search-title">Find a customer</h1>
      <form className="search" onSubmit={submit} role="search">
        <div className="field">
          <label htmlFor="query">Any id the customer has</label>
          <input id="query" ref={field} value={query} onChange={(e) => setQuery(e.target.value)} spellCheck={false} autoComplete="off" required aria-describedby="query-help" />
          <p id="query-help" className="muted">Transaction (capture or sale), order, subscription (I-…), refund, dispute (PP-…), license or checkout id, or the machine code from the app. Spaces and case do not matter.</p>
        </div>
        <div className="field">
          <label htmlFor="ticket">Ticket or reason (kept in the audit trail)</label>
          <input id="ticket" value={ticket} onChange={(e) => setTicket(e.target.value)} autoComplete="off" />
        </div>
        <button type="submit" className="primary" disabled={searching || query.trim() === ''}>{searching ? 'Searching…' : 'Search'}</button>
      </form>
      {error && <p className="notice notice-error" role="alert">{error}</p>}
      <section aria-live="polite" aria-labelledby="results-title" data-testid="results">
        {results && (
          <>
            <h2 id="results-title">
              {results.kind === 'not_an_id'
                ? 'That is not one of our ids'
                : `${results.licenses.length === 0 ? 'No license' : results.licenses.length === 1 ? '1 license' : `${results.licenses.length} licenses`} for ${KIND_LABELS[results.kind]} ${results.query}`}
            </h2>
            {results.kind === 'not_an_id' && (
              <p>Search by an id: nothing of what was typed is kept. E-mail addresses and names are not stored anywhere, so they cannot be searched.</p>
            )}
            {results.suggestions.length > 0 && (
              <div className="suggestions">
                <p>Did you mean:</p>
                <ul>
                  {results.suggestions.map((s) => (
                    <li key={s.id}>
                      <button type="button" className="link" onClick={() => void search(s.id)}>{s.id}</button> <span className="muted">({KIND_LABELS[s.kind]})</span>
                    </li>
                  ))}
                </ul>
              </div>
            )}
            {results.licenses.length > 0 && (
              <ul className="results">
                {results.licenses.map((l) => (
                  <li key={l.id}>
                    <button type="button" className="result" onClick={() => void open(l.id)} aria-label={`Open license ${l.id}`}>
                      <span className="result-id">{l.id}</span>
                      <span className={`tier tier-${l.tier}`}>{tierInWords(l.tier)}</span>
                      <span>{statusInWords(l)}</span>
                      <span className="muted">{l.planName ?? l.planId} · bought {l.purchasedAt?.slice(0, 10)}</span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </section>
    </main>
  );
}
