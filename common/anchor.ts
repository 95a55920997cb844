/**
 * The hardware anchor: base64url (no padding) of an HMAC-SHA256, i.e. 32 bytes → 43 characters.
 * Only this value ever leaves the machine; the server treats it as an opaque, already-hashed id.
 */
export type Anchor = string & { readonly __brand: 'Anchor' };

/** 43 base64url characters whose last one leaves the unused low bits zero (canonical for 32 bytes). */
export const ANCHOR_PATTERN = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export function isAnchor(value: unknown): value is Anchor {
  return typeof value === 'string' && ANCHOR_PATTERN.test(value);
}

/** A short, human-comparable form for support screens and the license panel. */
export function shortAnchor(anchor: string): string {
  return `${anchor.slice(0, 6)}…${anchor.slice(-4)}`;
}
