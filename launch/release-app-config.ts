// `hardbound-server app-config`: writes what a packaged app reads (build/hardbound.config.json) from the
// deployed server's own JWKS, so the keys a release pins are exactly the ones that server signs with. The app
// salt is the vendor's for good: kept from the file when it has one, generated once otherwise.
import { randomBytes } from 'node:crypto';
import { Value } from 'typebox/value';
import { API_PATHS, JwksResponse } from '../common/api';
import { DEMO_APP_SALT } from '../common/demo-values';

export interface ReleaseAppConfig {
  serverUrl: string;
  issuer: string;
  appSalt: string;
  pinnedJwks: JwksResponse;
  checkoutOrigins: string[];
}

export interface ReleaseAppConfigInput {
  serverUrl: string;
  issuer: string;
  /** --app-salt; else the existing file's; else a new one. */
  appSalt: string | null;
  /** The config file there already, if any (its salt is kept). */
  existingText: string | null;
  fetch?: typeof globalThis.fetch;
}

export type ReleaseAppConfigResult =
  | { ok: true; config: ReleaseAppConfig; saltSource: 'given' | 'kept' | 'generated' }
  | { ok: false; problem: string };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function releaseAppConfig(input: ReleaseAppConfigInput): Promise<ReleaseAppConfigResult> {
  let url: URL;
  try {
    url = new URL(input.serverUrl);
  } catch {
    return { ok: false, problem: `--server-url "${input.serverUrl}" is not a URL` };
  }
  // http only to a server on this machine (a dry run against a development server); never in a release.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    return { ok: false, problem: `--server-url must be https (a packaged app refuses anything else), got ${url.protocol}//${url.host}` };
  }
  const serverUrl = input.serverUrl.replace(/\/+$/, '');
  const existingSalt = saltIn(input.existingText);
  const appSalt = input.appSalt ?? existingSalt ?? randomBytes(32).toString('base64url');
  if (appSalt === DEMO_APP_SALT) return { ok: false, problem: 'the app salt is the demo value; give your own or let one be generated' };
  if (existingSalt !== null && input.appSalt !== null && input.appSalt !== existingSalt) {
    return { ok: false, problem: 'the config file already has another appSalt: changing it changes every machine\'s anchor and strands every license; remove the file first if you really mean to' };
  }

  let jwks: unknown;
  try {
    const response = await (input.fetch ?? globalThis.fetch)(`${serverUrl}${API_PATHS.jwks}`, { redirect: 'error', signal: AbortSignal.timeout(15_000) });
    if (!response.ok) return { ok: false, problem: `${serverUrl}${API_PATHS.jwks} answered HTTP ${response.status}` };
    jwks = await response.json();
  } catch (error) {
    return { ok: false, problem: `${serverUrl}${API_PATHS.jwks} could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  if (!Value.Check(JwksResponse, jwks) || jwks.keys.length === 0) {
    return { ok: false, problem: `${serverUrl}${API_PATHS.jwks} is not a JWKS of Ed25519 public keys` };
  }
  return {
    ok: true,
    saltSource: input.appSalt !== null ? 'given' : existingSalt !== null ? 'kept' : 'generated',
    config: { serverUrl, issuer: input.issuer, appSalt, pinnedJwks: { keys: jwks.keys.map(({ kty, crv, x, kid, alg, use }) => ({ kty, crv, x, kid, alg, use })) }, checkoutOrigins: [] },
  };
}

function saltIn(text: string | null): string | null {
  if (text === null) return null;
  try {
    const salt = (JSON.parse(text) as { appSalt?: unknown }).appSalt;
    return typeof salt === 'string' && salt !== '' ? salt : null;
  } catch {
    return null;
  }
}
