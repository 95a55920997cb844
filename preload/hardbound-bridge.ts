// window.hardbound over an ipcRenderer-like port: one invoke per method of the IPC contract, and a state
// subscription. Kept free of Electron values so the same code runs behind contextBridge and in the browser tests.
import type { AppState } from '../common/app-state';
import { IPC_CONTRACT, IPC_METHOD_NAMES, STATE_CHANNEL, type HardboundApi } from '../common/ipc';

/** The slice of Electron's ipcRenderer the bridge uses (ipcRenderer itself satisfies it). */
export interface IpcRendererPort {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createHardboundBridge(ipc: IpcRendererPort): HardboundApi {
  const methods = Object.fromEntries(
    IPC_METHOD_NAMES.map((name) => [name, (...args: unknown[]) => ipc.invoke(IPC_CONTRACT[name].channel, ...args)]),
  );
  return {
    ...(methods as unknown as Omit<HardboundApi, 'onState'>),
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
