// Electron's main process: lifecycle and wiring only. Every decision lives in the modules it calls, which
// run and are tested in plain Node; this file hands them the real Electron objects.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, clipboard, dialog, ipcMain, net, powerMonitor, protocol, session, shell } from 'electron';
import { loadAppConfig, type AppConfig } from './app-config';
import { createAppCore } from './app-core';
import { APP_ENTRY_URL, APP_SCHEME } from './app-origin';
import { ElectronCheckoutWindowOpener } from './checkout-window';
import { forwardState, handlersFromApi, registerIpcHandlers } from './ipc';
import { denyAllPermissions, lockDownMainWindow } from './main-window';
import { appProtocolHandler, PRIVILEGED_SCHEMES } from './protocol';
import { mainWindowOptions } from './window-options';

// electron-vite's layout: out/main/index.js beside out/preload/ and out/renderer/.
const bundleDir = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD_PATH = path.join(bundleDir, '../preload/index.cjs');
const RENDERER_DIR = path.join(bundleDir, '../renderer');
const CONFIG_FILE = 'hardbound.config.json';

app.enableSandbox();
// Development runs and tests keep their data apart; a packaged build always uses the OS default.
if (!app.isPackaged && process.env.HARDBOUND_USER_DATA_DIR) app.setPath('userData', process.env.HARDBOUND_USER_DATA_DIR);
protocol.registerSchemesAsPrivileged(PRIVILEGED_SCHEMES);

let mainWindow: BrowserWindow | null = null;

if (app.requestSingleInstanceLock()) {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.whenReady().then(start).catch((error: unknown) => fail([error instanceof Error ? error.message : String(error)]));
} else {
  // Another instance owns the keychain entry and the checkout; it has been told to come forward.
  app.quit();
}

function readConfig(): AppConfig | null {
  const file = app.isPackaged ? path.join(process.resourcesPath, CONFIG_FILE) : process.env.HARDBOUND_APP_CONFIG;
  let fileText: string | null = null;
  if (file) {
    try {
      fileText = readFileSync(file, 'utf8');
    } catch (error) {
      fail([`cannot read ${file}: ${(error as Error).message}`]);
      return null;
    }
  }
  const result = loadAppConfig({ env: process.env, fileText, packaged: app.isPackaged });
  if (!result.ok) {
    fail(result.problems);
    return null;
  }
  return result.config;
}

async function start(): Promise<void> {
  protocol.handle(APP_SCHEME, appProtocolHandler(RENDERER_DIR));
  denyAllPermissions(session.defaultSession);
  const config = readConfig();
  if (!config) return;

  const checkoutWindow = new ElectronCheckoutWindowOpener({
    createWindow: (options) => new BrowserWindow({ ...options, ...(mainWindow ? { parent: mainWindow } : {}) }),
    sessionFor: (partition) => session.fromPartition(partition),
    policy: { origins: config.checkoutOrigins },
    production: app.isPackaged,
    randomId: randomUUID,
    notice: (notice) => console.warn(`checkout window: ${notice.code} (${notice.origin})`),
  });
  const appCore = await createAppCore(config, {
    checkoutWindow,
    // Chromium's network stack: the system proxy and PAC file, and the OS certificate store.
    transport: { fetch: (request, init) => net.fetch(request, init), Request, Response },
    dataDir: app.getPath('userData'),
    copyText: (text) => clipboard.writeText(text),
    openExternal: (url) => shell.openExternal(url),
  });
  if (appCore.storageFallback) console.warn(`license storage: no OS keychain (${appCore.storageFallback}); using a file in ${app.getPath('userData')}`);

  registerIpcHandlers(ipcMain, handlersFromApi(appCore.api));
  forwardState(appCore.api.onState, () => mainWindow?.webContents ?? null);
  app.on('browser-window-focus', () => appCore.core.notifyFocus());
  powerMonitor.on('resume', () => appCore.core.notifyResume());
  app.on('before-quit', () => void appCore.core.stop());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow) openMainWindow(config);
  });

  void appCore.core.start();
  openMainWindow(config);
}

function openMainWindow(config: AppConfig): void {
  const window = new BrowserWindow(mainWindowOptions({ preloadPath: PRELOAD_PATH, production: app.isPackaged }));
  lockDownMainWindow(window.webContents, {
    externalAllowList: config.externalLinks,
    openExternal: (url) => shell.openExternal(url),
    refused: (what, origin) => console.warn(`main window: refused ${what} (${origin})`),
  });
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    mainWindow = null;
  });
  mainWindow = window;
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => fail([`the app page did not load: ${String(error)}`]));
}

function fail(problems: string[]): void {
  const message = problems.map((p) => `• ${p}`).join('\n');
  console.error(`Hardbound cannot start:\n${message}`);
  dialog.showErrorBox('Hardbound cannot start', message);
  app.exit(1);
}
