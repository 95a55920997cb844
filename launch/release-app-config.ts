// `hardbound-server app-config`: writes what a packaged app reads (build/hardbound.config.json) from the
// deployed server's own JWKS and plans, so the keys a release pins are exactly the ones that server signs with
// and the checkout window allows exactly the checkout hosts of the providers it sells through. The app salt is
// the vendor's for good: kept from the file when it has one, generated once otherwise.
import { randomBytes } from 'node:crypto';
import { Value } from 'typebox/value';
import { API_PATHS, JwksResponse, PlansResponse } from '../common/api';
import { DEMO_APP_SALT } from '../common/demo-values';
import { providerAppConfig } from './provider-links';

export interface ReleaseAppConfig {
  serverUrl: string;
  issuer: string;
  appSalt: string;
  pinnedJwks: JwksResponse;
  /** The checkout pages' origins of every provider GET /v1/plans names. */
  checkoutOrigins: string[];
  externalLinks: string[];
  /** Provider id → its payment-method page, for providers that have one page for every buyer (PayPal). */
  paymentSettingsUrls: Record<string, string>;
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

  const jwks = await readJson(input, `${serverUrl}${API_PATHS.jwks}`);
  if (!jwks.ok) return jwks;
  if (!Value.Check(JwksResponse, jwks.body) || jwks.body.keys.length === 0) {
    return { ok: false, problem: `${serverUrl}${API_PATHS.jwks} is not a JWKS of Ed25519 public keys` };
  }
  const plans = await readJson(input, `${serverUrl}${API_PATHS.plans}`);
  if (!plans.ok) return plans;
  if (!Value.Check(PlansResponse, plans.body)) return { ok: false, problem: `${serverUrl}${API_PATHS.plans} is not this server's plans answer` };
  const providers = providerAppConfig(plans.body.providers ?? []);
  if (providers.checkoutOrigins.length === 0) {
    return { ok: false, problem: `${serverUrl}${API_PATHS.plans} names no provider with a checkout page: the app could open no payment page (is this server up to date?)` };
  }
  return {
    ok: true,
    saltSource: input.appSalt !== null ? 'given' : existingSalt !== null ? 'kept' : 'generated',
    config: {
      serverUrl, issuer: input.issuer, appSalt,
      pinnedJwks: { keys: jwks.body.keys.map(({ kty, crv, x, kid, alg, use }) => ({ kty, crv, x, kid, alg, use })) },
      ...providers,
    },
  };
}

async function readJson(input: ReleaseAppConfigInput, url: string): Promise<{ ok: true; body: unknown } | { ok: false; problem: string }> {
  try {
    const response = await (input.fetch ?? globalThis.fetch)(url, { redirect: 'error', signal: AbortSignal.timeout(15_000) });
    if (!response.ok) return { ok: false, problem: `${url} answered HTTP ${response.status}` };
    return { ok: true, body: await response.json() };
  } catch (error) {
    return { ok: false, problem: `${url} could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
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
