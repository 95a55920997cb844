import { describe, expect, it } from 'vitest';
import type { CheckoutView, CreateCheckoutResponse } from '../../common/api';
import type { FlowState } from '../../common/app-state';
import { systemClock } from '../../common/clock';
import type { AnchorResult } from '../../main/license/anchor';
import { CANCEL_MESSAGES } from '../../main/license/flow-outcomes';
import type { CheckoutApi, CheckoutTicket, PaymentChoice } from '../../main/license/server-client';
import { ServerClientError } from '../../main/license/server-errors';
import { systemTimers } from '../../main/license/timers';
import { UpgradeFlow, type AcceptResult } from '../../main/license/upgrade-flow';
import { FakeCheckoutWindow, randomAnchor } from './core-support';

const COMPLETED: CheckoutView = {
  status: 'completed',
  license: { id: 'lic_1', planId: 'enterprise-lifetime', status: 'active', tier: 'enterprise', transactionId: 'CAP1', subscriptionId: null, paidThrough: null, accessEndsAt: null },
  entitlement: { token: 'signed.enterprise.token', claims: {} as never },
};
const FINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);

/** The server as the flow sees it: one checkout whose status the test moves; polls park until it changes. */
class FakeServer implements CheckoutApi {
  readonly baseUrl = 'http://127.0.0.1:4100';
  status: CheckoutView = { status: 'pending' };
  created = 0;
  polls = 0;
  readonly returns: Array<string | null> = [];
  cancels = 0;
  createError: Error | null = null;
  pollError: Error | null = null;
  /** What POST …/return does to the checkout (the server captures). */
  onReturn: CheckoutView | null = COMPLETED;
  private parked: Array<() => void> = [];

  /** The entitlement each checkout was started with. */
  presented: (string | null | undefined)[] = [];
  /** The provider and e-mail each checkout was started with. */
  choices: PaymentChoice[] = [];
  /** What the server answers about a subscription the purchase replaces. */
  replaces: CreateCheckoutResponse['replaces'];

  async createCheckout(_anchor: string, _plan: string, payment: PaymentChoice, signal?: AbortSignal, entitlement?: string | null): Promise<CreateCheckoutResponse> {
    this.presented.push(entitlement);
    this.choices.push(payment);
    await Promise.resolve();
    if (signal?.aborted) throw new ServerClientError('aborted', 'stopped');
    if (this.createError) throw this.createError;
    this.created++;
    return {
      checkoutId: `chk_${this.created}`, provider: payment.provider ?? 'paypal', approveUrl: 'https://www.sandbox.paypal.test/checkoutnow?token=ORDER1', pollToken: 'hbp_1',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(), ...(this.replaces ? { replaces: this.replaces } : {}),
    };
  }

  poll(_ticket: CheckoutTicket, wait: number, signal?: AbortSignal): Promise<CheckoutView> {
    this.polls++;
    if (this.pollError) return Promise.reject(this.pollError);
    if (FINAL.has(this.status.status) || wait === 0) return Promise.resolve(this.status);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => wake(), wait * 1000);
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(this.status);
      };
      const onAbort = () => {
        clearTimeout(timer);
        reject(new ServerClientError('aborted', 'stopped'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.parked.push(wake);
    });
  }

  async returned(_ticket: CheckoutTicket, orderToken: string | null): Promise<CheckoutView> {
    this.returns.push(orderToken);
    if (this.onReturn) this.settle(this.onReturn);
    return this.status;
  }

  async cancel(): Promise<CheckoutView> {
    this.cancels++;
    if (!FINAL.has(this.status.status)) this.settle({ status: 'cancelled' });
    return this.status;
  }

  settle(view: CheckoutView): void {
    this.status = view;
    const parked = this.parked;
    this.parked = [];
    for (const wake of parked) wake();
  }
}

interface Setup {
  server?: FakeServer;
  anchor?: AnchorResult | null;
  accept?: (token: string) => AcceptResult;
  /** The entitlement the machine holds when the checkout starts. */
  entitlement?: string | null;
}

function setup(options: Setup = {}) {
  const server = options.server ?? new FakeServer();
  const window = new FakeCheckoutWindow();
  const states: FlowState[] = [];
  const accepted: string[] = [];
  const flow = new UpgradeFlow({
    client: server,
    checkoutWindow: window,
    clock: systemClock,
    timers: systemTimers,
    anchor: () => (options.anchor === undefined ? { ok: true, anchor: randomAnchor() as never } : options.anchor),
    providerName: (id: string) => ({ paypal: 'PayPal', paystack: 'Paystack' })[id] ?? id,
    entitlement: async () => options.entitlement ?? null,
    acceptEntitlement: async (token) => {
      accepted.push(token);
      return options.accept?.(token) ?? { ok: true, tier: 'enterprise', status: 'active' };
    },
    publish: (s) => states.push(s),
    waitSeconds: 2,
    random: () => 0.01,
  });
  return { server, window, states, accepted, flow, steps: () => states.map((s) => s.step) };
}

const run = (flow: UpgradeFlow, plan = 'enterprise-lifetime') => {
  const settled = flow.start(plan);
  if (!settled) throw new Error('the flow did not start');
  return settled;
};

const PAYPAL = { id: 'paypal', name: 'PayPal' };

describe('upgrade flow', () => {
  it('the chosen provider and the buyer\'s e-mail go to the checkout request, the provider into every step, the e-mail nowhere else', async () => {
    const t = setup();
    t.window.onOpen = (_request, w) => setTimeout(() => w.end({ kind: 'returned', orderToken: 'chk.1' }), 10);
    const paystack = { id: 'paystack', name: 'Paystack' };
    expect(await t.flow.start('enterprise-lifetime', { provider: paystack, email: 'ada@example.test' })).toEqual({ step: 'active', planId: 'enterprise-lifetime' });
    expect(t.server.choices).toEqual([{ provider: 'paystack', email: 'ada@example.test' }]);
    expect(t.states.slice(0, 3)).toEqual([
      { step: 'creating', planId: 'enterprise-lifetime', provider: paystack },
      { step: 'awaiting_approval', planId: 'enterprise-lifetime', provider: paystack, checkoutId: 'chk_1' },
      { step: 'confirming', planId: 'enterprise-lifetime', provider: paystack, checkoutId: 'chk_1' },
    ]);
    expect(t.window.opened[0]).toMatchObject({ providerName: 'Paystack' });
    expect(JSON.stringify([t.states, t.window.opened, t.flow.state])).not.toContain('ada@example.test');
  });

  it('return road: the window reports the return, POST return captures, the entitlement is stored, Enterprise', async () => {
    const t = setup();
    t.window.onOpen = (_request, w) => setTimeout(() => w.end({ kind: 'returned', orderToken: 'ORDER1' }), 10);
    expect(await run(t.flow)).toEqual({ step: 'active', planId: 'enterprise-lifetime' });
    expect(t.steps()).toEqual(['creating', 'awaiting_approval', 'confirming', 'active']);
    // No provider chosen (a server naming none): the checkout's answer names it, and the flow says so.
    expect(t.states[0]).toEqual({ step: 'creating', planId: 'enterprise-lifetime', provider: { id: '', name: '' } });
    expect(t.states[1]).toEqual({ step: 'awaiting_approval', planId: 'enterprise-lifetime', provider: PAYPAL, checkoutId: 'chk_1' });
    expect(t.window.opened).toEqual([{
      approveUrl: 'https://www.sandbox.paypal.test/checkoutnow?token=ORDER1',
      providerName: 'PayPal',
      returnUrlPrefix: 'http://127.0.0.1:4100/checkout/return',
      cancelUrlPrefix: 'http://127.0.0.1:4100/checkout/cancel',
    }]);
    expect(t.server.returns).toEqual(['ORDER1']);
    expect(t.accepted).toEqual(['signed.enterprise.token']);
    expect(t.server.cancels).toBe(0);
  });

  it('a subscriber buying lifetime: the checkout starts with the machine\'s entitlement, and the subscription it replaces is shown before paying', async () => {
    const t = setup({ entitlement: 'signed.monthly.token' });
    t.server.replaces = { subscriptionId: 'I-MONTHLY0001', planId: 'enterprise-monthly' };
    t.window.onOpen = (_request, w) => setTimeout(() => w.end({ kind: 'returned', orderToken: 'ORDER1' }), 10);
    await run(t.flow);
    expect(t.server.presented).toEqual(['signed.monthly.token']);
    expect(t.states[1]).toEqual({
      step: 'awaiting_approval', planId: 'enterprise-lifetime', provider: PAYPAL, checkoutId: 'chk_1', replaces: { subscriptionId: 'I-MONTHLY0001', planId: 'enterprise-monthly' },
    });
    // A machine with nothing yet presents nothing.
    const fresh = setup();
    fresh.window.onOpen = (_request, w) => setTimeout(() => w.end({ kind: 'returned', orderToken: 'ORDER1' }), 10);
    await run(fresh.flow);
    expect(fresh.server.presented).toEqual([null]);
  });

  it('long poll road: the payment is recorded while the window is still open → the window is closed, Enterprise', async () => {
    const t = setup();
    t.window.onOpen = () => setTimeout(() => t.server.settle(COMPLETED), 20);
    expect((await run(t.flow)).step).toBe('active');
    expect(t.window.closes).toBeGreaterThanOrEqual(1);
    expect(t.server.returns).toEqual([]);
    expect(t.steps()).toEqual(['creating', 'awaiting_approval', 'active']);
  });

  it('keeps polling after the return when the capture is not recorded yet', async () => {
    const t = setup();
    t.server.onReturn = { status: 'approved' };
    t.window.onOpen = (_r, w) => {
      w.end({ kind: 'returned', orderToken: null });
      setTimeout(() => t.server.settle(COMPLETED), 50);
    };
    expect((await run(t.flow)).step).toBe('active');
    expect(t.server.returns).toEqual([null]);
  });

  it('a failing POST return is not fatal: the poll still settles it', async () => {
    const t = setup();
    t.server.returned = async () => {
      setTimeout(() => t.server.settle(COMPLETED), 30);
      throw new ServerClientError('offline', 'down');
    };
    t.window.onOpen = (_r, w) => w.end({ kind: 'returned', orderToken: 'ORDER1' });
    expect((await run(t.flow)).step).toBe('active');
  });

  it('cancel on the approval page → POST cancel → cancelled, nothing charged', async () => {
    const t = setup();
    t.window.onOpen = (_r, w) => w.end({ kind: 'cancelled' });
    expect(await run(t.flow)).toEqual({ step: 'cancelled', message: CANCEL_MESSAGES.onPage });
    expect(t.server.cancels).toBe(1);
    expect(t.accepted).toEqual([]);
  });

  /** Resolves once the flow publishes `step`. */
  const reached = (t: ReturnType<typeof setup>, step: FlowState['step']) =>
    expect.poll(() => t.states.at(-1)?.step, { timeout: 5_000 }).toBe(step);

  it('closing the window before paying: "window closed", the poll keeps listening; Reopen opens the same approval URL; Pay → Enterprise', async () => {
    const t = setup();
    t.window.onOpen = (_r, w) => {
      if (t.window.opened.length === 1) w.end({ kind: 'closed' });
      else setTimeout(() => w.end({ kind: 'returned', orderToken: 'ORDER1' }), 20);
    };
    const settled = run(t.flow);
    await reached(t, 'window_closed');
    expect(t.states.at(-1)).toEqual({ step: 'window_closed', planId: 'enterprise-lifetime', provider: PAYPAL, checkoutId: 'chk_1', expiresAt: expect.any(String) });
    expect(t.flow.running).toBe(true);
    expect(t.server.cancels).toBe(0);

    expect(t.flow.reopen()).toBe(true);
    expect((await settled).step).toBe('active');
    expect(t.window.opened.map((w) => w.approveUrl)).toEqual([t.window.opened[0]!.approveUrl, t.window.opened[0]!.approveUrl]);
    expect(t.server.created).toBe(1); // the same checkout, not a new one
    expect(t.steps()).toEqual(['creating', 'awaiting_approval', 'window_closed', 'awaiting_approval', 'confirming', 'active']);
  });

  it('closing the window, then Cancel: cancelled at the server, nothing charged', async () => {
    const t = setup();
    t.window.onOpen = (_r, w) => w.end({ kind: 'closed' });
    const settled = run(t.flow);
    await reached(t, 'window_closed');
    await t.flow.cancel();
    expect(await settled).toEqual({ step: 'cancelled', message: CANCEL_MESSAGES.byUser });
    expect(t.server.cancels).toBe(1);
    expect(t.flow.reopen()).toBe(false);
  });

  it('while the window is closed a payment that lands by another road (the webhook) still ends in Enterprise', async () => {
    const t = setup();
    t.window.onOpen = (_r, w) => w.end({ kind: 'closed' });
    const settled = run(t.flow);
    await reached(t, 'window_closed');
    t.server.settle(COMPLETED);
    expect((await settled).step).toBe('active');
    expect(t.server.cancels).toBe(0);
    expect(t.window.opened).toHaveLength(1);
  });

  it('closing the window after approving at PayPal waits for the capture (confirming) instead of offering to reopen', async () => {
    const t = setup();
    t.window.onOpen = (_r, w) => {
      t.server.status = { status: 'approved' };
      w.end({ kind: 'closed' });
      setTimeout(() => t.server.settle(COMPLETED), 200);
    };
    expect((await run(t.flow)).step).toBe('active');
    expect(t.steps()).toEqual(['creating', 'awaiting_approval', 'confirming', 'active']);
    expect(t.server.cancels).toBe(0);
  });

  it('Reopen after the checkout has expired: the checkout timed out, start again', async () => {
    const server = new FakeServer();
    const create = server.createCheckout.bind(server);
    server.createCheckout = async (...args) => ({ ...(await create(...args)), expiresAt: new Date(Date.now() + 100).toISOString() });
    const t = setup({ server });
    t.window.onOpen = (_r, w) => w.end({ kind: 'closed' });
    const settled = run(t.flow);
    await reached(t, 'window_closed');
    await new Promise((r) => setTimeout(r, 150));
    t.flow.reopen();
    expect(await settled).toMatchObject({ step: 'failed', reason: 'checkout_expired' });
    expect(t.window.opened).toHaveLength(1);
  });

  it('a cancel that finds the payment already recorded ends Enterprise, not cancelled', async () => {
    const t = setup();
    t.server.cancel = async () => {
      t.server.cancels++;
      t.server.status = COMPLETED;
      return COMPLETED;
    };
    t.window.onOpen = (_r, w) => w.end({ kind: 'closed' });
    const settled = run(t.flow);
    await reached(t, 'window_closed');
    await t.flow.cancel();
    expect((await settled).step).toBe('active');
    expect(t.server.cancels).toBe(1);
  });

  it("the user's Cancel closes the window and cancels at the server", async () => {
    const t = setup();
    const settled = run(t.flow);
    await new Promise((r) => setTimeout(r, 20));
    expect(t.flow.state.step).toBe('awaiting_approval');
    await t.flow.cancel();
    expect(await settled).toEqual({ step: 'cancelled', message: CANCEL_MESSAGES.byUser });
    expect(t.window.closes).toBeGreaterThanOrEqual(1);
    expect(t.server.cancels).toBe(1);
  });

  it("the user's Cancel after the payment was recorded still ends in Enterprise", async () => {
    const t = setup();
    t.server.cancel = async () => COMPLETED;
    const settled = run(t.flow);
    await new Promise((r) => setTimeout(r, 20));
    await t.flow.cancel();
    expect((await settled).step).toBe('active');
  });

  it('refuses an entitlement that fails offline verification: failed invalid_entitlement', async () => {
    const t = setup({ accept: () => ({ ok: false, reason: 'The license belongs to another machine.' }) });
    t.window.onOpen = (_r, w) => w.end({ kind: 'returned', orderToken: 'ORDER1' });
    expect(await run(t.flow)).toEqual({
      step: 'failed', reason: 'invalid_entitlement', retryable: false,
      message: 'The payment was recorded, but the license could not be verified: The license belongs to another machine.',
    });
  });

  it('a recorded payment whose license grants Free is a failure to report, not a success', async () => {
    const t = setup({ accept: () => ({ ok: true, tier: 'free', status: 'refunded' }) });
    t.window.onOpen = (_r, w) => w.end({ kind: 'returned', orderToken: 'ORDER1' });
    expect(await run(t.flow)).toMatchObject({ step: 'failed', reason: 'payment_failed', message: expect.stringMatching(/refunded/) });
  });

  it('server unreachable while creating → offline; retry works once it is back', async () => {
    const t = setup();
    t.server.createError = new ServerClientError('offline', 'refused');
    expect(await run(t.flow)).toEqual({ step: 'offline', message: expect.stringMatching(/cannot be reached/) });
    expect(t.window.opened).toHaveLength(0);
    t.server.createError = null;
    t.window.onOpen = (_r, w) => w.end({ kind: 'returned', orderToken: 'ORDER1' });
    expect((await run(t.flow)).step).toBe('active');
  });

  it('maps a 5xx to a retryable server_error and a 4xx to a final failure with the server sentence', async () => {
    const t = setup();
    t.server.createError = new ServerClientError('server_error', 'boom', 503, 'provider_unavailable');
    expect(await run(t.flow)).toMatchObject({ step: 'failed', reason: 'server_error', retryable: true });
    t.server.createError = new ServerClientError('rejected', 'Unknown plan; GET /v1/plans lists the plans on offer.', 400, 'unknown_plan');
    expect(await run(t.flow, 'platinum')).toEqual({ step: 'failed', reason: 'unknown', retryable: false, message: 'Unknown plan; GET /v1/plans lists the plans on offer.' });
  });

  it('reports a declined payment and an expired checkout', async () => {
    const declined = setup();
    declined.window.onOpen = () => declined.server.settle({ status: 'failed', reason: 'The card was declined.' });
    expect(await run(declined.flow)).toEqual({ step: 'failed', reason: 'payment_failed', message: 'The card was declined.', retryable: true });
    const expired = setup();
    expired.window.onOpen = () => expired.server.settle({ status: 'expired' });
    expect(await run(expired.flow)).toMatchObject({ step: 'failed', reason: 'checkout_expired', retryable: true });
  });

  it('losing the server while waiting ends offline and closes the window', async () => {
    const t = setup();
    t.window.onOpen = () => undefined;
    t.server.pollError = new ServerClientError('offline', 'gone');
    expect((await run(t.flow)).step).toBe('offline');
    expect(t.window.closes).toBeGreaterThanOrEqual(1);
  });

  it('runs one flow at a time', async () => {
    const t = setup();
    const first = run(t.flow);
    expect(t.flow.start('enterprise-lifetime')).toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    expect(t.flow.start('enterprise-yearly')).toBeNull();
    expect(t.server.created).toBe(1);
    t.server.settle(COMPLETED);
    expect((await first).step).toBe('active');
  });

  it('dismiss returns to idle after an ending and leaves a running flow alone', async () => {
    const t = setup();
    const settled = run(t.flow);
    await new Promise((r) => setTimeout(r, 20));
    t.flow.dismiss();
    expect(t.flow.state.step).toBe('awaiting_approval');
    t.server.settle(COMPLETED);
    await settled;
    t.flow.dismiss();
    expect(t.flow.state).toEqual({ step: 'idle' });
  });

  it('without an anchor nothing is created: failed anchor_unavailable', async () => {
    const t = setup({ anchor: { ok: false, error: { code: 'machine_id_placeholder', message: 'placeholder id' } } });
    expect(await run(t.flow)).toEqual({ step: 'failed', reason: 'anchor_unavailable', message: 'placeholder id', retryable: false });
    expect(t.server.created).toBe(0);
  });

  it('stop() ends a running flow and closes its window without cancelling at the server', async () => {
    const t = setup();
    const settled = run(t.flow);
    await new Promise((r) => setTimeout(r, 20));
    await t.flow.stop();
    await settled;
    expect(t.window.closes).toBeGreaterThanOrEqual(1);
    expect(t.server.cancels).toBe(0);
  });
});
