// Our own identifiers: a type prefix a person can recognise in a support ticket, then 96 random bits.
import { createHash, randomBytes } from 'node:crypto';

export const newId = (prefix: 'chk' | 'lic' | 'sup' | 'mov'): string => `${prefix}_${randomBytes(12).toString('base64url')}`;

/** Whether a value can be one of our checkout ids at all: a webhook's custom_id that cannot is another
 *  integration's, and needs no database look-up to be told apart. */
export const isCheckoutId = (value: string): boolean => /^chk_[A-Za-z0-9_-]{16}$/.test(value);

/** Bearer secrets (poll tokens, support tokens, console sessions) are shown once and stored only as this hash. */
export const newSecret = (prefix: 'hbp' | 'hbs' | 'hbc'): string => `${prefix}_${randomBytes(32).toString('base64url')}`;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');
