// Issue → verify as the app will: jose's own jwtVerify against the published JWKS, algorithm pinned.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTVerifyOptions } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JwksResponse } from '../../common/api';
import { ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP } from '../../common/entitlement';
import { CLOCK_SKEW_SECONDS, generateSigningKey, issueEntitlement, jwksResponse } from '../../server/entitlements/index';
import { DAY_MS, fixedClock, grantFor, ISSUER, mustLoad, randomAnchor, T0, tempFolder } from './entitlement-support';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempFolder());
});
afterEach(() => cleanup());

function appVerify(token: string, jwks: JwksResponse, anchor: string, at: number) {
  const options: JWTVerifyOptions = {
    algorithms: ['EdDSA'],
    typ: ENTITLEMENT_TYP,
    issuer: ISSUER,
    audience: ENTITLEMENT_AUDIENCE,
    subject: anchor,
    currentDate: new Date(at),
  };
  return jwtVerify(token, createLocalJWKSet(jwks), options);
}

describe('issueEntitlement', () => {
  it('signs a token the app verifies against the JWKS, carrying exactly the claims returned', async () => {
    await generateSigningKey(dir);
    const keyRing = await mustLoad(dir);
    const clock = fixedClock();
    const anchor = randomAnchor();
    const now = clock.now() + 789; // a fraction of a second: NumericDate rounds down
    const { token, claims } = await issueEntitlement({ keyRing, issuer: ISSUER }, grantFor(anchor), { now, expiresAt: now + 14 * DAY_MS });

    const iat = Math.floor(T0 / 1000);
    expect(claims).toEqual({
      iss: ISSUER,
      aud: ENTITLEMENT_AUDIENCE,
      sub: anchor,
      tier: 'enterprise',
      lic: 'lic_01J0TEST',
      txn: '3C679366HH908993F',
      status: 'active',
      plan: 'enterprise-lifetime',
      iat,
      nbf: iat - CLOCK_SKEW_SECONDS,
      exp: iat + 14 * 86_400,
    });
    const verified = await appVerify(token, jwksResponse(keyRing), anchor, now);
    expect(verified.payload).toEqual(claims);
    expect(verified.protectedHeader).toEqual({ alg: 'EdDSA', kid: keyRing.active.kid, typ: ENTITLEMENT_TYP });
  });

  it('puts only alg, kid and typ in the protected header', async () => {
    await generateSigningKey(dir);
    const keyRing = await mustLoad(dir);
    const { token } = await issueEntitlement({ keyRing, issuer: ISSUER }, grantFor(randomAnchor()), { now: T0, expiresAt: T0 + DAY_MS });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: keyRing.active.kid, typ: 'hardbound-entitlement+jwt' });
  });

  it('carries the paid-through date only for subscriptions', async () => {
    await generateSigningKey(dir);
    const keyRing = await mustLoad(dir);
    const anchor = randomAnchor();
    const ptd = Math.floor(T0 / 1000) + 30 * 86_400;
    const times = { now: T0, expiresAt: T0 + DAY_MS };
    const sub = await issueEntitlement({ keyRing, issuer: ISSUER }, grantFor(anchor, { ptd, plan: 'enterprise-monthly' }), times);
    const once = await issueEntitlement({ keyRing, issuer: ISSUER }, grantFor(anchor), times);
    expect((await appVerify(sub.token, jwksResponse(keyRing), anchor, T0)).payload.ptd).toBe(ptd);
    expect('ptd' in (await appVerify(once.token, jwksResponse(keyRing), anchor, T0)).payload).toBe(false);
    expect('ptd' in once.claims).toBe(false);
  });

  it('is usable at once by an app whose clock is up to the skew behind, and not after exp', async () => {
    await generateSigningKey(dir);
    const keyRing = await mustLoad(dir);
    const anchor = randomAnchor();
    const { token } = await issueEntitlement({ keyRing, issuer: ISSUER }, grantFor(anchor), { now: T0, expiresAt: T0 + DAY_MS });
    const jwks = jwksResponse(keyRing);
    await expect(appVerify(token, jwks, anchor, T0 - CLOCK_SKEW_SECONDS * 1000)).resolves.toBeDefined();
    await expect(appVerify(token, jwks, anchor, T0 - (CLOCK_SKEW_SECONDS + 1) * 1000)).rejects.toMatchObject({ code: 'ERR_JWT_CLAIM_VALIDATION_FAILED', claim: 'nbf' });
    await expect(appVerify(token, jwks, anchor, T0 + DAY_MS - 1000)).resolves.toBeDefined();
    await expect(appVerify(token, jwks, anchor, T0 + DAY_MS)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
  });

  it('refuses an expiry that is not after the issue time', async () => {
    await generateSigningKey(dir);
    const authority = { keyRing: await mustLoad(dir), issuer: ISSUER };
    await expect(issueEntitlement(authority, grantFor(randomAnchor()), { now: T0, expiresAt: T0 })).rejects.toThrow(RangeError);
    await expect(issueEntitlement(authority, grantFor(randomAnchor()), { now: T0, expiresAt: NaN })).rejects.toThrow(RangeError);
  });

  it('after a rotation signs with the new key while tokens of the old one still verify', async () => {
    await generateSigningKey(dir, fixedClock(T0));
    const before = await mustLoad(dir);
    const anchor = randomAnchor();
    const times = { now: T0, expiresAt: T0 + DAY_MS };
    const old = await issueEntitlement({ keyRing: before, issuer: ISSUER }, grantFor(anchor), times);

    const added = await generateSigningKey(dir, fixedClock(T0 + 1000));
    const after = await mustLoad(dir);
    const fresh = await issueEntitlement({ keyRing: after, issuer: ISSUER }, grantFor(anchor), times);
    expect(decodeProtectedHeader(fresh.token).kid).toBe(added.kid);
    expect(decodeProtectedHeader(old.token).kid).toBe(before.active.kid);
    expect(added.kid).not.toBe(before.active.kid);

    const jwks = jwksResponse(after);
    await expect(appVerify(old.token, jwks, anchor, T0)).resolves.toBeDefined();
    await expect(appVerify(fresh.token, jwks, anchor, T0)).resolves.toBeDefined();
    // The app with only the old JWKS cannot verify the new key's tokens: keys must ship before they sign.
    await expect(appVerify(fresh.token, jwksResponse(before), anchor, T0)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });
});

describe('jwksResponse', () => {
  it('publishes every public key, signer first, with no private part', async () => {
    const first = await generateSigningKey(dir, fixedClock(T0));
    const second = await generateSigningKey(dir, fixedClock(T0 + 1000));
    const body = jwksResponse(await mustLoad(dir));
    expect(body).toEqual({ keys: [second, first] });
    for (const key of body.keys) expect(Object.keys(key).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(JSON.stringify(body)).not.toMatch(/"d"/);
  });
});
