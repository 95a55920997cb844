// Identifiers shaped like PayPal's, so code that validates or stores them meets realistic values.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** Plan ids the sandbox accepts in a subscription request; seeded and reserved plan ids must fit it too. */
export const PLAN_ID_PATTERN = /^[A-Za-z0-9_-]{3,50}$/;

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export const ids = {
  /** Orders v2 order id, capture id, refund id, v1 sale id: 17 uppercase alphanumerics. */
  resource: () => pick(UPPER_ALNUM, 17),
  payer: () => pick(UPPER_ALNUM, 13),
  /** A v1 payment id, as a sale's refunds name it in parent_payment. */
  v1Payment: () => `PAYID-${pick(UPPER_ALNUM, 24)}`,
  product: () => `PROD-${pick(UPPER_ALNUM, 17)}`,
  plan: () => `P-${pick(UPPER_ALNUM, 24)}`,
  subscription: () => `I-${pick(UPPER_ALNUM, 12)}`,
  billingToken: () => `BA-${pick(UPPER_ALNUM, 17)}`,
  webhook: () => pick(UPPER_ALNUM, 17),
  event: () => `WH-${pick(UPPER_ALNUM, 17)}-${pick(UPPER_ALNUM, 17)}`,
  dispute: () => `PP-D-${randomInt(10_000, 99_999)}`,
  debug: () => randomBytes(7).toString('hex').slice(0, 13),
  accessToken: () => `A21AA${randomBytes(48).toString('base64url')}`,
  nonce: (isoTime: string) => `${isoTime}${randomBytes(16).toString('base64url')}`,
  appId: () => `APP-${pick(UPPER_ALNUM, 17)}`,
  cert: () => `CERT-360caa42-${randomBytes(4).toString('hex')}-${randomBytes(4).toString('hex')}`,
  /** PayPal's transmission ids are UUID v1; node has no v1 generator, so build one from the clock. */
  transmission: (nowMs: number) => uuidV1(nowMs),
  uuid: () => randomUUID(),
};

// RFC 4122 v1: 60-bit count of 100 ns intervals since 1582-10-15, random clock sequence and node.
function uuidV1(nowMs: number): string {
  const gregorianOffsetMs = 12_219_292_800_000n;
  const ticks = (BigInt(nowMs) + gregorianOffsetMs) * 10_000n + BigInt(randomInt(10_000));
  const timeLow = (ticks & 0xffffffffn).toString(16).padStart(8, '0');
  const timeMid = ((ticks >> 32n) & 0xffffn).toString(16).padStart(4, '0');
  const timeHi = (((ticks >> 48n) & 0x0fffn) | 0x1000n).toString(16).padStart(4, '0');
  const seq = ((randomInt(0x4000) | 0x8000) >>> 0).toString(16).padStart(4, '0');
  const node = randomBytes(6);
  node[0] = (node[0] ?? 0) | 0x01; // multicast bit: a random node id, not a MAC address
  return `${timeLow}-${timeMid}-${timeHi}-${seq}-${node.toString('hex')}`;
}
