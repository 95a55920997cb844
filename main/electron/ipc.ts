// main's side of common/ipc.ts: exactly IPC_CHANNELS, each with ipcMain.handle (request/response, never
// fire-and-forget `on`), each refusing any sender that is not one of the app's own pages and any argument
// list the contract does not allow. State changes are pushed on STATE_CHANNEL.
import type { AppState } from '../../common/app-state';
import { IPC_CHANNELS, STATE_CHANNEL, type HardboundApi, type IpcArgs, type IpcChannel, type IpcResult } from '../../common/ipc';
import { isAppUrl } from './app-origin';

export interface InvokeEvent {
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export type IpcHandlers = { [C in IpcChannel]: (...args: IpcArgs<C>) => Promise<IpcResult<C>> };

export type IpcRefusalCode = 'untrusted_sender' | 'invalid_arguments';

/** Electron passes only an error's message to the renderer, so the code leads it. */
export class IpcRefusal extends Error {
  constructor(readonly code: IpcRefusalCode, readonly channel: IpcChannel) {
    super(`${code}: ${channel} ${code === 'untrusted_sender' ? 'is answered only for the app\'s own pages' : 'was called with arguments the contract does not allow'}`);
    this.name = 'IpcRefusal';
  }
}

const PLAN_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/i;
/** Copyable values are short (a transaction id, an anchor): a bound keeps the clipboard from being flooded. */
const MAX_COPY_LENGTH = 256;
/** Our entitlement tokens are well under 2 KiB; a paste far beyond that is not one. */
const MAX_TOKEN_LENGTH = 8 * 1024;

const noArgs = (args: unknown[]): args is [] => args.length === 0;
const ARGUMENT_CHECKS: { [C in IpcChannel]: (args: unknown[]) => args is IpcArgs<C> } = {
  'hardbound:get-state': noArgs,
  'hardbound:list-plans': noArgs,
  'hardbound:start-upgrade': (args): args is [string] => args.length === 1 && typeof args[0] === 'string' && PLAN_ID.test(args[0]),
  'hardbound:cancel-upgrade': noArgs,
  'hardbound:dismiss-flow': noArgs,
  'hardbound:refresh': noArgs,
  'hardbound:cancel-subscription': noArgs,
  'hardbound:copy-text': (args): args is [string] =>
    args.length === 1 && typeof args[0] === 'string' && args[0].length > 0 && args[0].length <= MAX_COPY_LENGTH,
  'hardbound:import-license': (args): args is [string] =>
    args.length === 1 && typeof args[0] === 'string' && args[0].length <= MAX_TOKEN_LENGTH,
};

export function isIpcChannel(name: unknown): name is IpcChannel {
  return typeof name === 'string' && (IPC_CHANNELS as readonly string[]).includes(name);
}

export function checkIpcArguments<C extends IpcChannel>(channel: C, args: unknown[]): args is IpcArgs<C> {
  return ARGUMENT_CHECKS[channel](args);
}

export function isTrustedSender(event: InvokeEvent): boolean {
  return event.senderFrame !== null && isAppUrl(event.senderFrame.url);
}

export function handlersFromApi(api: HardboundApi): IpcHandlers {
  return {
    'hardbound:get-state': () => api.getState(),
    'hardbound:list-plans': () => api.listPlans(),
    'hardbound:start-upgrade': (planId) => api.startUpgrade(planId),
    'hardbound:cancel-upgrade': () => api.cancelUpgrade(),
    'hardbound:dismiss-flow': () => api.dismissFlow(),
    'hardbound:refresh': () => api.refresh(),
    'hardbound:cancel-subscription': () => api.cancelSubscription(),
    'hardbound:copy-text': (text) => api.copyText(text),
    'hardbound:import-license': (token) => api.importLicense(token),
  };
}

function handle<C extends IpcChannel>(ipcMain: IpcMainLike, channel: C, handler: IpcHandlers[C]): void {
  ipcMain.handle(channel, async (event, ...args) => {
    if (!isTrustedSender(event)) throw new IpcRefusal('untrusted_sender', channel);
    if (!checkIpcArguments(channel, args)) throw new IpcRefusal('invalid_arguments', channel);
    return handler(...args);
  });
}

/** Registers every channel of the contract; returns the function that removes them again. */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: IpcHandlers): () => void {
  for (const channel of IPC_CHANNELS) handle(ipcMain, channel, handlers[channel]);
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}

export interface StateTarget {
  isDestroyed(): boolean;
  send(channel: typeof STATE_CHANNEL, state: AppState): void;
}

/** Pushes every new state to whichever main window exists at the time (none while it is closed). */
export function forwardState(onState: HardboundApi['onState'], currentTarget: () => StateTarget | null): () => void {
  return onState((state) => {
    const target = currentTarget();
    if (target && !target.isDestroyed()) target.send(STATE_CHANNEL, state);
  });
}
