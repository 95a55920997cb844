// The browser preview as `npm start` serves it where Electron cannot run: the same config and the same
// license core as the Electron app, behind the HTTP bridge, with checkout tabs instead of a window.
import { loadAppConfig } from '../../main/electron/app-config';
import { createAppCore } from '../../main/electron/app-core';
import { nodeHttpTransport } from '../../main/license/node-transport';
import { startPreview, type RunningPreview } from './bridge-server';
import { CheckoutTabs } from './checkout-tabs';

export interface BrowserPreviewOptions {
  /** The variables the Electron app would have been started with (server URL, pinned keys, …). */
  appEnv: Record<string, string>;
  rendererDir: string;
  /** Where the token goes when no OS keychain answers. */
  dataDir: string;
  port: number;
}

export interface BrowserPreview extends RunningPreview {
  storageFallback: string | null;
}

export async function startBrowserPreview(options: BrowserPreviewOptions): Promise<BrowserPreview> {
  const loaded = loadAppConfig({ env: options.appEnv, fileText: null, packaged: false });
  if (!loaded.ok) throw new Error(`app configuration: ${loaded.problems.join('; ')}`);
  const tabs = new CheckoutTabs(loaded.config.checkoutOrigins);
  const { core, api, storageFallback } = await createAppCore(loaded.config, {
    checkoutWindow: tabs,
    transport: nodeHttpTransport(),
    dataDir: options.dataDir,
    copyText: () => {
      // The bridge script copies with the browser's clipboard; the core's process has none to offer.
      throw new Error('The preview copies with the browser\'s clipboard; reload the page if this appears.');
    },
    // The page opens it in a tab of the browser the preview runs in.
    openExternal: async (url) => tabs.openExternal(url),
  });
  const preview = await startPreview({ rendererDir: options.rendererDir, api, tabs, port: options.port });
  await core.start();
  return {
    url: preview.url,
    storageFallback,
    close: async () => {
      await core.stop();
      await preview.close();
    },
  };
}
