// "Manage subscription → Cancel" in the core: the operation over a fake client and the real entitlement cache,
// the standing the License panel reads from a subscription's claims, and LicenseCore publishing it all.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CancelSubscriptionResponse } from '../../common/api';
import type { AppState, SubscriptionManagement } from '../../common/app-state';
import type { EntitlementClaims } from '../../common/entitlement';
import type { LicenseView } from '../../common/license';
import { deriveAnchor } from '../../main/license/anchor';
import { cancelSubscription, CANCEL_MESSAGES } from '../../main/license/cancel-subscription';
import { EntitlementCache } from '../../main/license/entitlement-cache';
import { LicenseCore } from '../../main/license/license-core';
import { LAPSE_LEAD_MS } from '../../main/license/refresh-schedule';
import { ServerClientError } from '../../main/license/server-errors';
import { subscriptionStanding } from '../../main/license/subscription-standing';
import { claimsFor, directTransport, FakeCheckoutWindow, FakeClock, FakeTimers, ISSUER, makeIssuer, MemorySecretStore, randomAnchor, settle, storedToken, storeLicense, T0, type TestIssuer } from './core-support';

const DAY = 86_400_000;
const s = (ms: number) => Math.floor(ms / 1000);
const iso = (ms: number) => new Date(s(ms) * 1000).toISOString();
/** A monthly subscription paid through 20 days after T0. */
const PAID_THROUGH = T0 + 20 * DAY;
const monthly = (overrides: Partial<EntitlementClaims> = {}) => ({ plan: 'enterprise-monthly', ptd: s(PAID_THROUGH), ...overrides });

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await makeIssuer();
});

describe('subscription standing (from the claims)', () => {
  const anchor = randomAnchor();
  const standing = (overrides: Partial<EntitlementClaims>) => subscriptionStanding(claimsFor(anchor, T0, overrides));

  it('is null for a one-time purchase, which has no paid-through date', () => {
    expect(standing({})).toBeNull();
    expect(standing({ tier: 'free', status: 'refunded' })).toBeNull();
  });

  it('active → renews on the paid-through date; canceled → access ends then; disputed keeps it', () => {
    expect(standing(monthly())).toEqual({ kind: 'renewing', renewsOn: iso(PAID_THROUGH) });
    expect(standing(monthly({ status: 'canceled' }))).toEqual({ kind: 'canceled', accessEndsOn: iso(PAID_THROUGH) });
    expect(standing(monthly({ status: 'disputed' }))).toEqual({ kind: 'disputed', paidThrough: iso(PAID_THROUGH) });
  });

  it('past_due → Enterprise until the grace ends: the later of the paid-through date and the expiry the server signed', () => {
    // Failed at the due date: the grace runs 7 days past it and the entitlement expires then.
    const graceEnd = PAID_THROUGH + 7 * DAY;
    expect(standing(monthly({ status: 'past_due', exp: s(graceEnd) }))).toEqual({ kind: 'past_due', paidThrough: iso(PAID_THROUGH), enterpriseUntil: iso(graceEnd) });
    // Failed early (a retried charge before the due date): access lasts to the paid-through date, past the
    // refresh deadline the entitlement expires at.
    expect(standing(monthly({ status: 'past_due', exp: s(T0 + 14 * DAY) }))).toMatchObject({ enterpriseUntil: iso(PAID_THROUGH) });
  });

  it('on Free every subscription has ended, whatever its status says', () => {
    for (const status of ['active', 'past_due', 'canceled', 'suspended', 'expired', 'refunded', 'reversed'] as const) {
      expect(standing(monthly({ tier: 'free', status }))).toEqual({ kind: 'ended' });
    }
    expect(standing(monthly({ status: 'suspended' }))).toEqual({ kind: 'ended' });
  });
});

describe('cancelSubscription (the operation)', () => {
  const anchor = randomAnchor();
  let clock: FakeClock;
  let secrets: MemorySecretStore;
  let cache: EntitlementCache;
  let presented: Array<[string, string]>;
  let reply: () => Promise<CancelSubscriptionResponse>;
  const client = {
    cancelSubscription: async (a: string, token: string) => {
      presented.push([a, token]);
      return reply();
    },
  };
  const run = () => cancelSubscription({ client, cache, anchor: { ok: true, anchor: anchor as never } });
  const view = (overrides: Partial<LicenseView>): LicenseView => ({
    id: 'lic_test1', planId: 'enterprise-monthly', status: 'active', tier: 'enterprise', transactionId: '3AB12345CD678901E',
    subscriptionId: 'I-BW452GLLEP1G', paidThrough: iso(PAID_THROUGH), accessEndsAt: null, ...overrides,
  });
  const answer = async (cancellation: 'recorded' | 'requested', claims: Partial<EntitlementClaims>, license: LicenseView, signer = issuer) => {
    const full = claimsFor(anchor, clock.now(), claims);
    const token = await signer.sign(full);
    reply = async () => ({ license, entitlement: { token, claims: full }, cancellation });
    return token;
  };

  beforeEach(async () => {
    clock = new FakeClock();
    secrets = new MemorySecretStore();
    cache = new EntitlementCache({ secrets, trust: { pinnedJwks: issuer.jwks, issuer: ISSUER }, clock });
    presented = [];
    await storeLicense(secrets, await issuer.sign(claimsFor(anchor, T0, monthly())));
  });

  it('recorded: presents the stored token, adopts the cancelled entitlement and reports when access ends', async () => {
    const before = await storedToken(secrets);
    const token = await answer('recorded', monthly({ status: 'canceled', exp: s(PAID_THROUGH) }), view({ status: 'canceled', accessEndsAt: iso(PAID_THROUGH) }));
    const outcome = await run();
    expect(presented).toEqual([[anchor, before]]);
    expect(outcome).toEqual({
      kind: 'done',
      manage: { step: 'done', licenseId: 'lic_test1', endsAt: iso(PAID_THROUGH), recorded: true },
      adopted: { saveError: null, evaluation: expect.objectContaining({ tier: 'enterprise', entitlement: expect.objectContaining({ status: 'canceled', subscription: { kind: 'canceled', accessEndsOn: iso(PAID_THROUGH) } }) }) },
    });
    expect(await storedToken(secrets)).toBe(token);
  });

  it("requested: PayPal's notice is still on its way — access ends at the paid-through date, the license still reads active", async () => {
    await answer('requested', monthly(), view({}));
    const outcome = await run();
    expect(outcome).toMatchObject({ kind: 'done', manage: { step: 'done', endsAt: iso(PAID_THROUGH), recorded: false } });
    expect(outcome.kind === 'done' && outcome.adopted?.evaluation.entitlement?.subscription).toEqual({ kind: 'renewing', renewsOn: iso(PAID_THROUGH) });
  });

  it.each<[string, ServerClientError, Partial<Extract<SubscriptionManagement, { step: 'failed' }>>, boolean | null]>([
    ['offline', new ServerClientError('offline', 'refused'), { reason: 'offline', message: CANCEL_MESSAGES.offline, retryable: true }, false],
    ['PayPal unreachable (503)', new ServerClientError('server_error', 'PayPal could not be reached; try again in a moment.', 503, 'provider_unavailable'),
      { reason: 'server_error', message: 'PayPal could not be reached; try again in a moment.', retryable: true }, true],
    ['a server fault (500)', new ServerClientError('server_error', 'internal', 500, 'internal'), { reason: 'server_error', message: CANCEL_MESSAGES.serverError, retryable: true }, true],
    ['not a subscription (409)', new ServerClientError('rejected', 'This subscription is suspended; there is nothing to cancel.', 409, 'not_a_subscription'),
      { reason: 'not_a_subscription', message: 'This subscription is suspended; there is nothing to cancel.', retryable: false }, true],
    ['a token from another machine (403)', new ServerClientError('rejected', 'This entitlement belongs to another machine.', 403, 'anchor_mismatch'),
      { reason: 'refused', message: 'This entitlement belongs to another machine.', retryable: false }, true],
    ['rate limited (429)', new ServerClientError('rejected', 'Too many requests.', 429, 'rate_limited'), { reason: 'refused', retryable: true }, true],
  ])('%s: a failed state with its sentence; the stored license stays', async (_what, error, manage, online) => {
    const before = await storedToken(secrets);
    reply = async () => { throw error; };
    expect(await run()).toEqual({ kind: 'failed', manage: { step: 'failed', ...manage, message: manage.message ?? error.message }, online });
    expect(await storedToken(secrets)).toBe(before);
  });

  it('with no license on this machine, asks nobody', async () => {
    secrets.items.clear();
    expect(await run()).toEqual({ kind: 'failed', manage: { step: 'failed', reason: 'not_a_subscription', message: CANCEL_MESSAGES.noSubscription, retryable: false }, online: null });
    expect(await cancelSubscription({ client, cache, anchor: null })).toMatchObject({ kind: 'failed', online: null });
    expect(presented).toEqual([]);
  });

  it('an answer that fails verification is not adopted, and says PayPal did cancel', async () => {
    const before = await storedToken(secrets);
    await answer('recorded', monthly({ status: 'canceled' }), view({ status: 'canceled' }), await makeIssuer('foreign-key'));
    expect(await run()).toMatchObject({ kind: 'failed', manage: { reason: 'invalid_entitlement', retryable: false, message: expect.stringMatching(/^The subscription is cancelled, but .*not signed by this app's license server/) } });
    expect(await storedToken(secrets)).toBe(before);
  });

  it('a newer license accepted while the request was out wins; the cancellation is still reported', async () => {
    await answer('recorded', monthly({ status: 'canceled' }), view({ status: 'canceled', accessEndsAt: iso(PAID_THROUGH) }));
    const newer = await issuer.sign(claimsFor(anchor, clock.now(), { lic: 'lic_newer' }));
    const racing = reply;
    reply = async () => {
      await cache.accept({ token: newer, fromServer: true }, anchor);
      return racing();
    };
    expect(await run()).toMatchObject({ kind: 'done', manage: { recorded: true, endsAt: iso(PAID_THROUGH) }, adopted: null });
    expect(await storedToken(secrets)).toBe(newer);
  });
});

describe('LicenseCore.cancelSubscription', () => {
  const MACHINE_ID = '8a1f0c55e2b34d7f9e61c0a4b2d3e5f6';
  const SALT = 'test-salt';
  const servers: Server[] = [];
  const cores: LicenseCore[] = [];
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((c) => c.stop()));
    await Promise.all(servers.splice(0).map((srv) => new Promise((resolve) => { srv.closeAllConnections(); srv.close(resolve); })));
  });

  /** The server's refresh and cancel-subscription endpoints for one monthly subscription, on the core's clock. */
  async function subscriptionServer(clock: FakeClock, paidThrough: number) {
    const state = { canceled: false, cancels: 0, release: null as null | Promise<void>, status: 200 };
    const entitlement = async (anchor: string) => {
      const claims = claimsFor(anchor, clock.now(), {
        plan: 'enterprise-monthly', ptd: s(paidThrough), status: state.canceled ? 'canceled' : 'active',
        exp: s(state.canceled ? paidThrough : paidThrough + 7 * DAY),
      });
      return { token: await issuer.sign(claims), claims };
    };
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', async () => {
        const body = raw ? JSON.parse(raw) : {};
        const json = (status: number, value: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(value));
        };
        const license = () => ({
          id: 'lic_test1', planId: 'enterprise-monthly', status: state.canceled ? 'canceled' : 'active', tier: 'enterprise', transactionId: '3AB12345CD678901E',
          subscriptionId: 'I-BW452GLLEP1G', paidThrough: iso(paidThrough), accessEndsAt: state.canceled ? iso(paidThrough) : null,
        });
        if (req.url === '/v1/entitlements/refresh') return json(200, { license: license(), entitlement: await entitlement(body.anchor) });
        if (req.url === '/v1/entitlements/cancel-subscription') {
          state.cancels++;
          await state.release;
          if (state.status !== 200) return json(state.status, { error: { code: 'provider_unavailable', message: 'PayPal could not be reached; try again in a moment.' } });
          state.canceled = true;
          return json(200, { license: license(), entitlement: await entitlement(body.anchor), cancellation: 'recorded' });
        }
        json(404, { error: { code: 'not_found', message: 'No such resource.' } });
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, state };
  }

  async function startCore(paidThrough: number) {
    const clock = new FakeClock(Date.now());
    const timers = new FakeTimers(clock);
    const server = await subscriptionServer(clock, paidThrough);
    // Subscribed earlier: the core starts from the stored entitlement and refreshes it.
    const secrets = new MemorySecretStore();
    const derived = await deriveAnchor({ readMachineId: async () => MACHINE_ID, appSalt: SALT, hostname: () => 'test-host' });
    if (!derived.ok) throw new Error('no anchor');
    await storeLicense(secrets, await issuer.sign(claimsFor(derived.anchor, clock.now(), { plan: 'enterprise-monthly', ptd: s(paidThrough) })));
    const core = new LicenseCore({
      env: { clock, readMachineId: async () => MACHINE_ID },
      secrets,
      server: { baseUrl: server.url, transport: directTransport, timeoutMs: 2_000, retry: { attempts: 1 } },
      pinnedJwks: issuer.jwks,
      issuer: ISSUER,
      appSalt: SALT,
      checkoutWindow: new FakeCheckoutWindow(),
      hostname: () => 'test-host',
      timers,
    });
    cores.push(core);
    await core.start();
    await core.refresh();
    return { core, clock, timers, server, secrets };
  }

  it('goes idle → cancelling → done, with the cancelled license in the same state; a second call joins the first', async () => {
    const paidThrough = Date.now() + 20 * DAY;
    const { core, server } = await startCore(paidThrough);
    expect(core.getState().manage).toEqual({ step: 'idle' });
    expect(core.getState().license.entitlement?.subscription).toEqual({ kind: 'renewing', renewsOn: iso(paidThrough) });
    const seen: AppState[] = [];
    core.onState((st) => seen.push(st));
    let release!: () => void;
    server.state.release = new Promise((resolve) => (release = resolve));
    const first = core.cancelSubscription();
    const second = core.cancelSubscription();
    expect(core.getState().manage).toEqual({ step: 'cancelling' });
    release();
    await Promise.all([first, second]);
    expect(server.state.cancels).toBe(1);
    const done = core.getState();
    expect(done.manage).toEqual({ step: 'done', licenseId: 'lic_test1', endsAt: iso(paidThrough), recorded: true });
    expect(done.license).toMatchObject({ tier: 'enterprise', online: true, entitlement: { status: 'canceled', subscription: { kind: 'canceled', accessEndsOn: iso(paidThrough) } } });
    // No published state paired the outcome with the license from before it.
    expect(seen.filter((st) => st.manage.step === 'done' && st.license.entitlement?.status !== 'canceled')).toEqual([]);
  });

  it('a failure is a state with a message; retrying works once PayPal answers', async () => {
    const { core, server } = await startCore(Date.now() + 20 * DAY);
    server.state.status = 503;
    await core.cancelSubscription();
    expect(core.getState().manage).toEqual({ step: 'failed', reason: 'server_error', message: 'PayPal could not be reached; try again in a moment.', retryable: true });
    expect(core.getState().license.entitlement?.status).toBe('active');
    server.state.status = 200;
    await core.cancelSubscription();
    expect(core.getState().manage).toMatchObject({ step: 'done', recorded: true });
  });

  it('the cancelled entitlement lapsing soon moves the next refresh to just before it', async () => {
    const paidThrough = Date.now() + 3 * 3600_000;
    const { core, timers } = await startCore(paidThrough);
    await core.cancelSubscription();
    await settle();
    const expected = paidThrough - LAPSE_LEAD_MS - Date.now();
    expect(timers.pending).toHaveLength(1);
    expect(Math.abs(timers.pending[0]! - expected)).toBeLessThan(5_000);
  });
});
