// One signing key as stored on disk: an Ed25519 JWK (RFC 8037), private or public-only, named by its
// RFC 7638 thumbprint. Everything is checked before use so a wrong file fails at start, not at first signature.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import type { JwksResponse } from '../../common/api';
import { ENTITLEMENT_ALG } from '../../common/entitlement';

export type PublicSigningJwk = JwksResponse['keys'][number];

export const PRIVATE_KEY_SUFFIX = '.private.jwk.json';
/** Any `*.jwk.json` file is a key; `*.public.jwk.json` is the conventional name for a retired key's public half. */
export const KEY_FILE_SUFFIX = '.jwk.json';

export interface StoredKey {
  kid: string;
  publicJwk: PublicSigningJwk;
  /** The private scalar, base64url; null for a key kept only to verify tokens it signed earlier. */
  d: string | null;
  /** Epoch ms from the file's `created` member; null when absent (hand-made files). */
  created: number | null;
}

export type KeyFileParse = { ok: true; key: StoredKey } | { ok: false; detail: string };

/** The private-key file content `keys generate` writes; `created` is an extra JWK member (RFC 7517 §4 allows it). */
export function privateKeyFileContent(key: StoredKey & { d: string; created: number }): string {
  const file = { ...key.publicJwk, d: key.d, created: new Date(key.created).toISOString() };
  return `${JSON.stringify(file, null, 2)}\n`;
}

export async function parseKeyFile(text: string): Promise<KeyFileParse> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, detail: 'not a JWK object' };
  const jwk = value as Record<string, unknown>;
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return { ok: false, detail: 'not an Ed25519 key (kty OKP, crv Ed25519)' };
  if (!isKeyBytes(jwk.x)) return { ok: false, detail: '"x" is not 32 bytes of base64url' };
  if (jwk.d !== undefined && !isKeyBytes(jwk.d)) return { ok: false, detail: '"d" is not 32 bytes of base64url' };
  if (jwk.alg !== undefined && jwk.alg !== ENTITLEMENT_ALG) return { ok: false, detail: `"alg" must be ${ENTITLEMENT_ALG}` };
  if (jwk.use !== undefined && jwk.use !== 'sig') return { ok: false, detail: '"use" must be sig' };
  const x = jwk.x;
  const d = jwk.d === undefined ? null : jwk.d;
  if (d !== null && publicHalfOf(d, x) !== x) return { ok: false, detail: '"d" does not belong to "x"' };
  const kid = await calculateJwkThumbprint({ kty: 'OKP', crv: 'Ed25519', x });
  if (jwk.kid !== undefined && jwk.kid !== kid) return { ok: false, detail: `"kid" is not the key's RFC 7638 thumbprint ${kid}` };
  const created = jwk.created === undefined ? null : typeof jwk.created === 'string' ? Date.parse(jwk.created) : NaN;
  if (created !== null && !Number.isFinite(created)) return { ok: false, detail: '"created" is not an ISO date' };
  const publicJwk: PublicSigningJwk = { kty: 'OKP', crv: 'Ed25519', x, kid, alg: ENTITLEMENT_ALG, use: 'sig' };
  return { ok: true, key: { kid, publicJwk, d, created } };
}

function isKeyBytes(value: unknown): value is string {
  // Canonical base64url of exactly 32 bytes: re-encoding must give the same text.
  return typeof value === 'string' && Buffer.from(value, 'base64url').toString('base64url') === value && value.length === 43;
}

function publicHalfOf(d: string, x: string): string | undefined {
  const privateKey = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', x, d }, format: 'jwk' });
  return createPublicKey(privateKey).export({ format: 'jwk' }).x;
}
