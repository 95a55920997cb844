// The license core as the desktop app runs it: the OS keychain (or the file fallback), the OS machine id,
// the server and pinned keys from the config, and the caller's checkout window and clipboard. Shared by
// Electron's main process and the browser preview, so both run the same core.
import { systemClock } from '../../common/clock';
import type { HardboundApi } from '../../common/ipc';
import { createHardboundApi, LicenseCore } from '../license/license-core';
import { readOsMachineId } from '../license/machine-id';
import { openSecretStore } from '../license/open-secret-store';
import type { CheckoutWindowOpener } from '../license/ports';
import { APP_ID, type AppConfig } from './app-config';

export interface AppCorePorts {
  checkoutWindow: CheckoutWindowOpener;
  /** The app's data folder: where the token goes when no keychain answers. */
  dataDir: string;
  copyText(text: string): void | Promise<void>;
}

export interface AppCore {
  core: LicenseCore;
  api: HardboundApi;
  /** Why the token is kept in a file instead of the keychain, or null. The UI shows it too. */
  storageFallback: string | null;
}

export async function createAppCore(config: AppConfig, ports: AppCorePorts): Promise<AppCore> {
  const secrets = await openSecretStore({ service: APP_ID, dataDir: ports.dataDir });
  const core = new LicenseCore({
    env: { clock: systemClock, readMachineId: readOsMachineId },
    secrets: secrets.store,
    server: { baseUrl: config.serverUrl },
    pinnedJwks: { keys: config.pinnedKeys },
    issuer: config.issuer,
    appSalt: config.appSalt,
    checkoutWindow: ports.checkoutWindow,
  });
  return { core, api: createHardboundApi(core, ports.copyText), storageFallback: secrets.fallbackReason };
}
