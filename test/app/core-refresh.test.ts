import { beforeEach, describe, expect, it } from 'vitest';
import type { RefreshResponse } from '../../common/api';
import type { Plan } from '../../common/plans';
import { EntitlementCache } from '../../main/license/entitlement-cache';
import { refreshLicense } from '../../main/license/refresh';
import {
  AFTER_LAPSE_MS,
  FOCUS_MIN_INTERVAL_MS,
  LAPSE_LEAD_MS,
  REFRESH_INTERVAL_MS,
  RefreshSchedule,
  RETRY_AFTER_FAILURE_MS,
} from '../../main/license/refresh-schedule';
import { ServerClientError } from '../../main/license/server-errors';
import { claimsFor, FakeClock, FakeTimers, ISSUER, makeIssuer, MemorySecretStore, randomAnchor, settle, storedToken, storeLicense, T0, type TestIssuer } from './core-support';

const HOUR = 3600_000;

describe('refresh schedule', () => {
  let clock: FakeClock;
  let timers: FakeTimers;
  let runs: number[];
  let answer: boolean;
  let schedule: RefreshSchedule;

  beforeEach(() => {
    clock = new FakeClock();
    timers = new FakeTimers(clock);
    runs = [];
    answer = true;
    schedule = new RefreshSchedule({ clock, timers, run: async () => { runs.push(clock.now() - T0); return answer; } });
  });

  it('refreshes at start and every 6 hours after', async () => {
    await schedule.start();
    expect(runs).toEqual([0]);
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]);
    await timers.advance(13 * HOUR);
    expect(runs).toEqual([0, 6 * HOUR, 12 * HOUR]);
    schedule.stop();
  });

  it('comes back sooner after a failure', async () => {
    answer = false;
    await schedule.start();
    expect(timers.pending).toEqual([RETRY_AFTER_FAILURE_MS]);
    answer = true;
    await timers.advance(RETRY_AFTER_FAILURE_MS);
    expect(runs).toEqual([0, RETRY_AFTER_FAILURE_MS]);
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]);
    schedule.stop();
  });

  it('refreshes on focus or resume, but not more than once per minimum interval', async () => {
    await schedule.start();
    schedule.poke();
    await settle();
    expect(runs).toHaveLength(1);
    clock.advance(FOCUS_MIN_INTERVAL_MS);
    schedule.poke();
    schedule.poke();
    await settle();
    expect(runs).toEqual([0, FOCUS_MIN_INTERVAL_MS]);
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]); // the periodic timer restarts from the last refresh
    schedule.stop();
  });

  it('joins a refresh already running instead of starting a second one', async () => {
    let release!: () => void;
    let calls = 0;
    const slow = new RefreshSchedule({ clock, timers, run: () => { calls++; return new Promise((r) => { release = () => r(true); }); } });
    const a = slow.runNow();
    const b = slow.runNow();
    expect(a).toBe(b);
    release();
    await a;
    expect(calls).toBe(1);
  });

  it('runAfresh() starts a refresh of its own after the one running (which presented the old token)', async () => {
    const releases: (() => void)[] = [];
    const slow = new RefreshSchedule({ clock, timers, run: () => new Promise((r) => { releases.push(() => r(true)); }) });
    const running = slow.runNow();
    const fresh = slow.runAfresh();
    expect(releases).toHaveLength(1);
    releases[0]!();
    await running;
    await settle();
    expect(releases).toHaveLength(2);
    releases[1]!();
    await fresh;
    const idle = slow.runAfresh();
    expect(releases).toHaveLength(3);
    releases[2]!();
    await idle;
  });

  it('stop() leaves no timer behind and ignores focus', async () => {
    await schedule.start();
    schedule.stop();
    expect(timers.pending).toEqual([]);
    clock.advance(FOCUS_MIN_INTERVAL_MS);
    schedule.poke();
    await timers.advance(24 * HOUR);
    expect(runs).toEqual([0]);
  });
});

describe('one refresh', () => {
  const anchor = randomAnchor();
  const plans: Plan[] = [{ id: 'enterprise-lifetime', name: 'Enterprise', tier: 'enterprise', price: '49.00', currency: 'USD', billing: { kind: 'one_time' } }];
  let issuer: TestIssuer;
  let clock: FakeClock;
  let secrets: MemorySecretStore;
  let cache: EntitlementCache;
  let presented: Array<[string, string]>;
  let reply: () => Promise<RefreshResponse>;

  const client = {
    listPlans: async () => ({ plans, providers: [] }),
    refresh: async (a: string, token: string) => {
      presented.push([a, token]);
      return reply();
    },
  };
  const refresh = () => refreshLicense({ client, cache, anchor: { ok: true, anchor: anchor as never } });
  const answerWith = async (overrides: Parameters<typeof claimsFor>[2] = {}, forAnchor = anchor) => {
    const token = await issuer.sign(claimsFor(forAnchor, clock.now(), overrides));
    reply = async () => ({ license: null, entitlement: { token, claims: {} as never } });
    return token;
  };

  beforeEach(async () => {
    issuer ??= await makeIssuer();
    clock = new FakeClock();
    secrets = new MemorySecretStore();
    cache = new EntitlementCache({ secrets, trust: { pinnedJwks: issuer.jwks, issuer: ISSUER }, clock });
    presented = [];
    await storeLicense(secrets, await issuer.sign(claimsFor(anchor, T0)));
  });

  it('presents the stored token and stores the verified answer in its place', async () => {
    const stored = await storedToken(secrets);
    clock.advance(6 * HOUR);
    const fresh = await answerWith();
    const outcome = await refresh();
    expect(outcome).toMatchObject({ kind: 'refreshed', saveError: null, evaluation: { tier: 'enterprise' } });
    expect(presented).toEqual([[anchor, stored]]);
    expect(fresh).not.toBe(stored);
    expect(await storedToken(secrets)).toBe(fresh);
  });

  it('downgrades cleanly when the answer is a Free entitlement (refund, revocation)', async () => {
    const free = await answerWith({ tier: 'free', status: 'refunded' });
    const outcome = await refresh();
    expect(outcome).toMatchObject({ kind: 'refreshed', evaluation: { tier: 'free', reason: 'The purchase was refunded.', entitlement: { status: 'refunded' } } });
    expect(await storedToken(secrets)).toBe(free);
  });

  it('keeps the stored token when the answer fails verification', async () => {
    const before = await storedToken(secrets);
    await answerWith({}, randomAnchor());
    expect(await refresh()).toMatchObject({ kind: 'refused', message: expect.stringMatching(/could not be verified.*another machine/) });
    expect(await storedToken(secrets)).toBe(before);
  });

  it('keeps the cached entitlement when the server cannot be reached, and says why', async () => {
    const before = await storedToken(secrets);
    reply = async () => { throw new ServerClientError('offline', 'refused'); };
    expect(await refresh()).toMatchObject({ kind: 'unreachable', error: { kind: 'offline' } });
    expect(await storedToken(secrets)).toBe(before);
  });

  it("reports the server's refusal of the token (a 4xx)", async () => {
    reply = async () => { throw new ServerClientError('rejected', 'This entitlement belongs to another machine.', 403, 'anchor_mismatch'); };
    expect(await refresh()).toEqual({ kind: 'refused', message: 'This entitlement belongs to another machine.' });
  });

  it('with nothing to present, only checks that the server answers (and fetches the plans)', async () => {
    secrets.items.clear();
    expect(await refresh()).toEqual({ kind: 'nothing_to_refresh', catalog: { plans, providers: [] } });
    expect(presented).toEqual([]);
    expect(await refreshLicense({ client, cache, anchor: null })).toEqual({ kind: 'nothing_to_refresh', catalog: { plans, providers: [] } });
  });
});

describe('refresh schedule: an entitlement that lapses before the next regular refresh', () => {
  let clock: FakeClock;
  let timers: FakeTimers;
  let runs: number[];
  let lapsesAt: number | null;
  let answer: boolean;
  let schedule: RefreshSchedule;

  beforeEach(() => {
    clock = new FakeClock();
    timers = new FakeTimers(clock);
    runs = [];
    lapsesAt = null;
    answer = true;
    schedule = new RefreshSchedule({ clock, timers, lapsesAt: () => lapsesAt, run: async () => { runs.push(clock.now() - T0); return answer; } });
  });

  it('refreshes shortly before the lapse, once more just after it, then back to every 6 hours', async () => {
    lapsesAt = T0 + 2 * HOUR; // e.g. a cancelled subscription whose paid period ends in 2 hours
    await schedule.start();
    expect(timers.pending).toEqual([2 * HOUR - LAPSE_LEAD_MS]);
    await timers.advance(2 * HOUR - LAPSE_LEAD_MS);
    // The server had nothing newer yet (same exp): the next try is just past the lapse, not a spin before it.
    expect(timers.pending).toEqual([LAPSE_LEAD_MS + AFTER_LAPSE_MS]);
    lapsesAt = T0 + 2 * HOUR + 14 * 24 * HOUR; // after the lapse the server answers Free, valid for weeks
    await timers.advance(LAPSE_LEAD_MS + AFTER_LAPSE_MS);
    expect(runs).toEqual([0, 2 * HOUR - LAPSE_LEAD_MS, 2 * HOUR + AFTER_LAPSE_MS]);
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]);
    schedule.stop();
  });

  it('does not chase an entitlement that has already lapsed', async () => {
    lapsesAt = T0 - HOUR;
    await schedule.start();
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]);
    answer = false;
    await schedule.runNow();
    expect(timers.pending).toEqual([RETRY_AFTER_FAILURE_MS]);
    schedule.stop();
  });

  it('after a failure, comes back by the lapse if that is sooner than the retry', async () => {
    lapsesAt = T0 + 5 * 60_000;
    answer = false;
    await schedule.start();
    expect(timers.pending).toEqual([5 * 60_000 + AFTER_LAPSE_MS]);
    schedule.stop();
  });

  it('reconsider(): a new entitlement that lapses sooner moves the next refresh earlier, never later', async () => {
    await schedule.start();
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]);
    lapsesAt = T0 + 30 * 24 * HOUR;
    schedule.reconsider();
    expect(timers.pending).toEqual([REFRESH_INTERVAL_MS]);
    lapsesAt = T0 + HOUR;
    schedule.reconsider();
    expect(timers.pending).toEqual([HOUR - LAPSE_LEAD_MS]);
    schedule.stop();
    schedule.reconsider();
    expect(timers.pending).toEqual([]);
  });
});
