// A HardboundApi that records every call as [method, ...args] and publishes the states a test hands it: the
// stand-in for the license core when what is under test is a bridge (IPC, preview) rather than the core.
import type { AppState } from '../../common/app-state';
import type { HardboundApi } from '../../common/ipc';

export function recordingApi(initial: AppState, overrides: Partial<HardboundApi> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const listeners = new Set<(state: AppState) => void>();
  let state = initial;
  const api: HardboundApi = {
    getState: async () => (calls.push(['getState']), state),
    listPlans: async () => (calls.push(['listPlans']), []),
    startUpgrade: async (planId) => void calls.push(['startUpgrade', planId]),
    cancelUpgrade: async () => void calls.push(['cancelUpgrade']),
    dismissFlow: async () => void calls.push(['dismissFlow']),
    refresh: async () => void calls.push(['refresh']),
    cancelSubscription: async () => void calls.push(['cancelSubscription']),
    copyText: async (text) => void calls.push(['copyText', text]),
    importLicense: async (token) => (calls.push(['importLicense', token]), { ok: false, message: 'not for this machine' }),
    onState: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    ...overrides,
  };
  const publish = (next: AppState) => {
    state = next;
    listeners.forEach((l) => l(next));
  };
  return { api, calls, publish, listeners };
}
