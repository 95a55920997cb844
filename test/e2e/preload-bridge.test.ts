// The preload bridge in plain Node over a recording ipcRenderer: every contract channel is reachable with
// its arguments, state listeners never see the IPC event, unsubscribing removes exactly one listener, and
// preload/index.ts exposes window.hardbound and nothing else.
import { describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../common/app-state';
import { IPC_CHANNELS, IPC_CONTRACT, IPC_METHOD_NAMES, STATE_CHANNEL } from '../../common/ipc';
import { createHardboundBridge, type IpcRendererPort } from '../../preload/hardbound-bridge';
import { SAMPLE_ARGS } from '../app/ipc-samples';

type Listener = (event: unknown, ...args: unknown[]) => void;

function recordingIpc() {
  const invoked: Array<[string, unknown[]]> = [];
  const listeners: Array<[string, Listener]> = [];
  const port: IpcRendererPort = {
    invoke: async (channel, ...args) => {
      invoked.push([channel, args]);
      return `answer of ${channel}`;
    },
    on: (channel, listener) => listeners.push([channel, listener]),
    removeListener: (channel, listener) => {
      const at = listeners.findIndex(([c, l]) => c === channel && l === listener);
      if (at >= 0) listeners.splice(at, 1);
    },
  };
  const emit = (channel: string, event: unknown, ...args: unknown[]) => {
    for (const [c, l] of [...listeners]) if (c === channel) l(event, ...args);
  };
  return { port, invoked, listeners, emit };
}

const STATE = { flow: { step: 'idle' } } as AppState;

describe('preload bridge', () => {
  it('maps every method to its contract channel, with the arguments, and passes the answer back', async () => {
    const ipc = recordingIpc();
    const api = createHardboundBridge(ipc.port);
    const answers = [];
    for (const name of IPC_METHOD_NAMES) answers.push(await (api[name] as (...a: unknown[]) => Promise<unknown>)(...SAMPLE_ARGS[name]));
    expect(ipc.invoked).toEqual(IPC_METHOD_NAMES.map((name) => [IPC_CONTRACT[name].channel, SAMPLE_ARGS[name]]));
    expect(ipc.invoked.map(([channel]) => channel).sort()).toEqual([...IPC_CHANNELS].sort());
    expect(answers[0]).toBe('answer of hardbound:get-state');
  });

  it('hands listeners the state only, never the IPC event (whose sender is ipcRenderer itself)', () => {
    const ipc = recordingIpc();
    const api = createHardboundBridge(ipc.port);
    const received: unknown[][] = [];
    api.onState((...args) => received.push(args));
    ipc.emit(STATE_CHANNEL, { sender: 'ipcRenderer' }, STATE);
    ipc.emit('some-other-channel', {}, 'ignored');
    expect(received).toEqual([[STATE]]);
  });

  it('unsubscribing removes exactly that subscription, even for the same listener subscribed twice', () => {
    const ipc = recordingIpc();
    const api = createHardboundBridge(ipc.port);
    const seen: AppState[] = [];
    const listener = (state: AppState) => seen.push(state);
    const first = api.onState(listener);
    api.onState(listener);
    first();
    first();
    ipc.emit(STATE_CHANNEL, {}, STATE);
    expect(seen).toEqual([STATE]);
    expect(ipc.listeners).toHaveLength(1);
  });

  it('preload/index.ts exposes window.hardbound, and only the API, through contextBridge', async () => {
    const exposed: Array<[string, unknown]> = [];
    const ipcRenderer = recordingIpc().port;
    vi.doMock('electron', () => ({
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.push([key, value]) },
      ipcRenderer,
    }));
    try {
      await import('../../preload/index');
    } finally {
      vi.doUnmock('electron');
    }
    expect(exposed.map(([key]) => key)).toEqual(['hardbound']);
    const api = exposed[0]![1] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...IPC_METHOD_NAMES, 'onState'].sort());
    expect(Object.values(api).every((v) => typeof v === 'function' && v !== ipcRenderer.invoke)).toBe(true);
  });
});
