import type { HardboundApi } from '../common/ipc';

declare global {
  interface Window {
    /** Exposed by preload/ (or the browser preview's stand-in); absent in a plain browser. */
    readonly hardbound?: HardboundApi;
  }
}
