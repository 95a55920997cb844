// The sandbox's webhook-signing certificates: a CA of its own and, issued by it, a leaf named like PayPal's
// (CN messageverificationcerts.sandbox.paypal.com). Consumers trust the CA the way they trust DigiCert for
// the real PayPal certificate.
import { createHash, generateKeyPair, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import {
  NULL, TRUE, bitString, explicit, octetString, oid, printableString, sequence, set, smallInteger, time,
  tlv, unsignedInteger, utf8String, type Der,
} from './der';

export const LEAF_COMMON_NAME = 'messageverificationcerts.sandbox.paypal.com';
export const CA_COMMON_NAME = 'Hardbound PayPal Sandbox CA';

const DAY_MS = 86_400_000;
// Longer than PayPal's two years so that tests which move the sandbox clock years ahead (yearly renewals)
// still meet a certificate inside its validity.
const LEAF_VALIDITY_MS = 5 * 365 * DAY_MS;
const CA_VALIDITY_MS = 10 * 365 * DAY_MS;

export interface SigningCertificates {
  caPem: string;
  leafPem: string;
  /** Signs transmissions; its public half is in leafPem. */
  leafKey: KeyObject;
}

interface KeyPair {
  publicKey: KeyObject;
  privateKey: KeyObject;
}

const generateRsa = promisify(generateKeyPair);
const newKeyPair = (): Promise<KeyPair> => generateRsa('rsa', { modulusLength: 2048 });

const OID = {
  sha256WithRsa: '1.2.840.113549.1.1.11',
  country: '2.5.4.6',
  state: '2.5.4.8',
  locality: '2.5.4.7',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  authorityKeyIdentifier: '2.5.29.35',
};

/** Generates the CA and the leaf, both valid from a day before `nowMs` (the sandbox clock). */
export async function createSigningCertificates(nowMs: number): Promise<SigningCertificates> {
  const [caKeys, leafKeys] = await Promise.all([newKeyPair(), newKeyPair()]);
  const notBefore = new Date(nowMs - DAY_MS);
  const caName = name([
    [OID.country, 'US'], [OID.organization, 'Hardbound Sandbox'], [OID.commonName, CA_COMMON_NAME],
  ]);
  const leafName = name([
    [OID.country, 'US'], [OID.state, 'California'], [OID.locality, 'San Jose'],
    [OID.organization, 'PayPal, Inc.'], [OID.organizationalUnit, 'PAYPAL'], [OID.commonName, LEAF_COMMON_NAME],
  ]);
  const caKeyId = keyIdentifier(caKeys.publicKey);

  const ca = certificate({
    subject: caName, issuer: caName, subjectKey: caKeys.publicKey, signingKey: caKeys.privateKey,
    notBefore, notAfter: new Date(nowMs + CA_VALIDITY_MS),
    extensions: [
      extension(OID.basicConstraints, sequence(TRUE), true),
      extension(OID.keyUsage, bitString(Buffer.from([0x06]), 1), true), // keyCertSign, cRLSign
      extension(OID.subjectKeyIdentifier, octetString(caKeyId)),
    ],
  });
  const leaf = certificate({
    subject: leafName, issuer: caName, subjectKey: leafKeys.publicKey, signingKey: caKeys.privateKey,
    notBefore, notAfter: new Date(nowMs + LEAF_VALIDITY_MS),
    extensions: [
      extension(OID.basicConstraints, sequence(), true),
      extension(OID.keyUsage, bitString(Buffer.from([0x80]), 7), true), // digitalSignature
      extension(OID.subjectAltName, sequence(tlv(0x82, Buffer.from(LEAF_COMMON_NAME, 'ascii')))),
      extension(OID.subjectKeyIdentifier, octetString(keyIdentifier(leafKeys.publicKey))),
      extension(OID.authorityKeyIdentifier, sequence(tlv(0x80, caKeyId))),
    ],
  });
  return { caPem: pem(ca), leafPem: pem(leaf), leafKey: leafKeys.privateKey };
}

interface CertificateInput {
  subject: Der;
  issuer: Der;
  subjectKey: KeyObject;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Der[];
}

function certificate(input: CertificateInput): Der {
  const algorithm = sequence(oid(OID.sha256WithRsa), NULL);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40; // positive and of full length, as RFC 5280 4.1.2.2 asks
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    input.issuer,
    sequence(time(input.notBefore), time(input.notAfter)),
    input.subject,
    input.subjectKey.export({ type: 'spki', format: 'der' }),
    explicit(3, sequence(...input.extensions)),
  );
  return sequence(tbs, algorithm, bitString(sign('sha256', tbs, input.signingKey)));
}

function name(attributes: [string, string][]): Der {
  return sequence(
    ...attributes.map(([type, value]) =>
      set(sequence(oid(type), type === OID.country ? printableString(value) : utf8String(value))),
    ),
  );
}

function extension(id: string, value: Der, critical = false): Der {
  return critical ? sequence(oid(id), TRUE, octetString(value)) : sequence(oid(id), octetString(value));
}

/** Any value unique to the key will do (RFC 5280 4.2.1.2); a hash of the whole SubjectPublicKeyInfo is. */
function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

function pem(der: Der): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
