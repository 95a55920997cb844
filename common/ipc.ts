// The one IPC contract between the renderer and main: IPC_CONTRACT names every method of window.hardbound,
// its channel, its arguments (with the check main runs before the core sees them) and its result. Every
// surface is derived from it — preload's bridge, main's handlers, the browser preview's bridge, the test
// bridges — so a new method is one entry here plus its implementation in the core.
import type { AppState, PlanCatalog } from './app-state';

/** One argument of a method: a name for error messages and the check main applies to what arrives. */
export interface IpcArg<T> {
  readonly name: string;
  check(value: unknown): value is T;
}

export interface IpcMethodSpec<C extends string, A extends readonly unknown[], R> {
  readonly channel: C;
  readonly args: { readonly [K in keyof A]: IpcArg<A[K]> };
  /** Never set: carries the result type. */
  readonly result?: R;
}

/** `method<Result>()(channel, ...argumentChecks)`: the argument types are read off the checks. */
const method =
  <R>() =>
  <C extends `hardbound:${string}`, A extends readonly unknown[]>(channel: C, ...args: { readonly [K in keyof A]: IpcArg<A[K]> }): IpcMethodSpec<C, A, R> => ({
    channel,
    args,
  });

const text = (name: string, options: { min?: number; max: number; pattern?: RegExp }): IpcArg<string> => ({
  name,
  check: (value): value is string =>
    typeof value === 'string' && value.length >= (options.min ?? 0) && value.length <= options.max && (options.pattern?.test(value) ?? true),
});

/** Our plan ids: a slug, never a path or a URL. */
const PLAN_ID = text('planId', { min: 1, max: 64, pattern: /^[a-z0-9][a-z0-9_-]*$/i });
/** A provider id as GET /v1/plans names it ("paypal", "paystack"), or null: the plan's default provider. */
const PROVIDER_ID: IpcArg<string | null> = {
  name: 'provider',
  check: (value): value is string | null => value === null || (typeof value === 'string' && /^[a-z][a-z0-9-]{0,31}$/.test(value)),
};
/** The buyer's e-mail for a provider that needs it (the server's own bounds), or null. Passed through, never kept. */
const EMAIL: IpcArg<string | null> = {
  name: 'email',
  check: (value): value is string | null => value === null || (typeof value === 'string' && value.length >= 3 && value.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(value)),
};
/** Copyable values: an id, a machine code, or the support details block — bounded so the clipboard is not flooded. */
const COPY_TEXT = text('text', { min: 1, max: 4096 });
/** Our entitlement tokens are well under 2 KiB; a paste far beyond that is not one. */
const PASTED_TOKEN = text('token', { max: 8 * 1024 });
/** A transfer code as typed: 12 characters, with whatever spaces or dashes a person puts between groups. */
const TRANSFER_CODE = text('code', { max: 64 });

export const IPC_CONTRACT = {
  getState: method<AppState>()('hardbound:get-state'),
  listPlans: method<PlanCatalog>()('hardbound:list-plans'),
  /** Starts an upgrade through the chosen provider (the buyer's e-mail only for a provider that requires it);
   *  progress arrives as AppState.flow. */
  startUpgrade: method<void>()('hardbound:start-upgrade', PLAN_ID, PROVIDER_ID, EMAIL),
  /** The checkout window was closed without paying: opens the same checkout's payment page again. */
  reopenCheckout: method<void>()('hardbound:reopen-checkout'),
  cancelUpgrade: method<void>()('hardbound:cancel-upgrade'),
  dismissFlow: method<void>()('hardbound:dismiss-flow'),
  refresh: method<void>()('hardbound:refresh'),
  /** Cancels this machine's subscription at its provider (after the person confirmed); the outcome arrives as
   *  AppState.manage. Enterprise continues until the paid period ends. */
  cancelSubscription: method<void>()('hardbound:cancel-subscription'),
  /** Opens the page where the buyer changes the payment method at the provider billing this license, in the
   *  system browser (an allow-listed link; AppState.paymentPages says for which providers there is one). */
  openPaymentSettings: method<void>()('hardbound:open-payment-settings'),
  copyText: method<void>()('hardbound:copy-text', COPY_TEXT),
  /** Applies a license token support sent (verified offline for this machine first); never rejects for a bad one. */
  importLicense: method<LicenseImport>()('hardbound:import-license', PASTED_TOKEN),
  /** "Release this computer": the server frees the license and answers a one-time transfer code, which
   *  AppState.license.transfer then shows; this computer drops to Free. */
  releaseLicense: method<LicenseImport>()('hardbound:release-license'),
  /** "I have a transfer code": binds the released license to this computer. */
  redeemTransferCode: method<LicenseImport>()('hardbound:redeem-transfer-code', TRANSFER_CODE),
};

/** Applying a license to this machine (a pasted token, a transfer code) or releasing it: done, or why not, in words. */
export type LicenseImport = { ok: true } | { ok: false; message: string };

type Contract = typeof IPC_CONTRACT;
export type IpcMethodName = keyof Contract;
type ArgsOf<S> = S extends IpcMethodSpec<string, infer A, unknown> ? A : never;
type ResultOf<S> = S extends { readonly result?: infer R } ? R : never;

/** Every method of the contract, as the renderer calls it. */
export type IpcMethods = { [M in IpcMethodName]: (...args: ArgsOf<Contract[M]>) => Promise<ResultOf<Contract[M]>> };

/** window.hardbound, as preload exposes it (and the preview and the browser tests stand it in). */
export interface HardboundApi extends IpcMethods {
  /** Calls `listener` with every new state; returns the unsubscribe function. */
  onState(listener: (state: AppState) => void): () => void;
}

export const IPC_METHOD_NAMES = Object.keys(IPC_CONTRACT) as IpcMethodName[];

/** Channel → arguments → result, for the code that speaks channels (main's ipcMain, the preview's HTTP bridge). */
export type IpcInvokeMap = { [M in IpcMethodName as Contract[M]['channel']]: { args: ArgsOf<Contract[M]>; result: ResultOf<Contract[M]> } };
export type IpcChannel = keyof IpcInvokeMap;
export type IpcArgs<C extends IpcChannel> = IpcInvokeMap[C]['args'];
export type IpcResult<C extends IpcChannel> = IpcInvokeMap[C]['result'];

export const IPC_CHANNELS: readonly IpcChannel[] = IPC_METHOD_NAMES.map((name) => IPC_CONTRACT[name].channel);

const METHOD_OF_CHANNEL = new Map<string, IpcMethodName>(IPC_METHOD_NAMES.map((name) => [IPC_CONTRACT[name].channel, name]));

export function isIpcChannel(name: unknown): name is IpcChannel {
  return typeof name === 'string' && METHOD_OF_CHANNEL.has(name);
}

export function methodOfChannel(channel: IpcChannel): IpcMethodName {
  return METHOD_OF_CHANNEL.get(channel)!;
}

/** Whether `args` is exactly what the contract allows for the method: the right count, each passing its check. */
export function checkIpcArguments(name: IpcMethodName, args: readonly unknown[]): boolean {
  const expected = IPC_CONTRACT[name].args as readonly IpcArg<unknown>[];
  return args.length === expected.length && expected.every((arg, i) => arg.check(args[i]));
}

/** Pushed from main to the renderer whenever the state changes. */
export const STATE_CHANNEL = 'hardbound:state';
