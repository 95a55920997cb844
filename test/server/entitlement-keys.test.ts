import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDevKeys, generateSigningKey, loadKeyRing } from '../../server/entitlements/index';
import { fixedClock, mustLoad, T0, tempFolder } from './entitlement-support';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ dir, cleanup } = await tempFolder());
});
afterEach(() => cleanup());

const HOUR = 3_600_000;

async function privateFile(kid: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(dir, `${kid}.private.jwk.json`), 'utf8')) as Record<string, unknown>;
}

async function publicOnly(kid: string): Promise<void> {
  const { d: _d, ...rest } = await privateFile(kid);
  await writeFile(join(dir, `${kid}.private.jwk.json`), JSON.stringify(rest));
}

/** The same 32 bytes spelled with unused low bits set in the last character: decodes, but is not canonical. */
function nonCanonical(x: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return `${x.slice(0, -1)}${alphabet[alphabet.indexOf(x.slice(-1)) + 1]}`;
}

describe('generateSigningKey', () => {
  it('creates the folder 0700 and the private key file 0600, named by the RFC 7638 thumbprint', async () => {
    const jwk = await generateSigningKey(dir, fixedClock());
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    const file = join(dir, `${jwk.kid}.private.jwk.json`);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([`${jwk.kid}.private.jwk.json`]);
    expect(jwk.kid).toBe(await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: jwk.x }));
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    const stored = await privateFile(jwk.kid);
    expect(stored).toMatchObject({ ...jwk, created: new Date(T0).toISOString() });
    expect(typeof stored.d).toBe('string');
  });

  it('makes a different key each time', async () => {
    const a = await generateSigningKey(dir);
    const b = await generateSigningKey(dir);
    expect(a.kid).not.toBe(b.kid);
    expect((await readdir(dir)).sort()).toEqual([`${a.kid}.private.jwk.json`, `${b.kid}.private.jwk.json`].sort());
  });
});

describe('ensureDevKeys', () => {
  it('generates a key on first start only, and says so', async () => {
    const first = await ensureDevKeys(dir, { clock: fixedClock() });
    if (!first.ok) throw new Error(first.detail);
    expect(first.generated).not.toBeNull();
    expect(first.ring.active.kid).toBe(first.generated?.kid);

    const second = await ensureDevKeys(dir);
    if (!second.ok) throw new Error(second.detail);
    expect(second.generated).toBeNull();
    expect(second.ring.active.kid).toBe(first.ring.active.kid);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('generates a signer when only public keys are left, keeping them published', async () => {
    const old = await generateSigningKey(dir, fixedClock());
    await publicOnly(old.kid);
    const result = await ensureDevKeys(dir, { clock: fixedClock(T0 + HOUR) });
    if (!result.ok) throw new Error(result.detail);
    expect(result.generated).not.toBeNull();
    expect(result.ring.publicJwks.map((k) => k.kid)).toEqual([result.generated?.kid, old.kid]);
  });

  it('marks the key it generates as a development key, so that production can tell it from `keys generate`', async () => {
    const generated = await ensureDevKeys(dir, { clock: fixedClock() });
    if (!generated.ok || !generated.generated) throw new Error('expected a generated key');
    expect(await privateFile(generated.generated.kid)).toMatchObject({ hardbound_development: true });
    expect(generated.ring.active.development).toBe(true);
    expect(generated.ring.developmentKids).toEqual([generated.generated.kid]);

    const made = await generateSigningKey(dir, fixedClock(T0 + HOUR));
    expect(await privateFile(made.kid)).not.toHaveProperty('hardbound_development');
    const ring = await mustLoad(dir);
    expect(ring.active).toMatchObject({ kid: made.kid, development: false });
    expect(ring.developmentKids).toEqual([generated.generated.kid]);
    // The marker is part of the file's checked format: anything but true is refused.
    await writeFile(join(dir, `${made.kid}.private.jwk.json`), JSON.stringify({ ...(await privateFile(made.kid)), hardbound_development: 'no' }));
    expect(await loadKeyRing(dir)).toMatchObject({ ok: false, code: 'key_file_invalid' });
  });

  it('reports a broken key file instead of generating around it', async () => {
    await generateSigningKey(dir);
    await writeFile(join(dir, 'broken.private.jwk.json'), '{"kty":');
    const result = await ensureDevKeys(dir);
    expect(result).toMatchObject({ ok: false, code: 'key_file_invalid' });
    expect(await readdir(dir)).toHaveLength(2);
  });
});

describe('loadKeyRing', () => {
  it('signs with the newest key and publishes every key (rotation)', async () => {
    const older = await generateSigningKey(dir, fixedClock(T0));
    const newer = await generateSigningKey(dir, fixedClock(T0 + HOUR));
    const ring = await mustLoad(dir);
    expect(ring.active.kid).toBe(newer.kid);
    expect(ring.publicJwks).toEqual([newer, older]);
    expect(ring.verificationKey(older.kid)).toBeDefined();
    expect(ring.verificationKey(newer.kid)).toBeDefined();
    expect(ring.verificationKey('unknown')).toBeUndefined();
  });

  it('signs with the configured kid when one is given', async () => {
    const older = await generateSigningKey(dir, fixedClock(T0));
    const newer = await generateSigningKey(dir, fixedClock(T0 + HOUR));
    const ring = await mustLoad(dir, older.kid);
    expect(ring.active.kid).toBe(older.kid);
    expect(ring.publicJwks.map((k) => k.kid)).toEqual([older.kid, newer.kid]);
  });

  it('keeps a public-only key for verification and never signs with it', async () => {
    const retired = await generateSigningKey(dir, fixedClock(T0 + HOUR));
    const current = await generateSigningKey(dir, fixedClock(T0));
    await publicOnly(retired.kid);
    const ring = await mustLoad(dir);
    expect(ring.active.kid).toBe(current.kid);
    expect(ring.publicJwks).toEqual([current, retired]);
    expect(ring.verificationKey(retired.kid)).toBeDefined();
  });

  it('accepts a public key under the *.public.jwk.json name, and a private copy of the same key wins', async () => {
    const key = await generateSigningKey(dir);
    await writeFile(join(dir, `${key.kid}.public.jwk.json`), JSON.stringify(key));
    const ring = await mustLoad(dir);
    expect(ring.active.kid).toBe(key.kid);
    expect(ring.publicJwks).toEqual([key]);
  });

  it('dates a hand-made key without "created" by its file time', async () => {
    const generated = await generateSigningKey(dir, fixedClock(T0));
    const { privateKey } = generateKeyPairSync('ed25519');
    const handMade = privateKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x: handMade.x ?? '' });
    const path = join(dir, 'hand-made.private.jwk.json');
    await writeFile(path, JSON.stringify(handMade));

    await utimes(path, new Date(T0 + HOUR), new Date(T0 + HOUR));
    expect((await mustLoad(dir)).active.kid).toBe(kid);
    await utimes(path, new Date(T0 - HOUR), new Date(T0 - HOUR));
    expect((await mustLoad(dir)).active.kid).toBe(generated.kid);
  });

  it('ignores dot-files and files that are not *.jwk.json', async () => {
    const key = await generateSigningKey(dir);
    await writeFile(join(dir, '.half-written.tmp'), 'garbage');
    await writeFile(join(dir, '.hidden.private.jwk.json'), 'garbage');
    await writeFile(join(dir, 'README.txt'), 'garbage');
    expect((await mustLoad(dir)).active.kid).toBe(key.kid);
  });

  it('reports a missing folder or one with only public keys as having no signing key', async () => {
    expect(await loadKeyRing(dir)).toMatchObject({ ok: false, code: 'no_signing_key' });
    const key = await generateSigningKey(dir);
    await publicOnly(key.kid);
    expect(await loadKeyRing(dir)).toMatchObject({ ok: false, code: 'no_signing_key' });
  });

  it('reports a configured kid that is missing or public-only', async () => {
    const key = await generateSigningKey(dir);
    const missing = await loadKeyRing(dir, { activeKid: 'no-such-kid' });
    expect(missing).toMatchObject({ ok: false, code: 'active_key_unavailable' });
    const other = await generateSigningKey(dir);
    await publicOnly(key.kid);
    const publicOnlyActive = await loadKeyRing(dir, { activeKid: key.kid });
    expect(publicOnlyActive).toMatchObject({ ok: false, code: 'active_key_unavailable', detail: expect.stringContaining('public half') });
    expect((await mustLoad(dir)).active.kid).toBe(other.kid);
  });

  describe('rejects a bad key file, naming it', () => {
    const cases: Array<[string, (good: Record<string, unknown>) => unknown, string]> = [
      ['not JSON', () => '{', 'not JSON'],
      ['an array', () => [], 'not a JWK object'],
      ['not Ed25519', (good) => ({ ...good, crv: 'Ed448' }), 'not an Ed25519 key'],
      ['an RSA key', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' }), 'not an Ed25519 key'],
      ['short x', (good) => ({ ...good, x: 'AAAA' }), '"x" is not 32 bytes'],
      ['non-canonical x', (good) => ({ ...good, x: nonCanonical(String(good.x)) }), '"x" is not 32 bytes'],
      ['d of another key', (good) => ({ ...good, d: generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }).d }), '"d" does not belong'],
      ['a kid that is not the thumbprint', (good) => ({ ...good, kid: 'my-key' }), 'thumbprint'],
      ['another alg', (good) => ({ ...good, alg: 'ES256' }), '"alg" must be EdDSA'],
      ['use enc', (good) => ({ ...good, use: 'enc' }), '"use" must be sig'],
      ['a bad created date', (good) => ({ ...good, created: 'yesterday' }), '"created"'],
    ];
    it.each(cases)('%s', async (_name, mutate, why) => {
      const key = await generateSigningKey(dir);
      const path = join(dir, `${key.kid}.private.jwk.json`);
      const bad = mutate(await privateFile(key.kid));
      await writeFile(path, typeof bad === 'string' ? bad : JSON.stringify(bad));
      const result = await loadKeyRing(dir);
      expect(result).toMatchObject({ ok: false, code: 'key_file_invalid', detail: expect.stringContaining(path) });
      expect(result).toMatchObject({ detail: expect.stringContaining(why) });
    });
  });
});
