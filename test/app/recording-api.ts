// A HardboundApi that records every call as [method, ...args] and publishes the states a test hands it: the
// stand-in for the license core when what is under test is a bridge (IPC, preview) rather than the core.
// Its methods come from the IPC contract, so a new method is recorded here without a line of its own.
import type { AppState } from '../../common/app-state';
import { IPC_METHOD_NAMES, type HardboundApi, type IpcMethodName } from '../../common/ipc';

/** What a recorded call answers, where the contract's result is more than nothing. */
const ANSWERS: Partial<Record<IpcMethodName, unknown>> = {
  listPlans: [],
  importLicense: { ok: false, message: 'not for this machine' },
  releaseLicense: { ok: false, message: 'nothing to release' },
  redeemTransferCode: { ok: false, message: 'not a transfer code' },
};

export function recordingApi(initial: AppState, overrides: Partial<HardboundApi> = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const listeners = new Set<(state: AppState) => void>();
  let state = initial;
  const recorded = Object.fromEntries(
    IPC_METHOD_NAMES.map((name) => [
      name,
      async (...args: unknown[]) => {
        calls.push([name, ...args]);
        return name === 'getState' ? state : ANSWERS[name];
      },
    ]),
  ) as unknown as Omit<HardboundApi, 'onState'>;
  const api: HardboundApi = {
    ...recorded,
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
