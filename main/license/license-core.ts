// The license core behind window.hardbound: one object owning the anchor, the cached entitlement, the
// upgrade flow and the refresh schedule, publishing one AppState snapshot on every change. Plain Node:
// main/electron/ hands it Electron-backed ports; tests and the browser preview hand it their own.
import type { JSONWebKeySet } from 'jose';
import { shortAnchor } from '../../common/anchor';
import type { AppState, FlowState, LicenseSnapshot, SubscriptionManagement } from '../../common/app-state';
import type { HardboundApi, LicenseImport } from '../../common/ipc';
import type { Plan } from '../../common/plans';
import { deriveAnchor, type AnchorResult } from './anchor';
import { cancelSubscription } from './cancel-subscription';
import { EntitlementCache } from './entitlement-cache';
import { freeBecause, type LicenseEvaluation } from './license-evaluation';
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
  server: { baseUrl: string; timeoutMs?: number; retry?: Partial<RetryPolicy> };
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
  flow?: { closeGraceMs?: number; waitSeconds?: number };
}

const INITIAL_LICENSE: LicenseSnapshot = {
  tier: 'free',
  entitlement: null,
  reason: 'Checking the license…',
  anchor: { error: 'Not read yet.' },
  storage: 'keychain',
  online: false,
  lastRefreshAt: null,
  lastRefreshError: null,
  needsOnlineCheck: false,
};

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
    this.state = { license: { ...INITIAL_LICENSE, storage: options.secrets.kind }, flow: { step: 'idle' }, manage: { step: 'idle' }, plans: null };
    this.client = new ServerClient({
      baseUrl: options.server.baseUrl,
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
      acceptEntitlement: (token) => this.acceptFromCheckout(token),
      publish: (flow) => this.update({ flow }),
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

  /** The server's plans; also kept in the state. Rejects with the reason in words when it cannot answer. */
  async listPlans(): Promise<Plan[]> {
    try {
      const plans = await this.client.listPlans();
      this.update({ plans }, { online: true });
      return plans;
    } catch (error) {
      if (isServerClientError(error) && error.kind === 'offline') this.update({}, { online: false });
      throw error;
    }
  }

  /** Starts an upgrade and resolves once it is under way; progress arrives through onState. While a flow
   *  runs, a second call changes nothing. */
  async startUpgrade(planId: string): Promise<void> {
    // Not awaited: the flow reports every ending, failures included, in its state.
    void this.flow.start(planId);
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

  /** Cancels the subscription at PayPal (the renderer has asked the person to confirm); the outcome is
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
    const accepted = await this.cache.accept(token, anchor.anchor);
    if (!accepted.ok) return { ok: false, message: accepted.reason };
    this.update({}, { ...accepted.evaluation, lastRefreshError: accepted.saveError });
    this.schedule.reconsider();
    void this.schedule.runAfresh();
    return { ok: true };
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
    this.anchor = await deriveAnchor({
      readMachineId: () => this.options.env.readMachineId(),
      appSalt: this.options.appSalt,
      ...(this.options.hostname ? { hostname: this.options.hostname } : {}),
    });
    const anchor = this.anchor;
    const evaluation = anchor.ok ? await this.cache.evaluate(anchor.anchor) : freeBecause(anchor.error.message);
    this.update({}, { ...evaluation, anchor: anchor.ok ? { short: shortAnchor(anchor.anchor), code: anchor.anchor } : { error: anchor.error.message } });
    void this.schedule.start();
  }

  private async acceptFromCheckout(token: string): Promise<AcceptResult> {
    const anchor = this.anchor;
    if (!anchor?.ok) return { ok: false, reason: 'This machine has no anchor.' };
    const accepted = await this.cache.accept(token, anchor.anchor);
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
      adopted ? { ...adopted.evaluation, online: true, lastRefreshAt: this.isoNow(), lastRefreshError: adopted.saveError } : { online: true },
    );
    this.schedule.reconsider();
  }

  private async runRefresh(): Promise<boolean> {
    const outcome: RefreshOutcome = await refreshLicense({ client: this.client, cache: this.cache, anchor: this.anchor });
    switch (outcome.kind) {
      case 'refreshed':
        this.applyFresh(outcome.evaluation, outcome.saveError);
        return true;
      case 'nothing_to_refresh':
        this.update({ plans: outcome.plans }, { online: true, lastRefreshAt: this.isoNow(), lastRefreshError: null });
        return true;
      case 'superseded':
        return true;
      case 'refused':
        this.update({}, { online: true, lastRefreshError: outcome.message });
        return true;
      case 'unreachable': {
        const online = outcome.error.kind !== 'offline';
        const lastRefreshError = online
          ? 'The license server had a problem; the license stored on this machine is used.'
          : 'The license server cannot be reached; the license stored on this machine is used.';
        await this.reevaluateOffline();
        this.update({}, { online, lastRefreshError });
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
    this.update({}, { ...evaluation, online: true, lastRefreshAt: this.isoNow(), lastRefreshError: saveError });
  }

  private isoNow(): string {
    return new Date(this.options.env.clock.now()).toISOString();
  }

  private update(app: { flow?: FlowState; manage?: SubscriptionManagement; plans?: Plan[] }, license: Partial<LicenseSnapshot> = {}): void {
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

/** window.hardbound over a core, for the browser preview and tests (Electron's preload does the same over IPC). */
export function createHardboundApi(core: LicenseCore, copyText: (text: string) => Promise<void> | void): HardboundApi {
  return {
    getState: async () => core.getState(),
    listPlans: () => core.listPlans(),
    startUpgrade: (planId) => core.startUpgrade(planId),
    cancelUpgrade: () => core.cancelUpgrade(),
    dismissFlow: () => core.dismissFlow(),
    refresh: () => core.refresh(),
    cancelSubscription: () => core.cancelSubscription(),
    copyText: async (text) => {
      await copyText(text);
    },
    importLicense: (token) => core.importLicense(token),
    onState: (listener) => core.onState(listener),
  };
}
