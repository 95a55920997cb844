/** The globals the page bridge and the test's Node side meet on. */
export const PAGE_INVOKE = '__hardboundIpcInvoke';
export const PAGE_EMIT = '__hardboundIpcEmit';

export interface PageBridgeGlobals {
  [PAGE_INVOKE](channel: string, args: unknown[]): Promise<unknown>;
  [PAGE_EMIT](channel: string, payload: unknown): void;
}
