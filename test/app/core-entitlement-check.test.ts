import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ENTITLEMENT_TYP } from '../../common/entitlement';
import { verifyEntitlement, type EntitlementVerdict, type RejectionCode } from '../../main/license/entitlement-check';
import { claimsFor, ISSUER, makeIssuer, randomAnchor, T0, type TestIssuer } from './core-support';

let issuer: TestIssuer;
const anchor = randomAnchor();
const verify = (token: string, now = T0, a = anchor) => verifyEntitlement(token, { trust: { pinnedJwks: issuer.jwks, issuer: ISSUER }, anchor: a, now });

beforeAll(async () => {
  issuer = await makeIssuer();
});

function rejection(verdict: EntitlementVerdict): RejectionCode {
  if (verdict.ok) throw new Error('expected a rejection');
  expect(verdict.reason.length).toBeGreaterThan(10);
  return verdict.code;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('offline entitlement check', () => {
  it('accepts a token the pinned key signed for this anchor and returns its claims', async () => {
    const claims = claimsFor(anchor, T0, { ptd: Math.floor(T0 / 1000) + 86400 });
    const verdict = await verify(await issuer.sign(claims));
    expect(verdict).toEqual({ ok: true, claims });
  });

  it('accepts a Free entitlement (a refund) just the same: the tier is what it says', async () => {
    const verdict = await verify(await issuer.sign(claimsFor(anchor, T0, { tier: 'free', status: 'refunded' })));
    expect(verdict.ok && verdict.claims.tier).toBe('free');
  });

  it('refuses a tampered payload (Free rewritten to Enterprise, signature kept)', async () => {
    const token = await issuer.sign(claimsFor(anchor, T0, { tier: 'free', status: 'refunded' }));
    const [header, , signature] = token.split('.');
    const forged = `${header}.${b64(claimsFor(anchor, T0))}.${signature}`;
    expect(rejection(await verify(forged))).toBe('bad_signature');
  });

  it('refuses a token signed by a foreign key under our kid, and one under an unknown kid', async () => {
    const foreign = await makeIssuer(issuer.kid);
    expect(rejection(await verify(await foreign.sign(claimsFor(anchor, T0))))).toBe('bad_signature');
    const stranger = await makeIssuer('someone-else');
    expect(rejection(await verify(await stranger.sign(claimsFor(anchor, T0))))).toBe('unknown_key');
  });

  it("refuses another machine's token", async () => {
    const token = await issuer.sign(claimsFor(randomAnchor(), T0));
    expect(rejection(await verify(token))).toBe('wrong_anchor');
  });

  it('refuses an expired token, with a minute of skew allowed', async () => {
    const token = await issuer.sign(claimsFor(anchor, T0, { exp: Math.floor(T0 / 1000) + 3600 }));
    expect((await verify(token, T0 + 3600_000 + 30_000)).ok).toBe(true);
    expect(rejection(await verify(token, T0 + 3600_000 + 120_000))).toBe('expired');
  });

  it('refuses a token that is not valid yet (nbf ahead by more than the skew)', async () => {
    const token = await issuer.sign(claimsFor(anchor, T0));
    expect((await verify(token, T0 - 90_000)).ok).toBe(true); // nbf = iat - 60 s, plus 60 s skew
    expect(rejection(await verify(token, T0 - 3 * 3600_000))).toBe('not_yet_valid');
  });

  it('refuses alg "none"', async () => {
    const unsigned = `${b64({ alg: 'none', typ: ENTITLEMENT_TYP })}.${b64(claimsFor(anchor, T0))}.`;
    expect(rejection(await verify(unsigned))).toBe('algorithm_not_allowed');
  });

  it('refuses HS256 "signed" with the public key (key confusion), in both forms of that key', async () => {
    const x = issuer.jwks.keys[0]!.x!;
    for (const secret of [Buffer.from(x, 'base64url'), Buffer.from(JSON.stringify(issuer.jwks.keys[0]))]) {
      const token = await new SignJWT({ ...claimsFor(anchor, T0) })
        .setProtectedHeader({ alg: 'HS256', kid: issuer.kid, typ: ENTITLEMENT_TYP })
        .sign(secret);
      expect(rejection(await verify(token))).toBe('algorithm_not_allowed');
    }
  });

  it('refuses another JWT type, issuer or audience signed by the very same key', async () => {
    expect(rejection(await verify(await issuer.sign(claimsFor(anchor, T0), { typ: 'JWT' })))).toBe('wrong_type');
    expect(rejection(await verify(await issuer.sign(claimsFor(anchor, T0, { iss: 'elsewhere' }))))).toBe('wrong_issuer');
    expect(rejection(await verify(await issuer.sign(claimsFor(anchor, T0, { aud: 'other-app' }))))).toBe('wrong_audience');
  });

  it('refuses a signed payload without the contract shape', async () => {
    const { tier: _tier, ...noTier } = claimsFor(anchor, T0);
    expect(rejection(await verify(await issuer.sign(noTier as never)))).toBe('bad_claims');
    expect(rejection(await verify(await issuer.sign(claimsFor(anchor, T0, { tier: 'platinum' as never }))))).toBe('bad_claims');
    const { exp: _exp, ...noExpiry } = claimsFor(anchor, T0);
    expect(rejection(await verify(await issuer.sign(noExpiry as never)))).toBe('bad_claims');
  });

  it('refuses what is not a JWS at all', async () => {
    expect(rejection(await verify('not-a-token'))).toBe('malformed');
    expect(rejection(await verify(''))).toBe('malformed');
  });
});
