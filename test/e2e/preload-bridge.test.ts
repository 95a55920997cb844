// The preload bridge in plain Node over a recording ipcRenderer: every contract channel is reachable with
// its arguments, state listeners never see the IPC event, unsubscribing removes exactly one listener, and
// preload/index.ts exposes window.hardbound and nothing else.
import { describe, expect, it, vi } from 'vitest';
import type { AppState } from '../../common/app-state';
import { IPC_CHANNELS, STATE_CHANNEL, type HardboundApi } from '../../common/ipc';
import { createHardboundBridge, type IpcRendererPort } from '../../preload/hardbound-bridge';

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
    const answers = await Promise.all([
      api.getState(), api.listPlans(), api.startUpgrade('enterprise-annual'), api.cancelUpgrade(),
      api.dismissFlow(), api.refresh(), api.cancelSubscription(), api.copyText('7TX12345AB678901C'), api.importLicense('eyJ.a.b'),
    ]);
    expect(ipc.invoked).toEqual([
      ['hardbound:get-state', []],
      ['hardbound:list-plans', []],
      ['hardbound:start-upgrade', ['enterprise-annual']],
      ['hardbound:cancel-upgrade', []],
      ['hardbound:dismiss-flow', []],
      ['hardbound:refresh', []],
      ['hardbound:cancel-subscription', []],
      ['hardbound:copy-text', ['7TX12345AB678901C']],
      ['hardbound:import-license', ['eyJ.a.b']],
    ]);
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
    const methods: Array<keyof HardboundApi> = ['cancelSubscription', 'cancelUpgrade', 'copyText', 'dismissFlow', 'getState', 'importLicense', 'listPlans', 'onState', 'refresh', 'startUpgrade'];
    expect(Object.keys(api).sort()).toEqual(methods);
    expect(Object.values(api).every((v) => typeof v === 'function' && v !== ipcRenderer.invoke)).toBe(true);
  });
});
