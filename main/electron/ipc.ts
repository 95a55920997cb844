// main's side of common/ipc.ts: every channel of IPC_CONTRACT, each with ipcMain.handle (request/response,
// never fire-and-forget `on`), each refusing any sender that is not one of the app's own pages and any
// argument list the contract's checks do not allow. State changes are pushed on STATE_CHANNEL.
import type { AppState } from '../../common/app-state';
import {
  checkIpcArguments,
  IPC_CHANNELS,
  IPC_CONTRACT,
  IPC_METHOD_NAMES,
  methodOfChannel,
  STATE_CHANNEL,
  type HardboundApi,
  type IpcArgs,
  type IpcChannel,
  type IpcMethods,
  type IpcResult,
} from '../../common/ipc';
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

/** The contract's check for `channel`, by channel (what ipcMain and the preview's HTTP bridge receive). */
export function checkChannelArguments<C extends IpcChannel>(channel: C, args: unknown[]): args is IpcArgs<C> {
  return checkIpcArguments(methodOfChannel(channel), args);
}

export function isTrustedSender(event: InvokeEvent): boolean {
  return event.senderFrame !== null && isAppUrl(event.senderFrame.url);
}

/** One handler per channel, each calling the API's method of that channel. */
export function handlersFromApi(api: IpcMethods): IpcHandlers {
  const handlers: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of IPC_METHOD_NAMES) {
    const call = api[name] as (...args: unknown[]) => Promise<unknown>;
    if (typeof call !== 'function') throw new TypeError(`the API has no method ${name}`);
    handlers[IPC_CONTRACT[name].channel] = (...args) => call.apply(api, args);
  }
  return handlers as IpcHandlers;
}

function handle<C extends IpcChannel>(ipcMain: IpcMainLike, channel: C, handler: IpcHandlers[C]): void {
  ipcMain.handle(channel, async (event, ...args) => {
    if (!isTrustedSender(event)) throw new IpcRefusal('untrusted_sender', channel);
    if (!checkChannelArguments(channel, args)) throw new IpcRefusal('invalid_arguments', channel);
    return (handler as (...a: unknown[]) => Promise<unknown>)(...args);
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
