// Every surface of window.hardbound against the one contract in common/ipc.ts: preload's bridge, main's
// handlers, the core's API, the browser preview's bundled bridge, and the test bridges. Each must have exactly
// the contract's methods (plus onState), so a method added to the contract and missing anywhere fails here.
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AppState } from '../../common/app-state';
import { systemClock } from '../../common/clock';
import { IPC_CHANNELS, IPC_CONTRACT, IPC_METHOD_NAMES, type HardboundApi } from '../../common/ipc';
import { buildBridgeClient } from '../../launch/preview/client-bundle';
import { handlersFromApi, registerIpcHandlers } from '../../main/electron/ipc';
import { createHardboundApi, LicenseCore } from '../../main/license/license-core';
import { createHardboundBridge } from '../../preload/hardbound-bridge';
import { ScriptedApi } from '../e2e/support-scripted-api';
import { directTransport, FakeCheckoutWindow, ISSUER, makeIssuer, MemorySecretStore } from './core-support';
import { SAMPLE_ARGS } from './ipc-samples';
import { recordingApi } from './recording-api';

const EXPECTED = [...IPC_METHOD_NAMES, 'onState'].sort();
const methodsOf = (api: object) =>
  Object.keys(api)
    .filter((key) => typeof (api as Record<string, unknown>)[key] === 'function')
    .sort();

describe('the IPC contract', () => {
  it('names each method once, each on its own channel', () => {
    expect(new Set(IPC_CHANNELS).size).toBe(IPC_METHOD_NAMES.length);
    for (const channel of IPC_CHANNELS) expect(channel).toMatch(/^hardbound:[a-z-]+$/);
  });

  it("checks each method's sample arguments as valid, and one argument too many as not", async () => {
    const { checkIpcArguments } = await import('../../common/ipc');
    for (const name of IPC_METHOD_NAMES) {
      expect(checkIpcArguments(name, SAMPLE_ARGS[name]), name).toBe(true);
      expect(checkIpcArguments(name, [...SAMPLE_ARGS[name], 'extra']), name).toBe(false);
    }
  });
});

describe('every surface has exactly the contract', () => {
  it("preload's bridge: one invoke per method on the method's channel", async () => {
    const invoked: Array<[string, unknown[]]> = [];
    const bridge = createHardboundBridge({ invoke: async (channel, ...args) => void invoked.push([channel, args]), on: () => undefined, removeListener: () => undefined });
    expect(methodsOf(bridge)).toEqual(EXPECTED);
    for (const name of IPC_METHOD_NAMES) await (bridge[name] as (...a: unknown[]) => Promise<unknown>)(...SAMPLE_ARGS[name]);
    expect(invoked).toEqual(IPC_METHOD_NAMES.map((name) => [IPC_CONTRACT[name].channel, SAMPLE_ARGS[name]]));
  });

  it("main's handlers: one per channel; an API lacking a method is refused when the handlers are built", () => {
    const registered: string[] = [];
    registerIpcHandlers({ handle: (channel) => void registered.push(channel), removeHandler: () => undefined }, handlersFromApi(recordingApi({} as AppState).api));
    expect(registered.sort()).toEqual([...IPC_CHANNELS].sort());
    const { api } = recordingApi({} as AppState);
    const lacking = { ...api, releaseLicense: undefined } as unknown as HardboundApi;
    expect(() => handlersFromApi(lacking)).toThrow(/no method releaseLicense/);
  });

  it("the core's API (what main and the preview serve)", async () => {
    const issuer = await makeIssuer();
    const core = new LicenseCore({
      env: { clock: systemClock, readMachineId: async () => '8a1f0c55e2b34d7f9e61c0a4b2d3e5f6' },
      secrets: new MemorySecretStore(),
      server: { baseUrl: 'http://127.0.0.1:9', transport: directTransport },
      pinnedJwks: issuer.jwks,
      issuer: ISSUER,
      appSalt: 'contract-salt',
      checkoutWindow: new FakeCheckoutWindow(),
    });
    expect(methodsOf(createHardboundApi(core, { copyText: () => undefined, openPaymentSettings: async () => undefined }))).toEqual(EXPECTED);
  });

  it('the test bridges: the recording API and the scripted core', () => {
    expect(methodsOf(recordingApi({} as AppState).api)).toEqual(EXPECTED);
    const scripted = new ScriptedApi();
    const own = Object.getOwnPropertyNames(Object.getPrototypeOf(scripted)).filter((key) => key !== 'constructor' && !['setFlow', 'setLicense', 'setManage', 'callsOf', 'push'].includes(key));
    expect(own.sort()).toEqual(EXPECTED);
  });

  describe("the browser preview's bundled bridge", () => {
    let script: string;
    beforeAll(async () => {
      script = await buildBridgeClient();
    }, 60_000);

    it('exposes the contract, frozen, and posts each call on its channel', async () => {
      const posted: unknown[] = [];
      const page = {
        fetch: async (_path: string, init: { body: string }) => {
          posted.push(JSON.parse(init.body));
          return { status: 200, json: async () => ({ ok: true, result: null }) };
        },
        EventSource: class {
          addEventListener() {}
        },
        navigator: { clipboard: { writeText: async (text: string) => void posted.push({ clipboard: text }) } },
        document: { visibilityState: 'visible', getElementById: () => null },
        open: () => ({ closed: false, close() {}, location: { href: '' } }),
        setTimeout,
        clearTimeout,
        setInterval,
        clearInterval,
        URL,
      } as Record<string, unknown>;
      page.window = page;
      vm.runInNewContext(script, page);
      const hardbound = page.hardbound as HardboundApi;
      expect(Object.isFrozen(hardbound)).toBe(true);
      expect(methodsOf(hardbound)).toEqual(EXPECTED);
      for (const name of IPC_METHOD_NAMES) await (hardbound[name] as (...a: unknown[]) => Promise<unknown>)(...SAMPLE_ARGS[name]);
      // copyText uses the page's own clipboard; every other method reaches the core on its channel.
      expect(posted).toEqual(
        IPC_METHOD_NAMES.map((name) => (name === 'copyText' ? { clipboard: SAMPLE_ARGS.copyText[0] } : { channel: IPC_CONTRACT[name].channel, args: SAMPLE_ARGS[name] })),
      );
    });
  });
});
