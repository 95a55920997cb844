// Identifiers shaped like Paystack's: numeric record ids, lower-case codes behind a prefix (PLN_, SUB_, CUS_…).
import { randomInt } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function pick(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Numeric ids count up per kind from a random start, as Paystack's database ids do. */
export class NumericIds {
  private next = randomInt(1_000_000, 9_000_000);
  take(): number {
    return this.next++;
  }
}

export const paystackIds = {
  /** A transaction reference Paystack generates when the merchant sends none: 10 lower-case alphanumerics. */
  reference: () => pick(LOWER_ALNUM, 10),
  accessCode: () => pick(LOWER_ALNUM, 15),
  plan: () => `PLN_${pick(LOWER_ALNUM, 15)}`,
  subscription: () => `SUB_${pick(LOWER_ALNUM, 15)}`,
  emailToken: () => pick(LOWER_ALNUM, 15),
  customer: () => `CUS_${pick(LOWER_ALNUM, 15)}`,
  authorization: () => `AUTH_${pick(LOWER_ALNUM, 10)}`,
  signature: () => `SIG_${pick(ALNUM, 20)}`,
  invoice: () => `INV_${pick(LOWER_ALNUM, 15)}`,
};
