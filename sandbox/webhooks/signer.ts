// PayPal's webhook signature: SHA256withRSA over `transmissionId|transmissionTime|webhookId|crc32(body)`,
// the CRC32 of the body's bytes written as an unsigned decimal.
import { X509Certificate, sign, verify, type KeyObject } from 'node:crypto';
import { crc32 } from 'node:zlib';

export const AUTH_ALGO = 'SHA256withRSA';
export const AUTH_VERSION = 'v2';
// The user agent PayPal's notification service sends.
const USER_AGENT = 'PayPal/AUHD-214.0-58165473';

export interface SignedFields {
  transmissionId: string;
  /** ISO-8601 to the second, as PayPal sends it: 2019-05-16T08:57:49Z. */
  transmissionTime: string;
  webhookId: string;
}

export function signedMessage(fields: SignedFields, body: Buffer): string {
  return `${fields.transmissionId}|${fields.transmissionTime}|${fields.webhookId}|${crc32(body)}`;
}

export class TransmissionSigner {
  private readonly leafPublicKey: KeyObject;

  constructor(
    private readonly leafKey: KeyObject,
    leafPem: string,
    private readonly certUrl: () => string,
  ) {
    this.leafPublicKey = new X509Certificate(leafPem).publicKey;
  }

  /** Every header of one delivery attempt. Signs on libuv's thread pool, off the event loop. */
  async headers(fields: SignedFields, body: Buffer, correlationId: string): Promise<Record<string, string>> {
    const message = Buffer.from(signedMessage(fields, body), 'utf8');
    const signature = await new Promise<Buffer>((resolve, reject) =>
      sign('sha256', message, this.leafKey, (error, result) => (error ? reject(error) : resolve(result))),
    );
    return {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      'correlation-id': correlationId,
      'paypal-transmission-id': fields.transmissionId,
      'paypal-transmission-time': fields.transmissionTime,
      'paypal-transmission-sig': signature.toString('base64'),
      'paypal-cert-url': this.certUrl(),
      'paypal-auth-algo': AUTH_ALGO,
      'paypal-auth-version': AUTH_VERSION,
    };
  }

  /** True when `signatureBase64` is this sandbox's signature of the fields and body. */
  verify(fields: SignedFields, body: Buffer, signatureBase64: string): boolean {
    const message = Buffer.from(signedMessage(fields, body), 'utf8');
    return verify('sha256', message, this.leafPublicKey, Buffer.from(signatureBase64, 'base64'));
  }
}
