// The signing key ring: every key file in the keys folder is published (so tokens signed before a rotation
// keep verifying), one private key signs. Rotation = `keys generate` (the newest key signs from the next
// start); retirement = replace a key's private file with its public half, or delete it once no token it
// signed can still be presented (see DEFAULT_REFRESH_MAX_AGE_SECONDS).
import { generateKeyPairSync } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, importJWK, type CryptoKey } from 'jose';
import { systemClock, type Clock } from '../../common/clock';
import { ENTITLEMENT_ALG } from '../../common/entitlement';
import {
  KEY_FILE_SUFFIX,
  PRIVATE_KEY_SUFFIX,
  parseKeyFile,
  privateKeyFileContent,
  type PublicSigningJwk,
  type StoredKey,
} from './key-file';

export type { PublicSigningJwk };

export interface KeyRing {
  /** The key that signs new entitlements; `development` when a development run generated it. */
  readonly active: { readonly kid: string; readonly privateKey: CryptoKey; readonly development: boolean };
  /** Every key, the active one first, then private before public-only, newest first: the JWKS. */
  readonly publicJwks: readonly PublicSigningJwk[];
  verificationKey(kid: string): CryptoKey | undefined;
  /** Kids of the development keys in the folder (production refuses to publish or sign with them). */
  readonly developmentKids: readonly string[];
}

export interface KeyRingOptions {
  /** Sign with this kid instead of the newest private key (e.g. to roll back a rotation). */
  activeKid?: string;
}

export type KeyRingErrorCode = 'keys_unreadable' | 'key_file_invalid' | 'no_signing_key' | 'active_key_unavailable';
export type KeyRingFailure = { ok: false; code: KeyRingErrorCode; detail: string };
export type KeyRingResult = { ok: true; ring: KeyRing } | KeyRingFailure;

interface DatedKey extends StoredKey {
  /** `created`, or the file's mtime for hand-made files without it. */
  datedAt: number;
}

export async function loadKeyRing(dir: string, options: KeyRingOptions = {}): Promise<KeyRingResult> {
  const read = await readKeyFiles(dir);
  if (!read.ok) return read;
  const keys = read.keys;
  const privateKeys = keys.filter((k) => k.d !== null);
  if (privateKeys.length === 0) {
    return { ok: false, code: 'no_signing_key', detail: `no private key in ${dir}; create one with \`hardbound-server keys generate\`` };
  }
  const activeKey = options.activeKid === undefined ? privateKeys[0] : privateKeys.find((k) => k.kid === options.activeKid);
  if (activeKey === undefined || activeKey.d === null) {
    const why = keys.some((k) => k.kid === options.activeKid) ? 'only its public half is' : 'it is not';
    return { ok: false, code: 'active_key_unavailable', detail: `signing key ${options.activeKid} was configured but ${why} in ${dir}` };
  }
  const privateKey = await importJWK({ ...activeKey.publicJwk, d: activeKey.d }, ENTITLEMENT_ALG, { extractable: false });
  const verificationKeys = new Map<string, CryptoKey>();
  for (const key of keys) verificationKeys.set(key.kid, await importJWK(key.publicJwk, ENTITLEMENT_ALG));
  const publicJwks = [activeKey, ...keys.filter((k) => k !== activeKey)].map((k) => ({ ...k.publicJwk }));
  return {
    ok: true,
    ring: {
      active: { kid: activeKey.kid, privateKey, development: activeKey.development },
      publicJwks,
      verificationKey: (kid) => verificationKeys.get(kid),
      developmentKids: keys.filter((k) => k.development).map((k) => k.kid),
    },
  };
}

/**
 * Creates a new Ed25519 signing key in `dir` (created 0700) as `<kid>.private.jwk.json` (0600) and returns
 * its public JWK. It becomes the active signer at the next load unless a kid is configured. `development`
 * marks the file as made by a development run, so that production can tell it apart.
 */
export async function generateSigningKey(dir: string, clock: Clock = systemClock, options: { development?: boolean } = {}): Promise<PublicSigningJwk> {
  const exported = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const { x, d } = exported;
  if (x === undefined || d === undefined) throw new Error('node:crypto exported an Ed25519 JWK without x or d');
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
  const publicJwk: PublicSigningJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: ENTITLEMENT_ALG, use: 'sig' };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Written under a dot-name the loader ignores, then renamed: a crash never leaves a half key file behind.
  const temporary = join(dir, `.${kid}.tmp`);
  const file = await open(temporary, 'wx', 0o600);
  try {
    await file.chmod(0o600); // the creation mode is filtered by umask; this makes it exact
    await file.writeFile(privateKeyFileContent({ kid, publicJwk, d, created: clock.now(), development: options.development === true }));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, join(dir, `${kid}${PRIVATE_KEY_SUFFIX}`));
  return publicJwk;
}

/**
 * First-start convenience of development mode: when `dir` holds no private key, generate one, marked as a
 * development key. `generated` carries its public JWK so the server can say so; a broken key file is
 * reported, never papered over.
 */
export async function ensureDevKeys(
  dir: string,
  options: KeyRingOptions & { clock?: Clock } = {},
): Promise<{ ok: true; ring: KeyRing; generated: PublicSigningJwk | null } | KeyRingFailure> {
  const read = await readKeyFiles(dir);
  if (!read.ok) return read;
  const generated = read.keys.some((k) => k.d !== null) ? null : await generateSigningKey(dir, options.clock, { development: true });
  const loaded = await loadKeyRing(dir, options);
  return loaded.ok ? { ...loaded, generated } : loaded;
}

/** All keys in `dir`, deduplicated by kid (a private copy wins), private and newest first. A missing dir is empty. */
async function readKeyFiles(dir: string): Promise<{ ok: true; keys: DatedKey[] } | KeyRingFailure> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { ok: true, keys: [] };
    return { ok: false, code: 'keys_unreadable', detail: `cannot list ${dir}: ${errorCode(error) ?? String(error)}` };
  }
  const byKid = new Map<string, DatedKey>();
  for (const name of names.filter((n) => n.endsWith(KEY_FILE_SUFFIX) && !n.startsWith('.')).sort()) {
    const path = join(dir, name);
    let text: string;
    let mtimeMs: number;
    try {
      [text, { mtimeMs }] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    } catch (error) {
      return { ok: false, code: 'keys_unreadable', detail: `cannot read ${path}: ${errorCode(error) ?? String(error)}` };
    }
    const parsed = await parseKeyFile(text);
    if (!parsed.ok) return { ok: false, code: 'key_file_invalid', detail: `${path}: ${parsed.detail}` };
    const known = byKid.get(parsed.key.kid);
    if (known === undefined || known.d === null) byKid.set(parsed.key.kid, { ...parsed.key, datedAt: parsed.key.created ?? mtimeMs });
  }
  const keys = [...byKid.values()].sort(
    (a, b) => Number(b.d !== null) - Number(a.d !== null) || b.datedAt - a.datedAt || a.kid.localeCompare(b.kid),
  );
  return { ok: true, keys };
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
