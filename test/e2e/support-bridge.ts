// Puts a HardboundApi behind window.hardbound in a Playwright page the way the app does it: the preload's
// bridge code in the page, main's real IPC layer (sender and argument checks, state forwarding) in Node,
// a Playwright binding in place of Electron's IPC pipe.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import type { HardboundApi } from '../../common/ipc';
import { forwardState, handlersFromApi, registerIpcHandlers, type InvokeEvent } from '../../main/electron/ipc';
import { PAGE_EMIT, PAGE_INVOKE, type PageBridgeGlobals } from './page-bridge-names';
import type { StaticServer } from './support-static-server';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Bundles page-bridge.ts (with the preload code it imports) into one script for addInitScript. */
export async function buildPageBridge(): Promise<string> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: false, lib: { entry: path.join(here, 'page-bridge.ts'), formats: ['iife'], name: 'hardboundPageBridge' } },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rolldown.RolldownOutput[];
  const chunk = outputs[0]?.output.find((o) => o.type === 'chunk');
  if (!chunk) throw new Error('the page bridge bundle has no script');
  return chunk.code;
}

type Handler = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

/** Wires `api` into `page` (call before navigating). Returns the function that unwires it. */
export async function attachHardbound(page: Page, api: HardboundApi, server: StaticServer, bridgeScript: string): Promise<() => void> {
  const handlers = new Map<string, Handler>();
  const unregister = registerIpcHandlers(
    { handle: (channel, handler) => void handlers.set(channel, handler), removeHandler: (channel) => void handlers.delete(channel) },
    handlersFromApi(api),
  );
  await page.exposeBinding(PAGE_INVOKE, async (source, channel: string, args: unknown[]) => {
    const handler = handlers.get(channel);
    // The loopback server stands in for the app:// protocol: its pages count as the app's own, nothing else does.
    const frameUrl = source.frame.url();
    const event: InvokeEvent = { senderFrame: { url: server.appUrlFor(frameUrl) ?? frameUrl } };
    try {
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return await handler(event, ...args);
    } catch (error) {
      // What Electron's ipcRenderer.invoke rejects with.
      throw new Error(`Error invoking remote method '${channel}': ${String(error)}`);
    }
  });
  await page.addInitScript({ content: bridgeScript });
  const stopForwarding = forwardState((listener) => api.onState(listener), () => ({
    isDestroyed: () => page.isClosed(),
    send: (channel, state) => {
      page
        .evaluate(([emit, c, s]) => (globalThis as unknown as PageBridgeGlobals)[emit as typeof PAGE_EMIT](c, s), [PAGE_EMIT, channel, state] as const)
        // A page that is navigating or closed misses this push; it reads the state afresh when it loads.
        .catch(() => undefined);
    },
  }));
  return () => {
    stopForwarding();
    unregister();
  };
}
