import { beforeEach, describe, expect, it } from 'vitest';
import { clockRolledBack, parseHighWater, ROLLBACK_TOLERANCE_MS } from '../../main/license/clock-guard';
import { EntitlementCache } from '../../main/license/entitlement-cache';
import { CLOCK_ROLLED_BACK, NO_LICENSE } from '../../main/license/license-evaluation';
import { STORED_ITEMS } from '../../main/license/stored-items';
import { claimsFor, FakeClock, ISSUER, makeIssuer, MemorySecretStore, randomAnchor, T0, type TestIssuer } from './core-support';

const HOUR = 3600_000;
const anchor = randomAnchor();
let issuer: TestIssuer;
let clock: FakeClock;
let secrets: MemorySecretStore;
let cache: EntitlementCache;

beforeEach(async () => {
  issuer ??= await makeIssuer();
  clock = new FakeClock();
  secrets = new MemorySecretStore();
  cache = new EntitlementCache({ secrets, trust: { pinnedJwks: issuer.jwks, issuer: ISSUER }, clock });
});

describe('clock-rollback guard', () => {
  it('trips only when the clock is more than 24 h behind the newest iat', () => {
    const iat = Math.floor(T0 / 1000);
    expect(clockRolledBack(T0 - ROLLBACK_TOLERANCE_MS + 1000, iat)).toBe(false);
    expect(clockRolledBack(T0 - ROLLBACK_TOLERANCE_MS - 1000, iat)).toBe(true);
    expect(clockRolledBack(0, null)).toBe(false);
  });

  it('reads only a whole number of seconds as a mark', () => {
    expect(parseHighWater('1768478400')).toBe(1768478400);
    for (const junk of [null, '', '-5', '1.5', 'abc', '1e9']) expect(parseHighWater(junk)).toBeNull();
  });
});

describe('the cached entitlement', () => {
  it('is Free with "No license on this machine" when nothing is stored', async () => {
    expect(await cache.evaluate(anchor)).toEqual({ tier: 'free', entitlement: null, reason: NO_LICENSE, needsOnlineCheck: false });
  });

  it('verifies the stored token offline, shows its summary and raises the high-water mark', async () => {
    const claims = claimsFor(anchor, T0);
    secrets.items.set(STORED_ITEMS.entitlement, await issuer.sign(claims));
    clock.advance(2 * HOUR);
    const evaluation = await cache.evaluate(anchor);
    expect(evaluation).toMatchObject({ tier: 'enterprise', reason: null, needsOnlineCheck: false });
    expect(evaluation.entitlement).toEqual({
      tier: 'enterprise', status: 'active', licenseId: 'lic_test1', planId: 'enterprise-lifetime', transactionId: '3AB12345CD678901E',
      paidThrough: null, issuedAt: new Date(claims.iat * 1000).toISOString(), expiresAt: new Date(claims.exp * 1000).toISOString(),
      subscription: null,
    });
    expect(secrets.items.get(STORED_ITEMS.clockHighWater)).toBe(String(claims.iat));
  });

  it('gives Free with the reason for a token that fails verification', async () => {
    secrets.items.set(STORED_ITEMS.entitlement, await issuer.sign(claimsFor(randomAnchor(), T0)));
    const evaluation = await cache.evaluate(anchor);
    expect(evaluation.tier).toBe('free');
    expect(evaluation.reason).toMatch(/another machine/);
  });

  it('needs an online check when the clock is more than a day behind the newest iat seen, even for a valid token', async () => {
    const old = claimsFor(anchor, T0 - 10 * 24 * HOUR, { exp: Math.floor(T0 / 1000) + 30 * 24 * 3600 });
    secrets.items.set(STORED_ITEMS.entitlement, await issuer.sign(old));
    secrets.items.set(STORED_ITEMS.clockHighWater, String(Math.floor(T0 / 1000)));
    clock.set(T0 - 3 * 24 * HOUR); // the token itself would pass at this time
    expect(await cache.evaluate(anchor)).toEqual({ tier: 'free', entitlement: null, reason: CLOCK_ROLLED_BACK, needsOnlineCheck: true });
    clock.set(T0 - 12 * HOUR);
    expect((await cache.evaluate(anchor)).tier).toBe('enterprise');
  });

  it('says so when the store cannot be read', async () => {
    secrets.failReads = true;
    const evaluation = await cache.evaluate(anchor);
    expect(evaluation.tier).toBe('free');
    expect(evaluation.reason).toMatch(/could not be read: store unreadable/);
  });

  it('stores a fresh token only after it passes the same checks', async () => {
    const bad = await cache.accept(await issuer.sign(claimsFor(randomAnchor(), T0)), anchor);
    expect(bad).toMatchObject({ ok: false, superseded: false });
    expect(secrets.items.has(STORED_ITEMS.entitlement)).toBe(false);
    const token = await issuer.sign(claimsFor(anchor, T0));
    const good = await cache.accept(token, anchor);
    expect(good).toMatchObject({ ok: true, saveError: null, evaluation: { tier: 'enterprise' } });
    expect(secrets.items.get(STORED_ITEMS.entitlement)).toBe(token);
    expect(await cache.token()).toBe(token);
  });

  it('accepts a fresh answer although the local clock runs days behind the server, and keeps the guard for replays', async () => {
    clock.set(T0 - 5 * 24 * HOUR);
    const fresh = await cache.accept(await issuer.sign(claimsFor(anchor, T0)), anchor);
    expect(fresh.ok).toBe(true);
    const replay = await cache.accept(await issuer.sign(claimsFor(anchor, T0 - 4 * 24 * HOUR)), anchor);
    expect(replay).toMatchObject({ ok: false, reason: expect.stringMatching(/license older than one/) });
  });

  it('drops an answer based on an older generation: a purchase that landed meanwhile wins', async () => {
    const before = cache.generation;
    const purchase = await issuer.sign(claimsFor(anchor, T0));
    expect((await cache.accept(purchase, anchor)).ok).toBe(true);
    const lateRefresh = await cache.accept(await issuer.sign(claimsFor(anchor, T0, { tier: 'free', status: 'pending' })), anchor, before);
    expect(lateRefresh).toMatchObject({ ok: false, superseded: true });
    expect(secrets.items.get(STORED_ITEMS.entitlement)).toBe(purchase);
  });

  it('keeps a verified token for the session when saving fails, and says so', async () => {
    secrets.failWrites = true;
    const token = await issuer.sign(claimsFor(anchor, T0));
    const result = await cache.accept(token, anchor);
    expect(result).toMatchObject({ ok: true, saveError: expect.stringMatching(/could not be saved .*store read-only.*until the app quits/) });
    expect(await cache.token()).toBe(token);
  });
});
