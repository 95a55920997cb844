import { beforeEach, describe, expect, it } from 'vitest';
import { clockBehind, raiseMark, ROLLBACK_TOLERANCE_MS } from '../../main/license/clock-guard';
import { EntitlementCache, type IncomingLicense } from '../../main/license/entitlement-cache';
import { CLOCK_ROLLED_BACK, MARK_MISSING, NO_LICENSE, STORE_UNREADABLE, STORE_UNWRITABLE, STORED_UNREADABLE } from '../../main/license/license-evaluation';
import { STORED_ITEMS } from '../../main/license/stored-items';
import { parseStored } from '../../main/license/stored-license';
import { claimsFor, FakeClock, ISSUER, makeIssuer, MemorySecretStore, randomAnchor, storedLicense, storedToken, storeLicense, T0, type TestIssuer } from './core-support';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const anchor = randomAnchor();
let issuer: TestIssuer;
let clock: FakeClock;
let secrets: MemorySecretStore;
let cache: EntitlementCache;

const fromServer = (token: string): IncomingLicense => ({ token, fromServer: true });
const newCache = () => new EntitlementCache({ secrets, trust: { pinnedJwks: issuer.jwks, issuer: ISSUER }, clock });

beforeEach(async () => {
  issuer ??= await makeIssuer();
  clock = new FakeClock();
  secrets = new MemorySecretStore();
  cache = newCache();
});

describe('clock guard', () => {
  it('trips when the clock is more than a day behind the latest local time seen, or the newest iat', () => {
    const mark = { seenAt: T0, iat: Math.floor((T0 - 5 * DAY) / 1000) };
    expect(clockBehind(T0 - ROLLBACK_TOLERANCE_MS + 1000, mark)).toBe(false);
    expect(clockBehind(T0 - ROLLBACK_TOLERANCE_MS - 1000, mark)).toBe(true);
    const byIat = { seenAt: 0, iat: Math.floor(T0 / 1000) };
    expect(clockBehind(T0 - ROLLBACK_TOLERANCE_MS - 1000, byIat)).toBe(true);
  });

  it('only ever raises the mark', () => {
    const mark = { seenAt: T0, iat: 1_000 };
    expect(raiseMark(mark, T0 - DAY, 900)).toEqual(mark);
    expect(raiseMark(mark, T0 + DAY, 2_000)).toEqual({ seenAt: T0 + DAY, iat: 2_000 });
    expect(raiseMark(null, T0, 5)).toEqual({ seenAt: T0, iat: 5 });
  });
});

describe('the stored license', () => {
  it('is Free with "No license on this machine" when nothing is stored', async () => {
    expect(await cache.evaluate(anchor)).toEqual({ tier: 'free', entitlement: null, reason: NO_LICENSE, needsOnlineCheck: false, transfer: null });
  });

  it('verifies the stored token offline, shows its summary, and raises the mark beside the token after answering', async () => {
    const claims = claimsFor(anchor, T0);
    const token = await issuer.sign(claims);
    await storeLicense(secrets, token);
    clock.advance(2 * HOUR);
    const evaluation = await cache.evaluate(anchor);
    expect(evaluation).toMatchObject({ tier: 'enterprise', reason: null, needsOnlineCheck: false });
    expect(evaluation.entitlement).toEqual({
      tier: 'enterprise', status: 'active', licenseId: 'lic_test1', planId: 'enterprise-lifetime', transactionId: '3AB12345CD678901E',
      paidThrough: null, issuedAt: new Date(claims.iat * 1000).toISOString(), expiresAt: new Date(claims.exp * 1000).toISOString(),
      subscription: null, details: null, unbound: null, why: null,
    });
    await expect.poll(async () => (await storedLicense(secrets))?.mark).toEqual({ seenAt: T0 + 2 * HOUR, iat: claims.iat });
    // One item: the mark cannot be dropped without dropping (or rewriting) the token with it.
    expect([...secrets.items.keys()]).toEqual([STORED_ITEMS.entitlement]);
  });

  it('gives Free with the reason for a token that fails verification', async () => {
    await storeLicense(secrets, await issuer.sign(claimsFor(randomAnchor(), T0)));
    const evaluation = await cache.evaluate(anchor);
    expect(evaluation.tier).toBe('free');
    expect(evaluation.reason).toMatch(/another machine/);
  });

  it('says so, without the store\'s own error text, when the store cannot be read', async () => {
    secrets.failReads = true;
    expect(await cache.evaluate(anchor)).toMatchObject({ tier: 'free', reason: STORE_UNREADABLE });
  });

  it('an item with no readable token is damaged, not a license', async () => {
    secrets.items.set(STORED_ITEMS.entitlement, '{"v":1,"token":42}');
    expect(await cache.evaluate(anchor)).toMatchObject({ tier: 'free', reason: STORED_UNREADABLE, needsOnlineCheck: false });
    expect(parseStored('not json')).toEqual({ kind: 'unreadable' });
  });
});

describe('clock rollback', () => {
  it('an older (even unexpired) Enterprise token put back under a set-back clock is not trusted: a refunded machine stays Free', async () => {
    // Bought at T0 - 10 days; refunded at T0: the machine holds the Free answer and has seen T0.
    const purchase = await issuer.sign(claimsFor(anchor, T0 - 10 * DAY, { exp: Math.floor((T0 + 30 * DAY) / 1000) }));
    const refunded = await issuer.sign(claimsFor(anchor, T0, { tier: 'free', status: 'refunded' }));
    await storeLicense(secrets, purchase, { seenAt: T0 - 10 * DAY, iat: Math.floor((T0 - 10 * DAY) / 1000) });
    expect((await cache.accept(fromServer(refunded), anchor)).ok).toBe(true);
    expect((await newCache().evaluate(anchor)).tier).toBe('free');

    // The older token is written back into the item (the mark beside it is kept), and the clock set back to
    // when that token was fresh. The token itself would verify at that time.
    const item = (await storedLicense(secrets))!;
    await storeLicense(secrets, purchase, item.mark);
    clock.set(T0 - 9 * DAY);
    expect(await newCache().evaluate(anchor)).toEqual({ tier: 'free', entitlement: null, reason: CLOCK_ROLLED_BACK, needsOnlineCheck: true, transfer: null });

    // Pasted or answered instead of stored: refused too, whatever the clock says, as older than one seen here.
    clock.set(T0 + HOUR);
    expect(await newCache().accept({ token: purchase, fromServer: false }, anchor)).toMatchObject({ ok: false, reason: expect.stringMatching(/older than one this app has already seen/) });
    expect(await storedToken(secrets)).toBe(purchase);
  });

  it('within a day of the mark the clock is trusted (time zones, a slightly wrong clock)', async () => {
    const token = await issuer.sign(claimsFor(anchor, T0 - 10 * DAY, { exp: Math.floor((T0 + 30 * DAY) / 1000) }));
    await storeLicense(secrets, token, { seenAt: T0, iat: Math.floor((T0 - 10 * DAY) / 1000) });
    clock.set(T0 - 12 * HOUR);
    expect((await cache.evaluate(anchor)).tier).toBe('enterprise');
  });

  it.each([
    ['deleted', (item: Record<string, unknown>) => void delete item.mark],
    ['garbled', (item: Record<string, unknown>) => void (item.mark = 'x7!')],
    ['half there', (item: Record<string, unknown>) => void (item.mark = { seenAt: T0 })],
    ['negative', (item: Record<string, unknown>) => void (item.mark = { seenAt: -1, iat: 5 })],
  ])('a mark that is %s: the token is not trusted until an online refresh succeeds', async (_what, damage) => {
    const token = await issuer.sign(claimsFor(anchor, T0));
    await storeLicense(secrets, token);
    const item = JSON.parse(secrets.items.get(STORED_ITEMS.entitlement)!) as Record<string, unknown>;
    damage(item);
    secrets.items.set(STORED_ITEMS.entitlement, JSON.stringify(item));

    const offline = await newCache().evaluate(anchor);
    expect(offline).toEqual({ tier: 'free', entitlement: null, reason: MARK_MISSING, needsOnlineCheck: true, transfer: null });
    // Still presented to the server, which confirms the license: trusted again, with a new mark beside it.
    const online = newCache();
    expect(await online.token()).toBe(token);
    const fresh = await issuer.sign(claimsFor(anchor, T0 + 1000));
    expect(await online.accept(fromServer(fresh), anchor)).toMatchObject({ ok: true, evaluation: { tier: 'enterprise' } });
    expect((await storedLicense(secrets))?.mark).toEqual({ seenAt: T0, iat: Math.floor((T0 + 1000) / 1000) });
    expect((await newCache().evaluate(anchor)).tier).toBe('enterprise');
  });

  it('a token stored by an earlier version (no mark beside it) waits for an online check too', async () => {
    secrets.items.set(STORED_ITEMS.entitlement, await issuer.sign(claimsFor(anchor, T0)));
    expect(await cache.evaluate(anchor)).toMatchObject({ tier: 'free', reason: MARK_MISSING, needsOnlineCheck: true });
  });
});

describe('adopting a token', () => {
  it('stores a fresh token only after it passes the same checks', async () => {
    const bad = await cache.accept(fromServer(await issuer.sign(claimsFor(randomAnchor(), T0))), anchor);
    expect(bad).toMatchObject({ ok: false, superseded: false });
    expect(secrets.items.has(STORED_ITEMS.entitlement)).toBe(false);
    const token = await issuer.sign(claimsFor(anchor, T0));
    const good = await cache.accept(fromServer(token), anchor);
    expect(good).toMatchObject({ ok: true, saveError: null, evaluation: { tier: 'enterprise' } });
    expect(await storedToken(secrets)).toBe(token);
    expect(await cache.token()).toBe(token);
    expect(cache.refreshedAt).toBe(T0);
  });

  it('keeps what the server said about the license beside the token, for the panel, and shows it after a restart', async () => {
    const token = await issuer.sign(claimsFor(anchor, T0));
    const license = {
      id: 'lic_test1', planId: 'enterprise-lifetime', status: 'active' as const, tier: 'enterprise' as const, transactionId: '3AB12345CD678901E',
      subscriptionId: null, paidThrough: null, accessEndsAt: null, planName: 'Enterprise (lifetime)', billing: { kind: 'one_time' as const },
      amount: '49.00', currency: 'USD', purchasedAt: '2026-01-15T12:00:00.000Z',
    };
    await cache.accept({ token, fromServer: true, license }, anchor);
    const details = (await newCache().evaluate(anchor)).entitlement?.details;
    expect(details).toEqual({ planName: 'Enterprise (lifetime)', billing: { kind: 'one_time' }, amount: '49.00', currency: 'USD', purchasedAt: '2026-01-15T12:00:00.000Z', subscriptionId: null, provider: null });
  });

  it('accepts a fresh answer although the local clock runs days behind the server, and keeps the guard for replays', async () => {
    clock.set(T0 - 5 * DAY);
    const fresh = await cache.accept(fromServer(await issuer.sign(claimsFor(anchor, T0))), anchor);
    expect(fresh.ok).toBe(true);
    const replay = await cache.accept(fromServer(await issuer.sign(claimsFor(anchor, T0 - 4 * DAY))), anchor);
    expect(replay).toMatchObject({ ok: false, reason: expect.stringMatching(/older than one this app has already seen/) });
  });

  it('drops an answer based on an older generation: a purchase that landed meanwhile wins', async () => {
    const before = cache.generation;
    const purchase = await issuer.sign(claimsFor(anchor, T0));
    expect((await cache.accept(fromServer(purchase), anchor)).ok).toBe(true);
    const lateRefresh = await cache.accept(fromServer(await issuer.sign(claimsFor(anchor, T0, { tier: 'free', status: 'pending' }))), anchor, before);
    expect(lateRefresh).toMatchObject({ ok: false, superseded: true });
    expect(await storedToken(secrets)).toBe(purchase);
  });

  it('keeps a verified token for the session when saving fails, and says so in words', async () => {
    secrets.failWrites = true;
    const token = await issuer.sign(claimsFor(anchor, T0));
    const result = await cache.accept(fromServer(token), anchor);
    expect(result).toMatchObject({ ok: true, saveError: STORE_UNWRITABLE });
    expect(await cache.token()).toBe(token);
  });
});
