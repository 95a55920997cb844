// The webhook-signing certificate named by paypal-cert-url: fetched from an allowed URL only, bounded in time
// and size, chain-checked once, then kept by URL so that verifying a delivery costs one RSA verify. The header
// is chosen by whoever sends the (not yet verified) delivery, so fetching is bounded too: a failure is kept
// for a while, few fetches run at once and few start per minute; past that a delivery is refused at once
// (cert_fetch_busy) and PayPal, which retries, tries again later.
import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import type { Clock } from '../../../../common/clock';
import { checkCertUrl, type CertUrlPolicy } from './cert-url';
import type { VerificationFailure } from './verify';

export type CertFailureCode =
  | 'cert_url_not_allowed'
  | 'cert_fetch_busy'
  | 'cert_fetch_failed'
  | 'cert_fetch_timeout'
  | 'cert_too_large'
  | 'cert_malformed'
  | 'cert_chain_untrusted';

export type CertLookup = { ok: true; certificate: X509Certificate } | VerificationFailure<CertFailureCode>;

/** The part of fetch this uses; globalThis.fetch fits. */
export type FetchLike = (url: string, init: { signal: AbortSignal; redirect: 'error' }) => Promise<Response>;

export interface CertCacheOptions extends CertUrlPolicy {
  clock: Clock;
  /** PEM of further trust anchors besides the system CAs (the sandbox CA). */
  trustedCaPem?: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  maxBytes?: number;
  maxEntries?: number;
  /** How long a failed fetch (or a chain that did not check) is answered from memory. */
  failureTtlMs?: number;
  maxConcurrentFetches?: number;
  /** Fetches started in any one minute. */
  fetchesPerMinute?: number;
  /** Told of every fetch started, for the counters. */
  onFetch?: () => void;
}

export const CERT_FETCH_TIMEOUT_MS = 5_000;
export const CERT_MAX_BYTES = 64 * 1024;
export const CERT_CACHE_ENTRIES = 32;
export const CERT_FAILURE_TTL_MS = 60_000;
export const CERT_CONCURRENT_FETCHES = 2;
export const CERT_FETCHES_PER_MINUTE = 20;
/** Failures remembered at most; the oldest goes first. */
const FAILURE_ENTRIES = 256;

interface CachedCertificate {
  certificate: X509Certificate;
  /** The earliest expiry among the issuing certificates: past it the chain has to be checked again. */
  chainValidUntil: number;
}

type ChainCheck = { ok: true; validUntil: number } | { ok: false; detail: string };

const fail = (code: CertFailureCode, detail: string): VerificationFailure<CertFailureCode> => ({ ok: false, code, detail });

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text, in order; undefined when there is none or one does not parse. */
export function parsePemCertificates(pem: string): X509Certificate[] | undefined {
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) return undefined;
  try {
    return blocks.map((block) => new X509Certificate(block));
  } catch {
    return undefined;
  }
}

let systemRoots: X509Certificate[] | undefined;
function systemRootCertificates(): X509Certificate[] {
  systemRoots ??= rootCertificates.map((pem) => new X509Certificate(pem));
  return systemRoots;
}

const notAfter = (certificate: X509Certificate): number => Date.parse(certificate.validTo);
const validAt = (certificate: X509Certificate, now: number): boolean =>
  now >= Date.parse(certificate.validFrom) && now <= notAfter(certificate);

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** Walks from the leaf through the supplied intermediates to a trust anchor. Every issuing certificate must be
 *  valid now and every intermediate a CA; the leaf's own dates are the verifier's to judge, per delivery. */
export function checkChain(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: number,
): ChainCheck {
  const unused = [...intermediates];
  let current = leaf;
  let validUntil = Infinity;
  // Each step consumes one intermediate, so the walk ends within intermediates.length + 1 steps.
  for (let step = 0; step <= intermediates.length; step += 1) {
    const root = roots.find((candidate) => validAt(candidate, now) && issuedBy(current, candidate));
    if (root) return { ok: true, validUntil: Math.min(validUntil, notAfter(root)) };
    const index = unused.findIndex((candidate) => issuedBy(current, candidate));
    const issuer = unused[index];
    if (issuer === undefined) return { ok: false, detail: `no trusted issuer for ${current.subject.replaceAll('\n', ', ')}` };
    if (!issuer.ca) return { ok: false, detail: 'an intermediate is not a CA certificate' };
    if (!validAt(issuer, now)) return { ok: false, detail: 'an intermediate is outside its validity' };
    validUntil = Math.min(validUntil, notAfter(issuer));
    unused.splice(index, 1);
    current = issuer;
  }
  return { ok: false, detail: 'the chain does not end at a trusted root' };
}

async function readLimited(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer | undefined> {
  if (body === null) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  // Ends at the end of the body, past maxBytes, or when the timeout aborts the exchange.
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
}

export class CertificateCache {
  private readonly cached = new Map<string, CachedCertificate>();
  /** Header values already found allowed, to the URL they normalize to: the check parses a URL, and every
   *  delivery of a burst carries the same few values. Refused values are not kept (anyone can send those). */
  private readonly allowed = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<CertLookup>>();
  private readonly failures = new Map<string, { lookup: CertLookup; until: number }>();
  private fetching = 0;
  private fetchWindow = { start: -Infinity, count: 0 };
  private readonly roots: X509Certificate[];
  private readonly fetch: FetchLike;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;
  private readonly maxEntries: number;

  constructor(private readonly options: CertCacheOptions) {
    const extraRoots = options.trustedCaPem === undefined ? [] : parsePemCertificates(options.trustedCaPem);
    if (extraRoots === undefined) throw new Error('trustedCaPem holds no readable PEM certificate');
    this.roots = [...extraRoots, ...systemRootCertificates()];
    this.fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? CERT_FETCH_TIMEOUT_MS;
    this.maxBytes = options.maxBytes ?? CERT_MAX_BYTES;
    this.maxEntries = options.maxEntries ?? CERT_CACHE_ENTRIES;
  }

  /** The checked leaf certificate for a paypal-cert-url; concurrent calls for one URL share a single fetch. */
  get(rawUrl: string): Promise<CertLookup> {
    let url = this.allowed.get(rawUrl);
    if (url === undefined) {
      const decision = checkCertUrl(rawUrl, this.options);
      if (!decision.ok) return Promise.resolve(decision);
      url = decision.url;
      if (this.allowed.size >= this.maxEntries) this.allowed.clear();
      this.allowed.set(rawUrl, url);
    }

    const hit = this.cached.get(url);
    if (hit) {
      this.cached.delete(url);
      if (this.options.clock.now() <= hit.chainValidUntil) {
        this.cached.set(url, hit); // most recently used goes last
        return Promise.resolve({ ok: true, certificate: hit.certificate });
      }
    }

    const pending = this.inflight.get(url);
    if (pending) return pending;
    const failed = this.failures.get(url);
    if (failed && this.options.clock.now() < failed.until) return Promise.resolve(failed.lookup);
    const busy = this.refuseFetch();
    if (busy) return Promise.resolve(busy);
    this.fetching += 1;
    this.options.onFetch?.();
    const load = this.load(url).then((lookup) => this.remember(url, lookup)).finally(() => {
      this.fetching -= 1;
      this.inflight.delete(url);
    });
    this.inflight.set(url, load);
    return load;
  }

  private refuseFetch(): VerificationFailure<CertFailureCode> | undefined {
    if (this.fetching >= (this.options.maxConcurrentFetches ?? CERT_CONCURRENT_FETCHES)) {
      return fail('cert_fetch_busy', 'as many certificate fetches as allowed are running');
    }
    const now = this.options.clock.now();
    if (now - this.fetchWindow.start >= 60_000) this.fetchWindow = { start: now, count: 0 };
    if (this.fetchWindow.count >= (this.options.fetchesPerMinute ?? CERT_FETCHES_PER_MINUTE)) {
      return fail('cert_fetch_busy', 'this minute\'s certificate fetches are used up');
    }
    this.fetchWindow.count += 1;
    return undefined;
  }

  private remember(url: string, lookup: CertLookup): CertLookup {
    if (lookup.ok) {
      this.failures.delete(url);
      return lookup;
    }
    this.failures.delete(url);
    this.failures.set(url, { lookup, until: this.options.clock.now() + (this.options.failureTtlMs ?? CERT_FAILURE_TTL_MS) });
    if (this.failures.size > FAILURE_ENTRIES) this.failures.delete(this.failures.keys().next().value as string);
    return lookup;
  }

  private async load(url: string): Promise<CertLookup> {
    const downloaded = await this.download(url);
    if (!downloaded.ok) return downloaded;
    const certificates = parsePemCertificates(downloaded.pem);
    const [leaf, ...intermediates] = certificates ?? [];
    if (leaf === undefined) return fail('cert_malformed', 'the response holds no readable PEM certificate');

    const chain = checkChain(leaf, intermediates, this.roots, this.options.clock.now());
    if (!chain.ok) return fail('cert_chain_untrusted', chain.detail);

    this.cached.set(url, { certificate: leaf, chainValidUntil: chain.validUntil });
    if (this.cached.size > this.maxEntries) {
      const oldest = this.cached.keys().next().value as string;
      this.cached.delete(oldest);
    }
    return { ok: true, certificate: leaf };
  }

  /** Races the whole exchange, body included, against the timeout, so that no answer however slow (nor a
   *  fetch that ignores its signal) can hold a verification longer than that. */
  private async download(url: string): Promise<{ ok: true; pem: string } | VerificationFailure<CertFailureCode>> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<VerificationFailure<CertFailureCode>>((resolve) => {
      timer = setTimeout(
        () => resolve(fail('cert_fetch_timeout', `certificate URL gave no full answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([this.fetchPem(url, controller.signal), timeout]);
    } finally {
      clearTimeout(timer);
      // Ends the exchange that lost the race, or whose answer was refused before its body was read.
      controller.abort();
    }
  }

  private async fetchPem(url: string, signal: AbortSignal): Promise<{ ok: true; pem: string } | VerificationFailure<CertFailureCode>> {
    try {
      const response = await this.fetch(url, { signal, redirect: 'error' });
      if (response.status !== 200) return fail('cert_fetch_failed', `certificate URL answered HTTP ${response.status}`);
      if (Number(response.headers.get('content-length') ?? 0) > this.maxBytes) {
        return fail('cert_too_large', `certificate response declares more than ${this.maxBytes} bytes`);
      }
      const body = await readLimited(response.body, this.maxBytes);
      if (body === undefined) return fail('cert_too_large', `certificate response exceeds ${this.maxBytes} bytes`);
      return { ok: true, pem: body.toString('utf8') };
    } catch (error) {
      return fail('cert_fetch_failed', error instanceof Error ? error.message : String(error));
    }
  }
}
