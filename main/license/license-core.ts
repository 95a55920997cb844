// The license core behind window.hardbound: one object owning the anchor, the cached entitlement, the
// upgrade flow, the refresh schedule and the moves of the license between computers, publishing one
// AppState snapshot on every change. Plain Node: main/electron/ hands it Electron-backed ports (net.fetch
// among them); tests and the browser preview hand it their own.
import type { JSONWebKeySet } from 'jose';
import { shortAnchor } from '../../common/anchor';
import type { AppState, FlowState, LicenseSnapshot, PlanCatalog, SubscriptionManagement } from '../../common/app-state';
import type { HardboundApi, IpcMethods, LicenseImport } from '../../common/ipc';
import type { LicenseView } from '../../common/license';
import { deriveAnchor, type AnchorResult } from './anchor';
import { cancelSubscription } from './cancel-subscription';
import { EntitlementCache } from './entitlement-cache';
import type { HttpTransport } from './http-transport';
import { freeBecause, type LicenseEvaluation } from './license-evaluation';
import { redeemTransferCode, releaseLicense } from './license-moves';
import type { CheckoutWindowOpener, CoreEnvironment, SecretStore } from './ports';
import { refreshLicense, type RefreshOutcome } from './refresh';
import { RefreshSchedule } from './refresh-schedule';
import type { RetryPolicy } from './retry-policy';
import { ServerClient } from './server-client';
import { isServerClientError } from './server-errors';
import { systemTimers, type Timers } from './timers';
import { UpgradeFlow, type AcceptResult } from './upgrade-flow';

export interface LicenseCoreOptions {
  env: CoreEnvironment;
  secrets: SecretStore;
  /** `transport`: how the core speaks HTTP (http-transport.ts) — Electron's net.fetch, or Node's through the
   *  environment's proxy (node-transport.ts). */
  server: { baseUrl: string; transport: HttpTransport; timeoutMs?: number; retry?: Partial<RetryPolicy> };
  /** The server's public keys, pinned in the app's config. */
  pinnedJwks: JSONWebKeySet;
  /** The `iss` the server signs with. */
  issuer: string;
  /** The app's secret salt for the anchor HMAC. */
  appSalt: string;
  checkoutWindow: CheckoutWindowOpener;
  timers?: Timers;
  random?: () => number;
  /** Recognises node-machine-id's hostname fallback; defaults to os.hostname(). */
  hostname?: () => string;
  refresh?: { intervalMs?: number; retryAfterFailureMs?: number; focusMinIntervalMs?: number };
  flow?: { waitSeconds?: number };
  /** Providers whose payment-method page the host can open (AppState.paymentPages). */
  paymentPages?: readonly string[];
}

const INITIAL_LICENSE: LicenseSnapshot = {
  tier: 'free',
  entitlement: null,
  reason: 'Checking the license…',
  anchor: { error: 'Not read yet.' },
  storage: 'keychain',
  online: null,
  lastRefreshAt: null,
  lastRefreshFailure: null,
  needsOnlineCheck: false,
  transfer: null,
};

/** Why the last refresh failed; a machine with a license hears that the saved one is used meanwhile. */
function refreshFailure(online: boolean, hasLicense: boolean): string {
  const problem = online ? 'The license server had a problem' : 'The license server cannot be reached';
  const meanwhile = hasLicense ? '; the license saved on this computer is used' : '';
  const action = online ? 'The app tries again shortly.' : 'Check your internet connection (and proxy settings, if you use one); the app tries again shortly.';
  return `${problem}${meanwhile}. ${action}`;
}

export class LicenseCore {
  private state: AppState;
  private readonly listeners = new Set<(state: AppState) => void>();
  private readonly client: ServerClient;
  private readonly cache: EntitlementCache;
  private readonly flow: UpgradeFlow;
  private readonly schedule: RefreshSchedule;
  private readonly timers: Timers;
  private anchor: AnchorResult | null = null;
  private started: Promise<void> | null = null;
  private cancelling: Promise<void> | null = null;

  constructor(private readonly options: LicenseCoreOptions) {
    const { env } = options;
    this.timers = options.timers ?? systemTimers;
    this.state = { license: { ...INITIAL_LICENSE, storage: options.secrets.kind }, flow: { step: 'idle' }, manage: { step: 'idle' },
      catalog: null, paymentPages: [...(options.paymentPages ?? [])] };
    this.client = new ServerClient({
      baseUrl: options.server.baseUrl,
      transport: options.server.transport,
      timers: this.timers,
      ...(options.server.timeoutMs !== undefined ? { timeoutMs: options.server.timeoutMs } : {}),
      ...(options.server.retry ? { retry: options.server.retry } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    this.cache = new EntitlementCache({ secrets: options.secrets, trust: { pinnedJwks: options.pinnedJwks, issuer: options.issuer }, clock: env.clock });
    this.flow = new UpgradeFlow({
      client: this.client,
      checkoutWindow: options.checkoutWindow,
      clock: env.clock,
      timers: this.timers,
      anchor: () => this.anchor,
      entitlement: () => this.cache.token(),
      acceptEntitlement: (token, license) => this.acceptFromCheckout(token, license),
      publish: (flow) => this.update({ flow }),
      providerName: (id) => this.providerName(id),
      ...options.flow,
      ...(options.random ? { random: options.random } : {}),
    });
    this.schedule = new RefreshSchedule({
      clock: env.clock,
      timers: this.timers,
      run: () => this.runRefresh(),
      lapsesAt: () => {
        const entitlement = this.state.license.entitlement;
        return entitlement ? Date.parse(entitlement.expiresAt) : null;
      },
      ...options.refresh,
    });
  }

  /** Reads the machine id into the anchor, judges the stored entitlement offline, publishes, then keeps
   *  refreshing in the background (the first refresh starts at once; refresh() joins it). */
  start(): Promise<void> {
    this.started ??= this.boot();
    return this.started;
  }

  getState(): AppState {
    return this.state;
  }

  onState(listener: (state: AppState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The server's plans and providers; also kept in the state. Rejects with the reason in words when it cannot answer. */
  async listPlans(): Promise<PlanCatalog> {
    try {
      const catalog = await this.client.listPlans();
      this.update({ catalog }, { online: true });
      return catalog;
    } catch (error) {
      if (isServerClientError(error) && error.kind === 'offline') this.update({}, { online: false });
      throw error;
    }
  }

  /** Starts an upgrade through `providerId` (null: the plan's default) and resolves once it is under way;
   *  progress arrives through onState. While a flow runs, a second call changes nothing. The e-mail goes to the
   *  server with the checkout only when the provider requires one, and is kept nowhere. */
  async startUpgrade(planId: string, providerId: string | null = null, email: string | null = null): Promise<void> {
    const info = providerId === null ? undefined : this.state.catalog?.providers.find((p) => p.id === providerId);
    if (info?.requiresEmail && email === null) throw new Error(`${info.name} needs your e-mail address to start the payment.`);
    const provider = providerId === null ? null : { id: providerId, name: info?.name ?? providerId };
    // Not awaited: the flow reports every ending, failures included, in its state.
    void this.flow.start(planId, { provider, email: info?.requiresEmail ? email : null });
  }

  /** A license names its provider by id; the catalog names it for the panel. Loaded once, quietly: a failure
   *  here is no news about the license (the refresh that just answered is). */
  private learnProviderNames(): void {
    if (this.state.catalog !== null || !this.state.license.entitlement?.details?.provider) return;
    this.client.listPlans().then((catalog) => this.update({ catalog }), () => undefined);
  }

  /** The provider's name as GET /v1/plans gives it; its id while the catalog is not known. */
  private providerName(id: string): string {
    return this.state.catalog?.providers.find((p) => p.id === id)?.name ?? id;
  }

  /** The checkout window was closed without paying: the same checkout's payment page opens again. */
  async reopenCheckout(): Promise<void> {
    this.flow.reopen();
  }

  cancelUpgrade(): Promise<void> {
    return this.flow.cancel();
  }

  async dismissFlow(): Promise<void> {
    this.flow.dismiss();
  }

  /** Refreshes now (joining one already running). Failures show in the state, not as a rejection. */
  refresh(): Promise<void> {
    return this.schedule.runNow();
  }

  /** Cancels the subscription at its provider (the renderer has asked the person to confirm); the outcome is
   *  AppState.manage, failures included. A second call while one runs joins it. */
  cancelSubscription(): Promise<void> {
    this.cancelling ??= this.runCancellation().finally(() => {
      this.cancelling = null;
    });
    return this.cancelling;
  }

  /** A token support issued for this machine, pasted by the person: applied only if it verifies offline for
   *  this anchor (signature, issuer, audience, times), like a token the server just sent; a refresh follows so
   *  the server confirms where the license stands now. */
  async importLicense(pasted: string): Promise<LicenseImport> {
    const anchor = this.anchor;
    if (!anchor?.ok) return { ok: false, message: anchor ? anchor.error.message : 'The license is still being checked; try again in a moment.' };
    const token = pasted.replace(/\s+/g, '');
    if (!looksLikeJwt(token)) {
      return { ok: false, message: 'That is not a license token. Paste the whole token support sent you: three parts separated by dots, starting with "eyJ".' };
    }
    const accepted = await this.cache.accept({ token, fromServer: false }, anchor.anchor);
    if (!accepted.ok) return { ok: false, message: accepted.reason };
    this.update({}, { ...accepted.evaluation, ...this.saveFailure(accepted.saveError) });
    this.schedule.reconsider();
    void this.schedule.runAfresh();
    return { ok: true };
  }

  /** "Release this computer": the server frees the license and answers a transfer code, shown in the state
   *  (license.transfer) until it expires; this computer drops to Free at once. */
  async releaseLicense(): Promise<LicenseImport> {
    const outcome = await releaseLicense({ client: this.client, cache: this.cache, anchor: this.anchor });
    return this.adoptMove(outcome);
  }

  /** "I have a transfer code": the released license is bound to this computer → Enterprise. */
  async redeemTransferCode(code: string): Promise<LicenseImport> {
    const outcome = await redeemTransferCode({ client: this.client, cache: this.cache, anchor: this.anchor }, code);
    return this.adoptMove(outcome);
  }

  /** The app window gained focus. */
  notifyFocus(): void {
    this.schedule.poke();
  }

  /** The machine woke from sleep: timers may have slept through a refresh. */
  notifyResume(): void {
    this.schedule.poke();
  }

  /** Stops timers and any running flow (its window is closed; the checkout is left to expire). */
  async stop(): Promise<void> {
    this.schedule.stop();
    await this.flow.stop();
    this.listeners.clear();
  }

  private async boot(): Promise<void> {
    // The machine id and the stored license are read at once: two independent waits, not one after the other.
    const stored = this.cache.read();
    stored.catch(() => undefined);
    this.anchor = await deriveAnchor({
      readMachineId: () => this.options.env.readMachineId(),
      appSalt: this.options.appSalt,
      ...(this.options.hostname ? { hostname: this.options.hostname } : {}),
    });
    const anchor = this.anchor;
    const evaluation = anchor.ok ? await this.cache.evaluate(anchor.anchor, stored) : freeBecause(anchor.error.message);
    this.update({}, {
      ...evaluation,
      anchor: anchor.ok ? { short: shortAnchor(anchor.anchor), code: anchor.anchor } : { error: anchor.error.message },
      lastRefreshAt: this.isoOf(this.cache.refreshedAt),
    });
    void this.schedule.start();
  }

  private adoptMove(outcome: Awaited<ReturnType<typeof releaseLicense>>): LicenseImport {
    switch (outcome.kind) {
      case 'done':
        this.applyFresh(outcome.evaluation, outcome.saveError);
        this.schedule.reconsider();
        return { ok: true };
      case 'failed':
        if (outcome.online !== null) this.update({}, { online: outcome.online });
        return { ok: false, message: outcome.message };
    }
  }

  private async acceptFromCheckout(token: string, license: LicenseView | null): Promise<AcceptResult> {
    const anchor = this.anchor;
    if (!anchor?.ok) return { ok: false, reason: 'This machine has no anchor.' };
    const accepted = await this.cache.accept({ token, fromServer: true, license }, anchor.anchor);
    if (!accepted.ok) return { ok: false, reason: accepted.reason };
    this.applyFresh(accepted.evaluation, accepted.saveError);
    this.schedule.reconsider();
    return { ok: true, tier: accepted.evaluation.tier, status: accepted.evaluation.entitlement?.status ?? 'pending' };
  }

  private async runCancellation(): Promise<void> {
    this.update({ manage: { step: 'cancelling' } });
    const outcome = await cancelSubscription({ client: this.client, cache: this.cache, anchor: this.anchor });
    if (outcome.kind === 'failed') {
      this.update({ manage: outcome.manage }, outcome.online === null ? {} : { online: outcome.online });
      return;
    }
    // One update: the panel never shows the outcome beside the license from before it.
    const adopted = outcome.adopted;
    this.update(
      { manage: outcome.manage },
      adopted ? { ...adopted.evaluation, online: true, lastRefreshAt: this.answeredAt(), ...this.saveFailure(adopted.saveError) } : { online: true },
    );
    this.schedule.reconsider();
  }

  private async runRefresh(): Promise<boolean> {
    const outcome: RefreshOutcome = await refreshLicense({ client: this.client, cache: this.cache, anchor: this.anchor });
    switch (outcome.kind) {
      case 'refreshed':
        this.applyFresh(outcome.evaluation, outcome.saveError);
        this.learnProviderNames();
        return true;
      case 'nothing_to_refresh':
        this.update({ catalog: outcome.catalog }, { online: true, lastRefreshAt: this.isoNow(), lastRefreshFailure: null });
        return true;
      case 'superseded':
        return true;
      case 'refused':
        this.update({}, { online: true, lastRefreshFailure: { at: this.isoNow(), message: outcome.message } });
        return true;
      case 'unreachable': {
        const online = outcome.error.kind !== 'offline';
        await this.reevaluateOffline();
        this.update({}, { online, lastRefreshFailure: { at: this.isoNow(), message: refreshFailure(online, outcome.presented) } });
        return false;
      }
    }
  }

  /** After a failed refresh the stored token is judged again: it may have expired while offline. */
  private async reevaluateOffline(): Promise<void> {
    const anchor = this.anchor;
    if (!anchor?.ok) return;
    const before = this.cache.generation;
    const evaluation = await this.cache.evaluate(anchor.anchor);
    if (this.cache.generation === before) this.update({}, evaluation);
  }

  private applyFresh(evaluation: LicenseEvaluation, saveError: string | null): void {
    this.update({}, { ...evaluation, online: true, lastRefreshAt: this.answeredAt(), ...this.saveFailure(saveError) });
  }

  /** When the server last answered with a license: the time stored with it, so it reads the same after a restart. */
  private answeredAt(): string {
    return this.isoOf(this.cache.refreshedAt) ?? this.isoNow();
  }

  /** A verified license that could not be saved shows as the last failure; a saved one clears it. */
  private saveFailure(saveError: string | null): Pick<LicenseSnapshot, 'lastRefreshFailure'> {
    return { lastRefreshFailure: saveError === null ? null : { at: this.isoNow(), message: saveError } };
  }

  private isoNow(): string {
    return new Date(this.options.env.clock.now()).toISOString();
  }

  private isoOf(ms: number | null): string | null {
    return ms === null ? null : new Date(ms).toISOString();
  }

  private update(app: { flow?: FlowState; manage?: SubscriptionManagement; catalog?: PlanCatalog }, license: Partial<LicenseSnapshot> = {}): void {
    this.state = { ...this.state, ...app, license: { ...this.state.license, ...license } };
    for (const listener of this.listeners) {
      try {
        listener(this.state);
      } catch {
        // One broken subscriber (a closed renderer) must not stop the others or the core.
      }
    }
  }
}

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const looksLikeJwt = (value: string): boolean => JWT_SHAPE.test(value);

/** What window.hardbound needs besides the core: the host's clipboard and its way to open an allow-listed page. */
export interface HostPorts {
  copyText(text: string): Promise<void> | void;
  /** Opens the payment-method page of the provider that bills this license (its id; null when not known) in the
   *  system browser; rejects with a sentence when it cannot. */
  openPaymentSettings(provider: string | null): Promise<void>;
}

/** window.hardbound over a core: what main serves over IPC, and the browser preview and tests over their bridges. */
export function createHardboundApi(core: LicenseCore, host: HostPorts): HardboundApi {
  const methods: IpcMethods = {
    getState: async () => core.getState(),
    listPlans: () => core.listPlans(),
    startUpgrade: (planId, provider, email) => core.startUpgrade(planId, provider, email),
    reopenCheckout: () => core.reopenCheckout(),
    cancelUpgrade: () => core.cancelUpgrade(),
    dismissFlow: () => core.dismissFlow(),
    refresh: () => core.refresh(),
    cancelSubscription: () => core.cancelSubscription(),
    openPaymentSettings: () => host.openPaymentSettings(core.getState().license.entitlement?.details?.provider ?? null),
    copyText: async (text) => {
      await host.copyText(text);
    },
    importLicense: (token) => core.importLicense(token),
    releaseLicense: () => core.releaseLicense(),
    redeemTransferCode: (code) => core.redeemTransferCode(code),
  };
  return { ...methods, onState: (listener) => core.onState(listener) };
}
