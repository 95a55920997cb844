// main's IPC registration against a fake ipcMain: exactly the contract's channels, handle() only, sender
// frame and arguments checked before the core is touched, state pushed to the live main window.
import { describe, expect, it } from 'vitest';
import type { AppState } from '../../common/app-state';
import { IPC_CHANNELS, IPC_CONTRACT, IPC_METHOD_NAMES, STATE_CHANNEL } from '../../common/ipc';
import { SAMPLE_ARGS } from './ipc-samples';
import { recordingApi } from './recording-api';
import { forwardState, handlersFromApi, IpcRefusal, registerIpcHandlers, type InvokeEvent, type IpcMainLike } from '../../main/electron/ipc';

type Listener = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** IpcMainLike has no `on`: the code under test cannot register a fire-and-forget listener at all. */
  invoke(channel: string, senderUrl: string | null, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) throw new Error(`no handler for ${channel}`);
    return listener({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, ...args);
  }
}

const APP = 'app://hardbound/index.html';
const STATE = { flow: { step: 'idle' }, plans: null } as unknown as AppState;

const fakeApi = () => recordingApi(STATE);

function setup() {
  const ipc = new FakeIpcMain();
  const core = fakeApi();
  const unregister = registerIpcHandlers(ipc, handlersFromApi(core.api));
  return { ipc, core, unregister };
}

describe('IPC registration', () => {
  it('registers exactly the contract channels, and removes them again', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('routes each channel of the contract to its method, with the arguments, and answers with the result', async () => {
    const { ipc, core } = setup();
    await expect(ipc.invoke('hardbound:get-state', APP)).resolves.toBe(STATE);
    await expect(ipc.invoke('hardbound:import-license', APP, 'eyJ.a.b')).resolves.toEqual({ ok: false, message: 'not for this machine' });
    core.calls.length = 0;
    for (const name of IPC_METHOD_NAMES) await ipc.invoke(IPC_CONTRACT[name].channel, 'app://hardbound/', ...SAMPLE_ARGS[name]);
    expect(core.calls).toEqual(IPC_METHOD_NAMES.map((name) => [name, ...SAMPLE_ARGS[name]]));
  });

  it.each([
    ['a remote page', 'https://www.paypal.com/checkoutnow'],
    ['a look-alike app host', 'app://hardbound.evil/index.html'],
    ['a local file', 'file:///tmp/index.html'],
    ['a dev server', 'http://localhost:5173/'],
    ['no frame (navigated away or destroyed)', null],
  ])('refuses every channel from %s without touching the core', async (_what, url) => {
    const { ipc, core } = setup();
    for (const name of IPC_METHOD_NAMES) {
      const channel = IPC_CONTRACT[name].channel;
      const refusal = await ipc.invoke(channel, url, ...SAMPLE_ARGS[name]).catch((e: unknown) => e);
      expect(refusal).toBeInstanceOf(IpcRefusal);
      expect(refusal).toMatchObject({ code: 'untrusted_sender', channel });
      expect((refusal as Error).message).toMatch(/^untrusted_sender: /);
    }
    expect(core.calls).toEqual([]);
  });

  it.each([
    ['hardbound:start-upgrade', []],
    ['hardbound:start-upgrade', [42]],
    ['hardbound:start-upgrade', ['../../etc']],
    ['hardbound:start-upgrade', ['enterprise-lifetime', 'extra']],
    ['hardbound:copy-text', []],
    ['hardbound:copy-text', ['']],
    ['hardbound:copy-text', ['x'.repeat(4097)]],
    ['hardbound:copy-text', [{ toString: () => 'x' }]],
    ['hardbound:import-license', []],
    ['hardbound:import-license', ['x'.repeat(8 * 1024 + 1)]],
    ['hardbound:import-license', [{ toString: () => 'eyJ' }]],
    ['hardbound:import-license', ['eyJ.a.b', 'extra']],
    ['hardbound:get-state', ['unexpected']],
    ['hardbound:refresh', [1]],
    ['hardbound:cancel-subscription', ['I-BW452GLLEP1G']],
    ['hardbound:reopen-checkout', ['chk_1']],
    ['hardbound:open-payment-settings', ['https://evil.example/']],
    ['hardbound:release-license', [true]],
    ['hardbound:redeem-transfer-code', []],
    ['hardbound:redeem-transfer-code', ['x'.repeat(65)]],
    ['hardbound:redeem-transfer-code', [1234]],
  ])('refuses %s with arguments %j', async (channel, args) => {
    const { ipc, core } = setup();
    await expect(ipc.invoke(channel, APP, ...args)).rejects.toMatchObject({ code: 'invalid_arguments', channel });
    expect(core.calls).toEqual([]);
  });

  it("passes the core's own rejection through unchanged", async () => {
    const ipc = new FakeIpcMain();
    const core = fakeApi();
    registerIpcHandlers(ipc, { ...handlersFromApi(core.api), 'hardbound:refresh': () => Promise.reject(new Error('offline')) });
    await expect(ipc.invoke('hardbound:refresh', APP)).rejects.toThrow('offline');
  });
});

describe('state push', () => {
  it('sends each state on STATE_CHANNEL to the current window, skipping none or a destroyed one', () => {
    const core = fakeApi();
    const sent: Array<[string, AppState]> = [];
    let destroyed = false;
    let window: { isDestroyed(): boolean; send(channel: typeof STATE_CHANNEL, state: AppState): void } | null = null;
    const stop = forwardState(core.api.onState, () => window);
    core.publish(STATE);
    window = { isDestroyed: () => destroyed, send: (channel, state) => void sent.push([channel, state]) };
    core.publish(STATE);
    destroyed = true;
    core.publish(STATE);
    expect(sent).toEqual([[STATE_CHANNEL, STATE]]);
    stop();
    expect(core.listeners.size).toBe(0);
  });
});
