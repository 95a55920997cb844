// EventEmitter-based stand-ins for the Electron objects main/electron/ drives, recording what was done to them.
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';
import type { CheckoutBrowserWindow, CheckoutSession, CheckoutWebContents, RequestDetails } from '../../main/electron/checkout-window';
import type { NavigationEvent } from '../../main/electron/electron-shapes';

type OpenHandler = (details: { url: string }) => { action: 'deny' };
type BeforeRequest = (details: RequestDetails, callback: (response: { cancel?: boolean }) => void) => void;

export class FakeWebContents extends EventEmitter implements CheckoutWebContents {
  openHandler: OpenHandler | null = null;
  loaded: string[] = [];
  loadResult: Promise<void> = Promise.resolve();

  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }

  loadURL(url: string): Promise<void> {
    this.loaded.push(url);
    return this.loadResult;
  }

  /** Emits a navigation event as Electron does; returns whether a listener prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string, isMainFrame = true): boolean {
    let prevented = false;
    const details: NavigationEvent = { url, isMainFrame, preventDefault: () => (prevented = true) };
    this.emit(event, details);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter implements CheckoutBrowserWindow {
  readonly webContents = new FakeWebContents();
  closeCalls = 0;
  private destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }

  close(): void {
    this.closeCalls += 1;
    if (this.destroyed) throw new Error('close() on a destroyed window');
    this.destroyed = true;
    this.emit('closed');
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** The user clicks the window's close button. */
  userCloses(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

export class FakeSession implements CheckoutSession {
  requestHandler: unknown = undefined;
  checkHandler: unknown = undefined;
  beforeRequest: BeforeRequest | null = null;
  cleared = 0;
  readonly webRequest = { onBeforeRequest: (listener: BeforeRequest | null) => void (this.beforeRequest = listener) };

  constructor(readonly partition: string) {}

  setPermissionRequestHandler(handler: unknown): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: unknown): void {
    this.checkHandler = handler;
  }

  clearStorageData(): Promise<void> {
    this.cleared += 1;
    return Promise.resolve();
  }

  /** A request passes through the session; returns what the listener answered. */
  request(url: string, resourceType = 'mainFrame'): { cancel?: boolean } {
    if (!this.beforeRequest) throw new Error('no onBeforeRequest listener');
    let answer: { cancel?: boolean } | undefined;
    this.beforeRequest({ url, resourceType }, (response) => (answer = response));
    if (!answer) throw new Error('the listener did not answer');
    return answer;
  }
}
