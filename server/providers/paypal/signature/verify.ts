// PayPal's offline webhook signature check, as PayPal documents it: RSA-SHA256 over
// `transmissionId|transmissionTime|webhookId|crc32(rawBody)`. Pure: the certificate and the time are given.
import { verify, type KeyObject, type X509Certificate } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const PAYPAL_SIGNATURE_HEADERS = {
  transmissionId: 'paypal-transmission-id',
  transmissionTime: 'paypal-transmission-time',
  transmissionSig: 'paypal-transmission-sig',
  authAlgo: 'paypal-auth-algo',
} as const;

export const SUPPORTED_AUTH_ALGO = 'SHA256withRSA';

export const PAYPAL_SIGNING_CERT_NAMES: readonly string[] = [
  'messageverificationcerts.paypal.com',
  'messageverificationcerts.sandbox.paypal.com',
];

/** Request headers as node:http and fastify give them: names lower-case. */
export type RequestHeaders = Readonly<Record<string, string | string[] | undefined>>;

export type SignatureFailureCode =
  | 'missing_header'
  | 'unsupported_algorithm'
  | 'bad_signature'
  | 'cert_expired'
  | 'cert_not_yet_valid'
  | 'cert_subject';

export interface VerificationFailure<Code extends string> {
  ok: false;
  code: Code;
  detail: string;
}

export type SignatureVerdict = { ok: true } | VerificationFailure<SignatureFailureCode>;

export interface SignatureHeaders {
  transmissionId: string;
  transmissionTime: string;
  transmissionSig: string;
  authAlgo: string;
}

export interface SignatureInput {
  headers: RequestHeaders;
  rawBody: Buffer;
  webhookId: string;
  certificate: X509Certificate;
  /** Milliseconds since the Unix epoch. */
  now: number;
}

const fail = <Code extends string>(code: Code, detail: string): VerificationFailure<Code> => ({ ok: false, code, detail });

/** One non-empty value per header; a repeated header is as good as a missing one, since which copy PayPal
 *  signed cannot be known. */
export function readHeader(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The four signed-delivery headers, checked before anything is fetched so garbage costs nothing. */
export function readSignatureHeaders(
  headers: RequestHeaders,
): { ok: true; value: SignatureHeaders } | VerificationFailure<'missing_header' | 'unsupported_algorithm'> {
  const value: Partial<SignatureHeaders> = {};
  for (const [field, name] of Object.entries(PAYPAL_SIGNATURE_HEADERS) as [keyof SignatureHeaders, string][]) {
    const header = readHeader(headers, name);
    if (header === undefined) return fail('missing_header', `${name} is missing, empty or repeated`);
    value[field] = header;
  }
  const complete = value as SignatureHeaders;
  if (complete.authAlgo !== SUPPORTED_AUTH_ALGO) {
    return fail('unsupported_algorithm', `paypal-auth-algo must be ${SUPPORTED_AUTH_ALGO}`);
  }
  return { ok: true, value: complete };
}

export function signedMessage(fields: { transmissionId: string; transmissionTime: string; webhookId: string; rawBody: Buffer }): Buffer {
  const { transmissionId, transmissionTime, webhookId, rawBody } = fields;
  return Buffer.from(`${transmissionId}|${transmissionTime}|${webhookId}|${crc32(rawBody)}`, 'utf8');
}

/** What a delivery's check needs from its certificate, derived once: the certificate is immutable and the cache
 *  hands the same object to every delivery, while reading its subject, key type and dates costs more than
 *  the CRC of a typical body. */
interface CertificateFacts {
  commonNames: string[];
  isRsa: boolean;
  notBefore: number;
  notAfter: number;
}

const facts = new WeakMap<X509Certificate, CertificateFacts>();

function factsOf(certificate: X509Certificate): CertificateFacts {
  let known = facts.get(certificate);
  if (known === undefined) {
    known = {
      // node renders one attribute per line and escapes control characters and separators inside values, so a
      // value cannot fake a line of its own.
      commonNames: certificate.subject.split('\n').filter((line) => line.startsWith('CN=')).map((line) => line.slice('CN='.length)),
      isRsa: certificate.publicKey.asymmetricKeyType === 'rsa',
      notBefore: Date.parse(certificate.validFrom),
      notAfter: Date.parse(certificate.validTo),
    };
    facts.set(certificate, known);
  }
  return known;
}

function checkCertificate(certificate: X509Certificate, now: number): SignatureVerdict {
  const { commonNames, isRsa, notBefore, notAfter } = factsOf(certificate);
  if (commonNames.length !== 1 || !PAYPAL_SIGNING_CERT_NAMES.includes(commonNames[0] as string)) {
    return fail('cert_subject', `certificate subject CN must be one of ${PAYPAL_SIGNING_CERT_NAMES.join(', ')}`);
  }
  if (!isRsa) return fail('unsupported_algorithm', `${SUPPORTED_AUTH_ALGO} needs an RSA certificate key`);
  // Written as negations so that an unreadable date (NaN) fails closed.
  if (!(now >= notBefore)) return fail('cert_not_yet_valid', `certificate is valid from ${certificate.validFrom}`);
  if (!(now <= notAfter)) return fail('cert_expired', `certificate expired ${certificate.validTo}`);
  return { ok: true };
}

/** Buffer.from(…, 'base64') skips characters it does not know, which would let an altered header still verify:
 *  only a value that is exactly the canonical encoding of what it decodes to is taken. */
function strictBase64(value: string): Buffer | undefined {
  const bytes = Buffer.from(value, 'base64');
  return bytes.toString('base64') === value ? bytes : undefined;
}

/** The RSA-SHA256 step: on the calling thread by default, or batched on a worker thread (signature-worker-pool.ts). */
export type RsaSha256Verify = (message: Buffer, key: KeyObject, signature: Buffer) => boolean | Promise<boolean>;

// PKCS#1 v1.5, what SHA256withRSA means, is node's default for an RSA key; spelling it out as
// { key, padding } costs a key preparation on every call.
const onThisThread: RsaSha256Verify = (message, key, signature) => verify('sha256', message, key, signature);

export async function verifyPayPalSignature(input: SignatureInput, rsa: RsaSha256Verify = onThisThread): Promise<SignatureVerdict> {
  const headers = readSignatureHeaders(input.headers);
  if (!headers.ok) return headers;
  const { transmissionId, transmissionTime, transmissionSig } = headers.value;

  const certificate = checkCertificate(input.certificate, input.now);
  if (!certificate.ok) return certificate;

  const signature = strictBase64(transmissionSig);
  if (signature === undefined) return fail('bad_signature', 'paypal-transmission-sig is not base64');
  const message = signedMessage({ transmissionId, transmissionTime, webhookId: input.webhookId, rawBody: input.rawBody });
  const valid = await rsa(message, input.certificate.publicKey, signature);
  return valid ? { ok: true } : fail('bad_signature', 'signature does not match the delivery');
}
