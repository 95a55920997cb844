// window.hardbound over an ipcRenderer-like port: typed invoke calls and a state subscription.
// Kept free of Electron values so the same code runs behind contextBridge and in the browser tests.
import type { AppState } from '../common/app-state';
import { STATE_CHANNEL, type HardboundApi, type IpcArgs, type IpcChannel, type IpcResult } from '../common/ipc';

/** The slice of Electron's ipcRenderer the bridge uses (ipcRenderer itself satisfies it). */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createHardboundBridge(ipc: IpcRendererPort): HardboundApi {
  function invoke<C extends IpcChannel>(channel: C, ...args: IpcArgs<C>): Promise<IpcResult<C>> {
    return ipc.invoke(channel, ...args) as Promise<IpcResult<C>>;
  }
  return {
    getState: () => invoke('hardbound:get-state'),
    listPlans: () => invoke('hardbound:list-plans'),
    startUpgrade: (planId) => invoke('hardbound:start-upgrade', planId),
    cancelUpgrade: () => invoke('hardbound:cancel-upgrade'),
    dismissFlow: () => invoke('hardbound:dismiss-flow'),
    refresh: () => invoke('hardbound:refresh'),
    cancelSubscription: () => invoke('hardbound:cancel-subscription'),
    copyText: (text) => invoke('hardbound:copy-text', text),
    importLicense: (token) => invoke('hardbound:import-license', token),
    onState(listener) {
      // The IPC event (whose `sender` is ipcRenderer itself) must never reach the page: forward the state only.
      // A fresh wrapper per subscription, so unsubscribing removes exactly this one.
      const forward = (_event: unknown, state: unknown) => listener(state as AppState);
      ipc.on(STATE_CHANNEL, forward);
      return () => {
        ipc.removeListener(STATE_CHANNEL, forward);
      };
    },
  };
}
