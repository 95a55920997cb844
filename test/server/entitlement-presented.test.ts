// POST /v1/entitlements/refresh's check of the presented token: ours, EdDSA only, bound to the anchor, and
// accepted past `exp` up to the maximum age.
import { createHmac, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CompactSign, createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENTITLEMENT_AUDIENCE, ENTITLEMENT_TYP, type EntitlementClaims } from '../../common/entitlement';
import {
  DEFAULT_REFRESH_MAX_AGE_SECONDS,
  generateSigningKey,
  issueEntitlement,
  jwksResponse,
  verifyPresentedEntitlement,
  type EntitlementAuthority,
  type PresentedVerdict,
  type PublicSigningJwk,
} from '../../server/entitlements/index';
import { DAY_MS, fixedClock, grantFor, ISSUER, mustLoad, randomAnchor, T0, tempFolder } from './entitlement-support';

let dir: string;
let cleanup: () => Promise<void>;
let authority: EntitlementAuthority;
let signerJwk: PublicSigningJwk;
let anchor: string;
let genuine: { token: string; claims: EntitlementClaims };

beforeEach(async () => {
  ({ dir, cleanup } = await tempFolder());
  signerJwk = await generateSigningKey(dir, fixedClock());
  authority = { keyRing: await mustLoad(dir), issuer: ISSUER };
  anchor = randomAnchor();
  genuine = await issueEntitlement(authority, grantFor(anchor), { now: T0, expiresAt: T0 + 14 * DAY_MS });
});
afterEach(() => cleanup());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const check = (token: string, at = T0, presentedAnchor = anchor, maxAgeSeconds?: number): Promise<PresentedVerdict> =>
  verifyPresentedEntitlement(authority, { token, anchor: presentedAnchor }, maxAgeSeconds === undefined ? { now: at } : { now: at, maxAgeSeconds });
const header = () => ({ alg: 'EdDSA', kid: authority.keyRing.active.kid, typ: ENTITLEMENT_TYP });

/** Signed with our real private key: whatever is rejected is rejected for its content, not its signature. */
async function ourSignature(protectedHeader: Record<string, unknown>, payload: unknown): Promise<string> {
  return new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', ...protectedHeader })
    .sign(authority.keyRing.active.privateKey);
}

function rejected(detail: RegExp, code: 'token_invalid' | 'anchor_mismatch' = 'token_invalid') {
  return { ok: false, code, detail: expect.stringMatching(detail) };
}

describe('verifyPresentedEntitlement accepts', () => {
  it('a token we issued for this anchor, returning its claims', async () => {
    expect(await check(genuine.token)).toEqual({ ok: true, claims: genuine.claims });
  });

  it('a token long past exp, up to the maximum age since iat, because an offline app must be able to come back', async () => {
    const clock = fixedClock();
    clock.advance(90 * DAY_MS);
    const asTheAppSeesIt = jwtVerify(genuine.token, createLocalJWKSet(jwksResponse(authority.keyRing)), { currentDate: new Date(clock.now()) });
    await expect(asTheAppSeesIt).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(await check(genuine.token, clock.now())).toEqual({ ok: true, claims: genuine.claims });

    const lastSecond = T0 + DEFAULT_REFRESH_MAX_AGE_SECONDS * 1000;
    expect(await check(genuine.token, lastSecond)).toMatchObject({ ok: true });
    expect(await check(genuine.token, lastSecond + 1000)).toEqual(rejected(/too old to refresh/));
  });

  it('with a configured maximum age', async () => {
    expect(await check(genuine.token, T0 + 30 * DAY_MS, anchor, 30 * 86_400)).toMatchObject({ ok: true });
    expect(await check(genuine.token, T0 + 30 * DAY_MS + 1000, anchor, 30 * 86_400)).toEqual(rejected(/too old/));
  });

  it('a token of a rotated-out key, also once only its public half is kept', async () => {
    const newer = await generateSigningKey(dir, fixedClock(T0 + DAY_MS));
    const privatePath = join(dir, `${signerJwk.kid}.private.jwk.json`);
    const { d: _d, ...publicHalf } = JSON.parse(await readFile(privatePath, 'utf8')) as Record<string, unknown>;
    await writeFile(privatePath, JSON.stringify(publicHalf));
    authority = { keyRing: await mustLoad(dir), issuer: ISSUER };
    expect(authority.keyRing.active.kid).toBe(newer.kid);
    expect(await check(genuine.token)).toEqual({ ok: true, claims: genuine.claims });
  });
});

describe('verifyPresentedEntitlement rejects', () => {
  it('another anchor as anchor_mismatch', async () => {
    expect(await check(genuine.token, T0, randomAnchor())).toEqual(rejected(/another anchor/, 'anchor_mismatch'));
  });

  it('a tampered payload', async () => {
    const free = await issueEntitlement(authority, grantFor(anchor, { tier: 'free', status: 'refunded' }), { now: T0, expiresAt: T0 + DAY_MS });
    const [h, , s] = free.token.split('.');
    const upgraded = b64({ ...free.claims, tier: 'enterprise', status: 'active' });
    expect(await check(`${h}.${upgraded}.${s}`)).toEqual(rejected(/signature check failed/));
  });

  it('a tampered signature', async () => {
    const [h, p, s = ''] = genuine.token.split('.');
    const bytes = Buffer.from(s, 'base64url');
    bytes[10] = (bytes[10] ?? 0) ^ 0x01;
    expect(await check(`${h}.${p}.${bytes.toString('base64url')}`)).toEqual(rejected(/signature check failed/));
  });

  it('a token signed by a foreign Ed25519 key that claims our kid', async () => {
    const foreign = generateKeyPairSync('ed25519').privateKey;
    const forged = await new CompactSign(Buffer.from(JSON.stringify(genuine.claims))).setProtectedHeader(header()).sign(foreign);
    expect(await check(forged)).toEqual(rejected(/signature check failed/));
  });

  it('a kid we do not have, or none', async () => {
    expect(await check(await ourSignature({ ...header(), kid: 'someone-elses' }, genuine.claims))).toEqual(rejected(/not ours/));
    const { kid: _kid, ...withoutKid } = header();
    expect(await check(await ourSignature(withoutKid, genuine.claims))).toEqual(rejected(/no kid/));
  });

  it('alg none', async () => {
    const unsecured = `${b64({ ...header(), alg: 'none' })}.${b64(genuine.claims)}.`;
    expect(await check(unsecured)).toEqual(rejected(/alg must be EdDSA/));
  });

  describe('HS256 keyed with our public key (algorithm confusion)', () => {
    const secrets: Array<[string, () => Buffer | string]> = [
      ['raw public key bytes', () => Buffer.from(signerJwk.x, 'base64url')],
      ['the public JWK as JSON', () => JSON.stringify(signerJwk)],
      ['the SPKI PEM', () => publicKeyObject(signerJwk).export({ type: 'spki', format: 'pem' })],
    ];
    it.each(secrets)('%s', async (_name, secret) => {
      const signingInput = `${b64({ ...header(), alg: 'HS256' })}.${b64(genuine.claims)}`;
      const mac = createHmac('sha256', secret()).update(signingInput).digest('base64url');
      const forged = `${signingInput}.${mac}`;
      // A well-formed HS256 JWT: a verifier that let the header choose the algorithm would accept it.
      await expect(jwtVerify(forged, new Uint8Array(Buffer.from(secret())), { currentDate: new Date(T0) })).resolves.toBeDefined();
      expect(await check(forged)).toEqual(rejected(/alg must be EdDSA/));
    });
  });

  it('RS256 with our kid', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await new CompactSign(Buffer.from(JSON.stringify(genuine.claims))).setProtectedHeader({ ...header(), alg: 'RS256' }).sign(rsa);
    expect(await check(forged)).toEqual(rejected(/alg must be EdDSA/));
  });

  it('another typ, even with our signature', async () => {
    expect(await check(await ourSignature({ ...header(), typ: 'JWT' }, genuine.claims))).toEqual(rejected(/typ must be/));
    const { typ: _typ, ...withoutTyp } = header();
    expect(await check(await ourSignature(withoutTyp, genuine.claims))).toEqual(rejected(/typ must be/));
  });

  it('another issuer or audience, even with our signature', async () => {
    expect(await check(await ourSignature(header(), { ...genuine.claims, iss: 'https://evil.test' }))).toEqual(rejected(/issuer/));
    expect(await check(await ourSignature(header(), { ...genuine.claims, aud: 'another-app' }))).toEqual(rejected(/audience/));
    expect(await check(await ourSignature(header(), { ...genuine.claims, aud: [ENTITLEMENT_AUDIENCE] }))).toEqual(rejected(/not an entitlement/));
  });

  it('a payload that is not an entitlement, even with our signature', async () => {
    const { lic: _lic, ...noLicense } = genuine.claims;
    const cases: unknown[] = [noLicense, { ...genuine.claims, tier: 'platinum' }, { ...genuine.claims, exp: '2030' }, { ...genuine.claims, ptd: -1 }, [genuine.claims], 'text'];
    for (const payload of cases) expect(await check(await ourSignature(header(), payload))).toEqual(rejected(/not an entitlement/));
    const notJson = await new CompactSign(Buffer.from('not json')).setProtectedHeader(header()).sign(authority.keyRing.active.privateKey);
    expect(await check(notJson)).toEqual(rejected(/not JSON/));
  });

  it('header members beyond alg, kid and typ', async () => {
    const embedded = await ourSignature({ ...header(), jwk: signerJwk }, genuine.claims);
    expect(await check(embedded)).toEqual(rejected(/unexpected header members: jwk/));
  });

  it('a token issued in the future beyond the clock skew', async () => {
    const later = await issueEntitlement(authority, grantFor(anchor), { now: T0 + 61_000, expiresAt: T0 + DAY_MS });
    expect(await check(later.token, T0)).toEqual(rejected(/future/));
    const withinSkew = await issueEntitlement(authority, grantFor(anchor), { now: T0 + 60_000, expiresAt: T0 + DAY_MS });
    expect(await check(withinSkew.token, T0)).toMatchObject({ ok: true });
  });

  it('garbage and oversized input', async () => {
    for (const token of ['', 'abc', 'a.b.c', `${genuine.token}.x.y`, `${'A'.repeat(5000)}.${'A'.repeat(10)}.A`]) {
      expect(await check(token)).toMatchObject({ ok: false, code: 'token_invalid' });
    }
    expect(await check(null as unknown as string)).toMatchObject({ ok: false, code: 'token_invalid' });
  });
});

function publicKeyObject(jwk: PublicSigningJwk): KeyObject {
  return createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x }, format: 'jwk' });
}
