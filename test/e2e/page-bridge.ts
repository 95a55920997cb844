// Runs inside the test page (bundled to a script and added before any page script): the preload's own
// bridge code over an ipcRenderer stand-in whose invoke is a Playwright binding and whose events are pushed
// by the test. window.hardbound is then what Electron's contextBridge would expose: frozen, read-only.
import { createHardboundBridge, type IpcRendererPort } from '../../preload/hardbound-bridge';
import { PAGE_EMIT, PAGE_INVOKE, type PageBridgeGlobals } from './page-bridge-names';

type Listener = (event: unknown, ...args: unknown[]) => void;

const page = globalThis as unknown as PageBridgeGlobals & { hardbound?: unknown };
const listeners = new Map<string, Set<Listener>>();

const port: IpcRendererPort = {
  invoke: (channel, ...args) => page[PAGE_INVOKE](channel, args),
  on(channel, listener) {
    const set = listeners.get(channel) ?? new Set();
    set.add(listener);
    listeners.set(channel, set);
  },
  removeListener(channel, listener) {
    listeners.get(channel)?.delete(listener);
  },
};

page[PAGE_EMIT] = (channel, payload) => {
  for (const listener of listeners.get(channel) ?? []) listener({}, payload);
};

Object.defineProperty(page, 'hardbound', { value: Object.freeze(createHardboundBridge(port)), enumerable: true });
