// PayPal webhook verification as the HTTP layer uses it: headers and raw body in, a verdict with a
// machine-readable code out (every failure maps to 401). Runs before the body is parsed.
import type { Clock } from '../../../../common/clock';
import type { KeyObject } from 'node:crypto';
import type { DeliveryReading } from '../read-delivery';
import type { SignatureCheck } from './signature-worker-pool';
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

/** On success a verifier may hand back the body already read (see read-delivery.ts), which it does only after
 *  the signature verified; without it the caller reads the body itself. */
export type PayPalVerification = { ok: true; reading?: DeliveryReading } | VerificationFailure<SignatureFailureCode | CertFailureCode>;

export interface PayPalSignatureVerifierOptions {
  /** The id PayPal gave the webhook listener; it is part of the signed message. */
  webhookId: string;
  clock: Clock;
  /** Origin of the local PayPal stand-in whose cert URLs are accepted besides PayPal's own hosts. */
  sandboxOrigin?: string;
  /** PEM of the stand-in's CA, trusted besides the system CAs. */
  trustedCaPem?: string;
  fetch?: FetchLike;
  /** Told of every certificate fetch started (each costs an outbound request; see cert-cache.ts). */
  onCertFetch?: () => void;
  /** A worker thread for the RSA step, which also reads the body of a delivery that verified; without it,
   *  both run on the calling thread. */
  worker?: SignatureWorker;
}

export interface SignatureWorker {
  verify(message: Buffer, key: KeyObject, signature: Buffer, body: Uint8Array): Promise<SignatureCheck>;
}

export class PayPalSignatureVerifier {
  private readonly certificates: CertificateCache;

  constructor(private readonly options: PayPalSignatureVerifierOptions) {
    this.certificates = new CertificateCache({
      clock: options.clock,
      sandboxOrigin: options.sandboxOrigin,
      trustedCaPem: options.trustedCaPem,
      fetch: options.fetch,
      onFetch: options.onCertFetch,
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
    const { worker } = this.options;
    let reading: DeliveryReading | undefined;
    const rsa: RsaSha256Verify | undefined = worker && (async (message, key, signature) => {
      const check = await worker.verify(message, key, signature, delivery.rawBody);
      reading = check.reading;
      return check.valid;
    });
    const verdict = await verifyPayPalSignature({
      headers: delivery.headers,
      rawBody: delivery.rawBody,
      webhookId: this.options.webhookId,
      certificate: certificate.certificate,
      now: this.options.clock.now(),
    }, rsa);
    return verdict.ok && reading ? { ok: true, reading } : verdict;
  }
}
