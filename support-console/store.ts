// The console's state: who is signed in, the current search and its results, the open license page, and the
// action being confirmed. Every failure ends in a message a person can act on; a session that has ended sends
// the console back to its sign-in with that said.
import { create } from 'zustand';
import type { CancelAccess, SupportAction, SupportActionResponse, SupportLicensePage, SupportLookupResponse, SupportSessionResponse } from '../common/api';
import * as api from './api';
import { ConsoleApiError } from './api';

export type View =
  | { kind: 'loading' }
  | { kind: 'sign-in'; notice: string | null }
  | { kind: 'search' }
  | { kind: 'license'; id: string };

export interface PendingAction {
  action: SupportAction;
  busy: boolean;
  error: string | null;
  done: SupportActionResponse | null;
}

interface ConsoleState {
  view: View;
  session: SupportSessionResponse | null;
  ticket: string;
  query: string;
  searching: boolean;
  results: SupportLookupResponse | null;
  page: SupportLicensePage | null;
  pageError: string | null;
  error: string | null;
  pending: PendingAction | null;
  start(): Promise<void>;
  signIn(token: string): Promise<void>;
  signOut(): Promise<void>;
  setTicket(ticket: string): void;
  setQuery(query: string): void;
  search(query?: string): Promise<void>;
  open(id: string): Promise<void>;
  back(): void;
  begin(action: SupportAction): void;
  confirm(input: { reason: string; anchor?: string; accessUntil?: CancelAccess }): Promise<void>;
  dismiss(): void;
}

const ENDED = 'Your session has ended (idle too long, past its time limit, or signed out elsewhere). Sign in again.';

export const useConsole = create<ConsoleState>((set, get) => {
  /** A failure as a sentence; an ended session goes back to the sign-in instead. */
  const failed = (error: unknown): string | null => {
    if (error instanceof ConsoleApiError && error.status === 401) {
      set({ view: { kind: 'sign-in', notice: ENDED }, session: null, page: null, results: null, pending: null });
      return null;
    }
    return error instanceof Error ? error.message : String(error);
  };
  return {
    view: { kind: 'loading' },
    session: null,
    ticket: '',
    query: '',
    searching: false,
    results: null,
    page: null,
    pageError: null,
    error: null,
    pending: null,

    async start() {
      try {
        const state = await api.currentSession();
        if (state.signedIn) set({ session: state, view: { kind: 'search' } });
        else set({ view: { kind: 'sign-in', notice: state.ended ? ENDED : null } });
      } catch (error) {
        set({ view: { kind: 'sign-in', notice: error instanceof Error ? error.message : String(error) } });
      }
    },
    async signIn(token) {
      set({ error: null });
      try {
        const session = await api.signIn(token.trim());
        set({ session, view: { kind: 'search' }, results: null, page: null });
      } catch (error) {
        set({ error: error instanceof Error ? error.message : String(error) });
      }
    },
    async signOut() {
      try {
        await api.signOut();
      } catch {
        // Signed out already (or the session ended): the console forgets it either way.
      }
      set({ session: null, view: { kind: 'sign-in', notice: 'You are signed out.' }, results: null, page: null, query: '', ticket: '', pending: null });
    },
    setTicket: (ticket) => set({ ticket }),
    setQuery: (query) => set({ query }),
    async search(query) {
      const q = query ?? get().query;
      if (query !== undefined) set({ query });
      set({ searching: true, error: null });
      try {
        set({ results: await api.lookup(q, get().ticket), view: { kind: 'search' } });
      } catch (error) {
        set({ error: failed(error) });
      } finally {
        set({ searching: false });
      }
    },
    async open(id) {
      set({ view: { kind: 'license', id }, page: null, pageError: null });
      try {
        set({ page: await api.licensePage(id, get().ticket) });
      } catch (error) {
        set({ pageError: failed(error) });
      }
    },
    back: () => set({ view: { kind: 'search' }, page: null }),
    begin: (action) => set({ pending: { action, busy: false, error: null, done: null } }),
    async confirm(input) {
      const { page, pending } = get();
      if (!page || !pending) return;
      set({ pending: { ...pending, busy: true, error: null } });
      try {
        const done = await api.act(page.license.id, pending.action, input);
        set({ pending: { ...pending, busy: false, done } });
        set({ page: await api.licensePage(page.license.id, get().ticket) });
      } catch (error) {
        const message = failed(error);
        if (message !== null) set({ pending: { ...pending, busy: false, error: message } });
      }
    },
    dismiss: () => set({ pending: null }),
  };
});
