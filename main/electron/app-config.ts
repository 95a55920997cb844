// The desktop app's settings: the companion server, the entitlement keys pinned in this build, and the
// hosts the windows may reach — every payment provider's among them, as the config names them (nothing about
// any provider is built in here). Checked once at start; every problem is named in one message.
import type { JwksResponse } from '../../common/api';
import { DEMO_APP_SALT } from '../../common/demo-values';
import { checkoutOriginProblem } from './checkout-policy';
import { isAllowedExternal } from './security-policy';

/** electron-builder's appId, and the keychain service the entitlement is stored under. */
export const APP_ID = 'dev.hardbound.app';

export type PinnedJwk = JwksResponse['keys'][number];

export interface AppConfig {
  serverUrl: string;
  pinnedKeys: PinnedJwk[];
  issuer: string;
  /** HMAC key of the hardware anchor: per vendor, so two apps never share an anchor for one machine. */
  appSalt: string;
  /** Every origin the checkout window may show: the providers' checkout pages (the local stand-ins in development). */
  checkoutOrigins: string[];
  /** https prefixes the main window may open in the user's browser. */
  externalLinks: string[];
  /** Provider id → its page where a subscriber updates the payment method ("Update your payment method"). A
   *  provider without one (Paystack mails a per-subscription link instead) is told apart in the UI. */
  paymentSettingsUrls: Record<string, string>;
}

/** The config file's shape (shipped beside the packaged app as hardbound.config.json). */
interface ConfigFile {
  serverUrl?: unknown;
  pinnedJwks?: unknown;
  issuer?: unknown;
  appSalt?: unknown;
  checkoutOrigins?: unknown;
  externalLinks?: unknown;
  paymentSettingsUrls?: unknown;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';
export const DEFAULT_ISSUER = 'hardbound';
/** Development only: a packaged build refuses to start without its own salt. */
export const DEFAULT_APP_SALT = DEMO_APP_SALT;

export interface ConfigSources {
  env: Record<string, string | undefined>;
  /** The config file's text, or null when there is none. */
  fileText: string | null;
  /**
   * A packaged build reads only its bundled file: an environment variable must never be able to pin
   * another signing key (that would let anyone mint their own Enterprise entitlement).
   */
  packaged: boolean;
}

export function loadAppConfig(sources: ConfigSources): { ok: true; config: AppConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  let file: ConfigFile = {};
  if (sources.fileText !== null) {
    try {
      const parsed: unknown = JSON.parse(sources.fileText);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      file = parsed as ConfigFile;
    } catch {
      problems.push('the config file is not a JSON object');
    }
  }
  const env = sources.packaged ? {} : sources.env;
  const list = (raw: string | undefined): string[] | undefined => raw?.split(',').map((s) => s.trim()).filter(Boolean);

  const serverUrl = stringSetting(env.HARDBOUND_SERVER_URL ?? file.serverUrl, DEFAULT_SERVER_URL, 'serverUrl', problems).replace(/\/+$/, '');
  if (!isHttpUrl(serverUrl)) problems.push(`serverUrl "${serverUrl}" must be an http(s) URL`);
  const issuer = stringSetting(env.HARDBOUND_ISSUER ?? file.issuer, DEFAULT_ISSUER, 'issuer', problems);
  const appSalt = stringSetting(env.HARDBOUND_APP_SALT ?? file.appSalt, DEFAULT_APP_SALT, 'appSalt', problems);
  const checkoutOrigins = stringList(list(env.HARDBOUND_CHECKOUT_ORIGINS) ?? file.checkoutOrigins, [], 'checkoutOrigins', problems);
  for (const origin of checkoutOrigins) {
    const problem = checkoutOriginProblem(origin);
    if (problem) problems.push(`checkoutOrigins: ${problem}`);
  }
  const externalLinks = stringList(list(env.HARDBOUND_EXTERNAL_LINKS) ?? file.externalLinks, [], 'externalLinks', problems);
  for (const prefix of externalLinks) {
    if (!prefix.startsWith('https://') || !prefix.endsWith('/')) problems.push(`externalLinks: "${prefix}" must be an https URL ending in /`);
  }
  const paymentSettingsUrls = urlsByProvider(env.HARDBOUND_PAYMENT_SETTINGS_URLS ?? file.paymentSettingsUrls, problems);
  for (const [provider, url] of Object.entries(paymentSettingsUrls)) {
    if (!isAllowedExternal(url, externalLinks)) problems.push(`paymentSettingsUrls.${provider}: "${url}" must be an https URL under one of externalLinks`);
  }
  const pinnedKeys = pinnedJwks(env.HARDBOUND_PINNED_JWKS ?? file.pinnedJwks, problems);
  if (sources.packaged) problems.push(...releaseProblems(file, serverUrl, appSalt, checkoutOrigins));

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { serverUrl, pinnedKeys, issuer, appSalt, checkoutOrigins, externalLinks, paymentSettingsUrls } };
}

/** What a build for customers must not leave to a default: its own server over https and its own salt. */
function releaseProblems(file: ConfigFile, serverUrl: string, appSalt: string, checkoutOrigins: readonly string[]): string[] {
  const problems: string[] = [];
  const regenerate = '(`hardbound-server app-config --server-url …` writes the file)';
  if (file.serverUrl === undefined) problems.push(`serverUrl is not set in the config file ${regenerate}`);
  else if (!serverUrl.startsWith('https://')) problems.push(`serverUrl "${serverUrl}" must be https in a packaged build`);
  if (file.appSalt === undefined) problems.push(`appSalt is not set in the config file: a packaged build needs the vendor's own ${regenerate}`);
  else if (appSalt === DEMO_APP_SALT) problems.push('appSalt is the demo value: every app built with it would share anchors; use your own (and keep it for every release)');
  if (checkoutOrigins.length === 0) problems.push(`checkoutOrigins is empty: the checkout window could show no provider's page ${regenerate}`);
  return problems;
}

function stringSetting(value: unknown, fallback: string, name: string, problems: string[]): string {
  if (value === undefined || value === '') return fallback;
  if (typeof value === 'string') return value;
  problems.push(`${name} must be a string`);
  return fallback;
}

function stringList(value: unknown, fallback: string[], name: string, problems: string[]): string[] {
  if (value === undefined) return fallback;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value;
  problems.push(`${name} must be a list of strings`);
  return fallback;
}

/** Provider id → URL: an object in the config file, `paypal=https://…,other=https://…` in the environment. */
function urlsByProvider(value: unknown, problems: string[]): Record<string, string> {
  if (value === undefined || value === '') return {};
  const entries = typeof value === 'string'
    ? value.split(',').map((pair) => pair.trim()).filter(Boolean).map((pair) => {
        const at = pair.indexOf('=');
        return at > 0 ? [pair.slice(0, at), pair.slice(at + 1)] : [pair, ''];
      })
    : typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : null;
  if (entries === null) {
    problems.push('paymentSettingsUrls must map provider ids to URLs ({"paypal": "https://…"})');
    return {};
  }
  const urls: Record<string, string> = {};
  for (const [provider, url] of entries) {
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(provider) || typeof url !== 'string' || url === '') problems.push(`paymentSettingsUrls: "${provider}" must be a provider id with a URL`);
    else urls[provider] = url;
  }
  return urls;
}

/** A JWKS (`{"keys":[…]}`), given as JSON text (environment) or an object (config file). Ed25519 public keys only. */
function pinnedJwks(value: unknown, problems: string[]): PinnedJwk[] {
  if (value === undefined || value === '') {
    problems.push('no entitlement keys are pinned: set pinnedJwks in the config file (or HARDBOUND_PINNED_JWKS in development)');
    return [];
  }
  let jwks: unknown = value;
  if (typeof value === 'string') {
    try {
      jwks = JSON.parse(value);
    } catch {
      problems.push('pinned JWKS is not valid JSON');
      return [];
    }
  }
  const keys = (jwks as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    problems.push('pinned JWKS must be {"keys":[…]} with at least one key');
    return [];
  }
  const valid = keys.filter(isEd25519PublicJwk);
  if (valid.length !== keys.length) problems.push('every pinned key must be an Ed25519 public JWK (kty OKP, crv Ed25519, x, kid; no private part)');
  return valid.map(({ kid, x }) => ({ kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }));
}

function isEd25519PublicJwk(key: unknown): key is PinnedJwk {
  if (typeof key !== 'object' || key === null) return false;
  const k = key as Record<string, unknown>;
  return k.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string' && typeof k.kid === 'string' && k.kid !== '' && !('d' in k);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
