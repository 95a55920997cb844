// The upgrade as a state machine: idle → creating → awaiting_approval (checkout window open) ⇄ window_closed
// (closed before paying: reopen or cancel) → confirming → active | cancelled | failed(reason) | offline.
// Several roads settle a checkout (the window's return, the long poll, the server's webhooks); whichever
// answers first wins and the rest are let go. The long poll runs from the first window to the end, across
// every reopening, so a payment completed by any road lands whatever the windows did.
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import type { FlowState, ProviderRef } from '../../common/app-state';
import type { Clock } from '../../common/clock';
import type { LicenseStatus, LicenseView } from '../../common/license';
import type { Tier } from '../../common/plans';
import type { AnchorResult } from './anchor';
import { isFinal, pollUntilSettled, type FinalCheckoutView } from './checkout-long-poll';
import { CANCEL_MESSAGES, cancelled, EXPIRED, failed, stateForError } from './flow-outcomes';
import type { CheckoutWindowHandle, CheckoutWindowOpener, CheckoutWindowOutcome } from './ports';
import type { CheckoutApi, PaymentChoice } from './server-client';
import type { Timers } from './timers';

/** What the core answers when handed a freshly issued entitlement: verified and stored, or why not. */
export type AcceptResult = { ok: true; tier: Tier; status: LicenseStatus } | { ok: false; reason: string };

export interface UpgradeFlowDeps {
  client: CheckoutApi;
  checkoutWindow: CheckoutWindowOpener;
  clock: Clock;
  timers: Timers;
  anchor(): AnchorResult | null;
  /** The entitlement this machine holds now, if any: presented when a checkout starts, it proves the purchase comes
   *  from this machine's own app (what lets a lifetime purchase replace the machine's subscription). */
  entitlement(): Promise<string | null>;
  /** Verifies a completed checkout's entitlement exactly like a cached one, then stores it (with the license's details). */
  acceptEntitlement(token: string, license: LicenseView | null): Promise<AcceptResult>;
  publish(flow: FlowState): void;
  /** A provider's name as the buyer reads it (from the plans' catalog), for a provider the server chose. */
  providerName(id: string): string;
  waitSeconds?: number;
  random?: () => number;
}

const RUNNING = new Set<FlowState['step']>(['creating', 'awaiting_approval', 'window_closed', 'confirming']);
/** Past the checkout's own expiry the server answers 'expired'; the poll stops soon after regardless. */
const DEADLINE_MARGIN_MS = 60_000;
/** The server's shortest checkout lifetime: a local clock ahead of the server's must not cut the wait short. */
const MIN_CHECKOUT_LIFETIME_MS = 5 * 60_000;

type Wake =
  | { kind: 'poll'; view: CheckoutView }
  | { kind: 'poll_error'; error: unknown }
  | { kind: 'window'; outcome: CheckoutWindowOutcome }
  | { kind: 'user' }
  | { kind: 'reopen' };

/** What the buyer chose to pay with: the provider (null: the plan's default, named once the server answers), its
 *  name as the buyer reads it, and the e-mail for a provider that requires one. */
export interface UpgradeChoice {
  provider: ProviderRef | null;
  email: string | null;
}

interface Run {
  planId: string;
  /** Who the buyer pays through; the checkout's answer settles it when the default was taken. */
  provider: ProviderRef;
  /** Fires when the user cancels or the core stops. */
  abort: AbortController;
  stopping: boolean;
  window: CheckoutWindowHandle | null;
  /** Set while the window is closed without payment: the person asked to open the payment page again. */
  reopen: (() => void) | null;
  settled: Promise<FlowState>;
}

export class UpgradeFlow {
  private current: FlowState = { step: 'idle' };
  private run: Run | null = null;

  constructor(private readonly deps: UpgradeFlowDeps) {}

  get state(): FlowState {
    return this.current;
  }

  get running(): boolean {
    return RUNNING.has(this.current.step);
  }

  /** Starts an upgrade; while one runs this returns null and changes nothing (one flow at a time). */
  start(planId: string, choice: UpgradeChoice = { provider: null, email: null }): Promise<FlowState> | null {
    if (this.running) return null;
    const abort = new AbortController();
    // No choice made (a server that names no providers): the checkout's answer names it.
    const provider = choice.provider ?? { id: '', name: '' };
    const run: Run = { planId, provider, abort, stopping: false, window: null, reopen: null, settled: Promise.resolve(this.current) };
    this.run = run;
    this.publish({ step: 'creating', planId, provider });
    // The e-mail is handed to the checkout request and not kept on the run: nothing else ever holds it.
    const payment: PaymentChoice = { provider: choice.provider?.id ?? null, email: choice.email };
    run.settled = this.execute(run, payment).then(
      (end) => this.end(run, end),
      (error: unknown) => this.end(run, stateForError(error)),
    );
    return run.settled;
  }

  /** The user's Cancel: stops waiting, closes the window and cancels at the server (unless already paid). */
  async cancel(): Promise<void> {
    const run = this.run;
    if (!run || !this.running) return;
    run.abort.abort();
    await run.settled;
  }

  /** "Reopen payment page" after the window was closed without paying: the same checkout, in a new window.
   *  False when there is no closed window to reopen. */
  reopen(): boolean {
    const reopen = this.run?.reopen;
    if (!reopen || this.current.step !== 'window_closed') return false;
    reopen();
    return true;
  }

  /** Back to idle once a flow has ended; a running flow is left alone. */
  dismiss(): void {
    if (!this.running && this.current.step !== 'idle') this.publish({ step: 'idle' });
  }

  /** Quitting: stops a running flow without cancelling the checkout at the server. */
  async stop(): Promise<void> {
    const run = this.run;
    if (!run || !this.running) return;
    run.stopping = true;
    run.abort.abort();
    await run.settled;
  }

  private end(run: Run, end: FlowState): FlowState {
    run.window?.close();
    this.publish(end);
    return end;
  }

  private publish(state: FlowState): void {
    this.current = state;
    this.deps.publish(state);
  }

  private async execute(run: Run, payment: PaymentChoice): Promise<FlowState> {
    const anchor = this.deps.anchor();
    if (anchor === null || !anchor.ok) {
      return failed('anchor_unavailable', anchor?.error.message ?? 'The license core has not started yet.', false);
    }
    let checkout: CreateCheckoutResponse;
    try {
      const entitlement = await this.deps.entitlement().catch(() => null);
      checkout = await this.deps.client.createCheckout(anchor.anchor, run.planId, payment, run.abort.signal, entitlement);
    } catch (error) {
      return run.abort.signal.aborted ? cancelled(CANCEL_MESSAGES.byUser) : stateForError(error);
    }
    if (run.abort.signal.aborted) return this.cancelAtServer(run, checkout, CANCEL_MESSAGES.byUser);
    // The server names the provider it started the payment with (the plan's default when none was chosen).
    if (checkout.provider !== run.provider.id) run.provider = { id: checkout.provider, name: this.deps.providerName(checkout.provider) };
    return this.awaitOutcome(run, checkout);
  }

  private openWindow(run: Run, checkout: CreateCheckoutResponse): CheckoutWindowHandle {
    const serverBase = this.deps.client.baseUrl;
    run.window = this.deps.checkoutWindow.open({
      approveUrl: checkout.approveUrl,
      ...(run.provider.name ? { providerName: run.provider.name } : {}),
      returnUrlPrefix: `${serverBase}/checkout/return`,
      cancelUrlPrefix: `${serverBase}/checkout/cancel`,
    });
    this.publish({
      step: 'awaiting_approval', planId: run.planId, provider: run.provider, checkoutId: checkout.checkoutId,
      ...(checkout.replaces ? { replaces: checkout.replaces } : {}),
    });
    return run.window;
  }

  private async awaitOutcome(run: Run, checkout: CreateCheckoutResponse): Promise<FlowState> {
    const polling = new AbortController();
    const stopPolling = () => polling.abort();
    run.abort.signal.addEventListener('abort', stopPolling, { once: true });
    try {
      const poll = pollUntilSettled(this.deps.client, checkout, {
        signal: polling.signal,
        clock: this.deps.clock,
        timers: this.deps.timers,
        deadline: Math.max(Date.parse(checkout.expiresAt), this.deps.clock.now() + MIN_CHECKOUT_LIFETIME_MS) + DEADLINE_MARGIN_MS,
        ...(this.deps.waitSeconds !== undefined ? { waitSeconds: this.deps.waitSeconds } : {}),
        ...(this.deps.random ? { random: this.deps.random } : {}),
      }).then(
        (view): Wake => ({ kind: 'poll', view }),
        (error: unknown): Wake => ({ kind: 'poll_error', error }),
      );
      const user = aborted(run.abort.signal).then((): Wake => ({ kind: 'user' }));
      let window = this.openWindow(run, checkout);
      let wake: Wake;
      for (;;) {
        wake = await Promise.race([poll, window.outcome.then((outcome): Wake => ({ kind: 'window', outcome })), user]);
        if (wake.kind !== 'window') break;
        const outcome = wake.outcome;
        if (outcome.kind === 'cancelled') return this.cancelAtServer(run, checkout, CANCEL_MESSAGES.onPage);
        if (outcome.kind === 'returned') {
          this.publish({ step: 'confirming', planId: run.planId, provider: run.provider, checkoutId: checkout.checkoutId });
          const answer = await this.tellReturned(checkout, outcome.orderToken, run.abort.signal);
          if (answer && isFinal(answer)) return this.finish(run, answer);
          wake = await Promise.race([poll, user]);
          break;
        }
        // Closed before our return page: paid already (approved at the provider, the server is settling), or not.
        const now = await this.deps.client.poll(checkout, 0, run.abort.signal).catch(() => null);
        if (now && isFinal(now)) return this.finish(run, now);
        if (now?.status === 'approved') {
          this.publish({ step: 'confirming', planId: run.planId, provider: run.provider, checkoutId: checkout.checkoutId });
          wake = await Promise.race([poll, user]);
          break;
        }
        this.publish({ step: 'window_closed', planId: run.planId, provider: run.provider, checkoutId: checkout.checkoutId, expiresAt: checkout.expiresAt });
        wake = await Promise.race([poll, user, this.reopenRequested(run)]);
        if (wake.kind !== 'reopen') break;
        // The approval URL is the provider's for this checkout until it expires; past that only a new checkout helps.
        if (this.deps.clock.now() >= Date.parse(checkout.expiresAt)) return EXPIRED;
        window = this.openWindow(run, checkout);
      }
      switch (wake.kind) {
        case 'poll':
          return isFinal(wake.view) ? this.finish(run, wake.view) : EXPIRED;
        case 'poll_error':
          return run.abort.signal.aborted ? this.cancelAtServer(run, checkout, CANCEL_MESSAGES.byUser) : stateForError(wake.error);
        default:
          return this.cancelAtServer(run, checkout, CANCEL_MESSAGES.byUser);
      }
    } finally {
      polling.abort();
      run.abort.signal.removeEventListener('abort', stopPolling);
    }
  }

  /** POST …/return: the server captures now. Failures are not fatal: polling and webhooks still settle it. */
  private async tellReturned(checkout: CreateCheckoutResponse, orderToken: string | null, signal: AbortSignal): Promise<CheckoutView | null> {
    try {
      return await this.deps.client.returned(checkout, orderToken, signal);
    } catch {
      return null;
    }
  }

  /** Cancels at the server — unless the payment was recorded first, which then wins. */
  private async cancelAtServer(run: Run, checkout: CreateCheckoutResponse, message: string): Promise<FlowState> {
    run.window?.close();
    if (run.stopping) return cancelled(message);
    try {
      const view = await this.deps.client.cancel(checkout);
      if (view.status === 'completed') return this.finish(run, view);
    } catch {
      // Not cancelled at the server: the checkout expires there on its own and nothing is charged.
    }
    return cancelled(message);
  }

  private async finish(run: Run, view: FinalCheckoutView): Promise<FlowState> {
    run.window?.close();
    switch (view.status) {
      case 'completed': {
        const accepted = await this.deps.acceptEntitlement(view.entitlement.token, view.license ?? null);
        if (!accepted.ok) return failed('invalid_entitlement', `The payment was recorded, but the license could not be verified: ${accepted.reason}`, false);
        if (accepted.tier !== 'enterprise') {
          return failed('payment_failed', `The payment was recorded, but the license is not active (status: ${accepted.status}). Contact support.`, false);
        }
        return { step: 'active', planId: run.planId };
      }
      case 'failed':
        return failed('payment_failed', view.reason, true);
      case 'expired':
        return EXPIRED;
      case 'cancelled':
        return cancelled(CANCEL_MESSAGES.onPage);
    }
  }

  private reopenRequested(run: Run): Promise<Wake> {
    return new Promise((resolve) => {
      run.reopen = () => {
        run.reopen = null;
        resolve({ kind: 'reopen' });
      };
    });
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
