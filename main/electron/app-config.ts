// The desktop app's settings: the companion server, the entitlement keys pinned in this build, and the
// hosts the windows may reach. Checked once at start; every problem is named in one message.
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
  /** Origins the checkout window may show besides PayPal's (the local stand-in in development). */
  checkoutOrigins: string[];
  /** https prefixes the main window may open in the user's browser. */
  externalLinks: string[];
  /** PayPal's page where a subscriber updates the payment method ("Update your payment method"). */
  paymentSettingsUrl: string;
}

/** The config file's shape (shipped beside the packaged app as hardbound.config.json). */
interface ConfigFile {
  serverUrl?: unknown;
  pinnedJwks?: unknown;
  issuer?: unknown;
  appSalt?: unknown;
  checkoutOrigins?: unknown;
  externalLinks?: unknown;
  paymentSettingsUrl?: unknown;
}

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';
export const DEFAULT_ISSUER = 'hardbound';
/** Development only: a packaged build refuses to start without its own salt. */
export const DEFAULT_APP_SALT = DEMO_APP_SALT;
export const DEFAULT_EXTERNAL_LINKS = ['https://www.paypal.com/'];
/** PayPal's "Automatic payments" page, where a buyer changes what pays for a subscription. */
export const DEFAULT_PAYMENT_SETTINGS_URL = 'https://www.paypal.com/myaccount/autopay/';

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
  const externalLinks = stringList(list(env.HARDBOUND_EXTERNAL_LINKS) ?? file.externalLinks, DEFAULT_EXTERNAL_LINKS, 'externalLinks', problems);
  for (const prefix of externalLinks) {
    if (!prefix.startsWith('https://') || !prefix.endsWith('/')) problems.push(`externalLinks: "${prefix}" must be an https URL ending in /`);
  }
  const givenPaymentSettingsUrl = env.HARDBOUND_PAYMENT_SETTINGS_URL ?? file.paymentSettingsUrl;
  const paymentSettingsUrl = stringSetting(givenPaymentSettingsUrl, DEFAULT_PAYMENT_SETTINGS_URL, 'paymentSettingsUrl', problems);
  // The default need not be allowed (a vendor may keep PayPal off the list: the button then says what to do).
  if (givenPaymentSettingsUrl !== undefined && !isAllowedExternal(paymentSettingsUrl, externalLinks)) {
    problems.push(`paymentSettingsUrl "${paymentSettingsUrl}" must be an https URL under one of externalLinks`);
  }
  const pinnedKeys = pinnedJwks(env.HARDBOUND_PINNED_JWKS ?? file.pinnedJwks, problems);
  if (sources.packaged) problems.push(...releaseProblems(file, serverUrl, appSalt));

  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, config: { serverUrl, pinnedKeys, issuer, appSalt, checkoutOrigins, externalLinks, paymentSettingsUrl } };
}

/** What a build for customers must not leave to a default: its own server over https and its own salt. */
function releaseProblems(file: ConfigFile, serverUrl: string, appSalt: string): string[] {
  const problems: string[] = [];
  const regenerate = '(`hardbound-server app-config --server-url …` writes the file)';
  if (file.serverUrl === undefined) problems.push(`serverUrl is not set in the config file ${regenerate}`);
  else if (!serverUrl.startsWith('https://')) problems.push(`serverUrl "${serverUrl}" must be https in a packaged build`);
  if (file.appSalt === undefined) problems.push(`appSalt is not set in the config file: a packaged build needs the vendor's own ${regenerate}`);
  else if (appSalt === DEMO_APP_SALT) problems.push('appSalt is the demo value: every app built with it would share anchors; use your own (and keep it for every release)');
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
