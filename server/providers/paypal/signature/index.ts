// PayPal webhook verification as the HTTP layer uses it: headers and raw body in, a verdict with a
// machine-readable code out (every failure maps to 401). Runs before the body is parsed.
import type { Clock } from '../../../../common/clock';
import { CertificateCache, type CertFailureCode, type FetchLike } from './cert-cache';
import {
  readHeader,
  readSignatureHeaders,
  verifyPayPalSignature,
  type RequestHeaders,
  type RsaSha256Verify,
  type SignatureFailureCode,
  type VerificationFailure,
} from './verify';

export type { CertFailureCode, FetchLike } from './cert-cache';
export type { RequestHeaders, SignatureFailureCode } from './verify';

export const PAYPAL_CERT_URL_HEADER = 'paypal-cert-url';

export type PayPalVerification = { ok: true } | VerificationFailure<SignatureFailureCode | CertFailureCode>;

export interface PayPalSignatureVerifierOptions {
  /** The id PayPal gave the webhook listener; it is part of the signed message. */
  webhookId: string;
  clock: Clock;
  /** Origin of the local PayPal stand-in whose cert URLs are accepted besides PayPal's own hosts. */
  sandboxOrigin?: string;
  /** PEM of the stand-in's CA, trusted besides the system CAs. */
  trustedCaPem?: string;
  fetch?: FetchLike;
  /** Where the RSA step runs; the calling thread when not given. */
  rsa?: RsaSha256Verify;
}

export class PayPalSignatureVerifier {
  private readonly certificates: CertificateCache;

  constructor(private readonly options: PayPalSignatureVerifierOptions) {
    this.certificates = new CertificateCache({
      clock: options.clock,
      sandboxOrigin: options.sandboxOrigin,
      trustedCaPem: options.trustedCaPem,
      fetch: options.fetch,
    });
  }

  async verify(delivery: { headers: RequestHeaders; rawBody: Buffer }): Promise<PayPalVerification> {
    // Header problems are answered before any certificate is fetched.
    const signed = readSignatureHeaders(delivery.headers);
    if (!signed.ok) return signed;
    const certUrl = readHeader(delivery.headers, PAYPAL_CERT_URL_HEADER);
    if (certUrl === undefined) {
      return { ok: false, code: 'missing_header', detail: `${PAYPAL_CERT_URL_HEADER} is missing, empty or repeated` };
    }

    const certificate = await this.certificates.get(certUrl);
    if (!certificate.ok) return certificate;
    return verifyPayPalSignature({
      headers: delivery.headers,
      rawBody: delivery.rawBody,
      webhookId: this.options.webhookId,
      certificate: certificate.certificate,
      now: this.options.clock.now(),
    }, this.options.rsa);
  }
}
