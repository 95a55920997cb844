// What a support lookup was given: one of the ids a customer may hold, normalised (no spaces or line breaks
// anywhere, PayPal's ids in capitals, our own prefixes in lower case, Paystack's as typed), or not an id at all. Only the kind of a
// query that is not an id is ever kept: an e-mail address or a name typed into the box leaves no trace.
import { ANCHOR_PATTERN } from '../../common/anchor';
import type { SupportIdKind } from '../../common/api';

export interface ParsedId {
  kind: SupportIdKind;
  /** The normalised id; '' for not_an_id. */
  id: string;
  /** A PayPal-shaped id as typed, when that differs: a Paystack reference of the same shape is case-sensitive. */
  asTyped?: string;
}

/** PayPal's order, capture, sale and refund ids are 17 capitals and digits; a character more or less is a near miss worth suggesting for. */
const PAYPAL_ID = /^[A-Z0-9]{15,19}$/;
const SUBSCRIPTION = /^I-[A-Z0-9]{6,36}$/;
const DISPUTE = /^PP-[A-Z0-9]{1,20}(-[A-Z0-9]{1,20}){0,5}$/;
const OURS = /^(lic|chk)_([A-Za-z0-9_-]{10,24})$/i;
/** Our checkout id as the Paystack reference it was paid under ("_" written as "."). */
const OUR_REFERENCE = /^chk\.([A-Za-z0-9.-]{16})$/;
/** Paystack's subscription codes (SUB_…), case as Paystack writes them. */
const PAYSTACK_SUBSCRIPTION = /^SUB_[A-Za-z0-9]{6,64}$/i;
/** Paystack's transaction references and numeric ids (transactions, disputes, refunds): case matters. At least one
 *  digit, so a name typed into the box is not taken for one (and so never stored). */
const PAYSTACK_ID = /^(?=[^\d]*\d)[A-Za-z0-9._=-]{6,100}$/;
/** The short form the app shows beside "Machine" (six characters … four), e.g. read out on the phone. */
const SHORT_MACHINE_CODE = /^([A-Za-z0-9_-]{6})(?:…|\.{2,3})([A-Za-z0-9_-]{4})$/;

export function parseSupportId(raw: string): ParsedId {
  // Quotes or brackets from a pasted e-mail are no part of any id.
  const compact = raw.replace(/\s+/g, '').replace(/^["'<([]+|["'>)\].,;:]+$/g, '');
  if (compact === '' || compact.length > 128) return NOT_AN_ID;
  const reference = OUR_REFERENCE.exec(compact);
  if (reference) return { kind: 'checkout', id: `chk_${reference[1]!.replaceAll('.', '_')}` };
  const ours = OURS.exec(compact);
  if (ours) return { kind: ours[1]!.toLowerCase() === 'lic' ? 'license' : 'checkout', id: `${ours[1]!.toLowerCase()}_${ours[2]!}` };
  if (ANCHOR_PATTERN.test(compact)) return { kind: 'machine_code', id: compact };
  const short = SHORT_MACHINE_CODE.exec(compact);
  if (short) return { kind: 'short_machine_code', id: `${short[1]!}…${short[2]!}` };
  if (PAYSTACK_SUBSCRIPTION.test(compact)) return { kind: 'subscription', id: `SUB_${compact.slice(4)}` };
  const upper = compact.toUpperCase();
  if (SUBSCRIPTION.test(upper)) return { kind: 'subscription', id: upper };
  if (DISPUTE.test(upper)) return { kind: 'dispute', id: upper };
  if (PAYPAL_ID.test(upper) && /\d/.test(upper)) return { kind: 'paypal_id', id: upper, ...(compact !== upper ? { asTyped: compact } : {}) };
  // Anything else id-shaped is Paystack's, kept as typed.
  if (PAYSTACK_ID.test(compact)) return { kind: 'paystack_id', id: compact };
  return NOT_AN_ID;
}

const NOT_AN_ID: ParsedId = { kind: 'not_an_id', id: '' };

/** Edits (insert, delete, substitute, swap two neighbours) between two ids, stopping early past `limit`. */
export function editDistance(a: string, b: string, limit = 3): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push(Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  }
  for (let i = 1; i <= a.length; i++) {
    let best = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
      best = Math.min(best, d);
    }
    if (best > limit) return limit + 1;
  }
  return rows[a.length]![b.length]!;
}

/** The kind of a stored id, for a suggestion. */
export function kindOfStored(id: string): SupportIdKind {
  return parseSupportId(id).kind;
}
