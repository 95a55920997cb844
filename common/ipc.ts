// The one IPC contract between the renderer (through preload) and main: channel → arguments → result.
// main/electron registers exactly these with ipcMain.handle; preload exposes exactly these as window.hardbound.
import type { AppState } from './app-state';
import type { Plan } from './plans';

export interface IpcInvokeMap {
  'hardbound:get-state': { args: []; result: AppState };
  'hardbound:list-plans': { args: []; result: Plan[] };
  'hardbound:start-upgrade': { args: [planId: string]; result: void };
  'hardbound:cancel-upgrade': { args: []; result: void };
  'hardbound:dismiss-flow': { args: []; result: void };
  'hardbound:refresh': { args: []; result: void };
  'hardbound:cancel-subscription': { args: []; result: void };
  'hardbound:copy-text': { args: [text: string]; result: void };
  'hardbound:import-license': { args: [token: string]; result: LicenseImport };
}

/** Pasting a license token support issued (after moving a license to this machine, or a reinstall): applied
 *  when it verifies offline for this machine, else why not, in words. */
export type LicenseImport = { ok: true } | { ok: false; message: string };

export type IpcChannel = keyof IpcInvokeMap;
export type IpcArgs<C extends IpcChannel> = IpcInvokeMap[C]['args'];
export type IpcResult<C extends IpcChannel> = IpcInvokeMap[C]['result'];

/** Pushed from main to the renderer whenever the state changes. */
export const STATE_CHANNEL = 'hardbound:state';

export const IPC_CHANNELS: readonly IpcChannel[] = [
  'hardbound:get-state',
  'hardbound:list-plans',
  'hardbound:start-upgrade',
  'hardbound:cancel-upgrade',
  'hardbound:dismiss-flow',
  'hardbound:refresh',
  'hardbound:cancel-subscription',
  'hardbound:copy-text',
  'hardbound:import-license',
];

/** window.hardbound, as preload exposes it (and as browser tests stand it in). */
export interface HardboundApi {
  getState(): Promise<AppState>;
  listPlans(): Promise<Plan[]>;
  startUpgrade(planId: string): Promise<void>;
  cancelUpgrade(): Promise<void>;
  dismissFlow(): Promise<void>;
  refresh(): Promise<void>;
  /** Cancels this machine's subscription at PayPal (after the person confirmed); the outcome arrives as
   *  AppState.manage. Enterprise continues until the paid period ends. */
  cancelSubscription(): Promise<void>;
  copyText(text: string): Promise<void>;
  /** Applies a license token support sent (verified offline for this machine first); never rejects for a bad one. */
  importLicense(token: string): Promise<LicenseImport>;
  /** Calls `listener` with every new state; returns the unsubscribe function. */
  onState(listener: (state: AppState) => void): () => void;
}
