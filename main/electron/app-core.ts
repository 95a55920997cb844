// The license core as the desktop app runs it: the OS keychain (or the file fallback), the OS machine id,
// the server and pinned keys from the config, and the host's HTTP transport, checkout window, clipboard and
// browser. Shared by Electron's main process and the browser preview, so both run the same core.
import { systemClock } from '../../common/clock';
import type { HardboundApi } from '../../common/ipc';
import type { HttpTransport } from '../license/http-transport';
import { createHardboundApi, LicenseCore } from '../license/license-core';
import { readOsMachineId } from '../license/machine-id';
import { openSecretStore } from '../license/open-secret-store';
import type { CheckoutWindowOpener } from '../license/ports';
import { APP_ID, type AppConfig } from './app-config';
import { isAllowedExternal } from './security-policy';

export interface AppCorePorts {
  checkoutWindow: CheckoutWindowOpener;
  /** Electron's net.fetch in the app; Node's fetch through the environment's proxy in the preview. */
  transport: HttpTransport;
  /** The app's data folder: where the token goes when no keychain answers. */
  dataDir: string;
  copyText(text: string): void | Promise<void>;
  /** Opens an https page in the person's browser (only ever one the config's allow-list admits). */
  openExternal(url: string): Promise<void>;
}

export interface AppCore {
  core: LicenseCore;
  api: HardboundApi;
  /** Why the token is kept in a file instead of the keychain, or null. The UI shows it too. */
  storageFallback: string | null;
}

const PAYMENT_SETTINGS_BY_HAND = 'Sign in at your payment provider\'s website and update the payment method of this subscription there.';

export async function createAppCore(config: AppConfig, ports: AppCorePorts): Promise<AppCore> {
  const secrets = await openSecretStore({ service: APP_ID, dataDir: ports.dataDir });
  const core = new LicenseCore({
    env: { clock: systemClock, readMachineId: readOsMachineId },
    secrets: secrets.store,
    server: { baseUrl: config.serverUrl, transport: ports.transport },
    pinnedJwks: { keys: config.pinnedKeys },
    issuer: config.issuer,
    appSalt: config.appSalt,
    checkoutWindow: ports.checkoutWindow,
    paymentPages: Object.keys(config.paymentSettingsUrls),
  });
  const api = createHardboundApi(core, { copyText: ports.copyText, openPaymentSettings: paymentSettingsOpener(config, ports.openExternal) });
  return { core, api, storageFallback: secrets.fallbackReason };
}

/** "Update your payment method": the billing provider's page in the person's browser, only ever through the allow-list. */
export function paymentSettingsOpener(config: Pick<AppConfig, 'paymentSettingsUrls' | 'externalLinks'>, openExternal: (url: string) => Promise<void>): (provider: string | null) => Promise<void> {
  return async (provider) => {
    const url = provider === null ? undefined : config.paymentSettingsUrls[provider];
    if (url === undefined || !isAllowedExternal(url, config.externalLinks)) throw new Error(`This app has no page of your payment provider to open. ${PAYMENT_SETTINGS_BY_HAND}`);
    try {
      await openExternal(url);
    } catch {
      throw new Error(`Your browser could not be opened. ${PAYMENT_SETTINGS_BY_HAND}`);
    }
  };
}
