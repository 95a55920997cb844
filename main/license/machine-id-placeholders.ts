// Ids that many machines share: an anchor made from one would bind a license to every such machine.

/** Well-known non-unique ids, compared lower-case. */
const KNOWN_PLACEHOLDERS = new Set([
  // systemd writes this into /etc/machine-id until first boot completes.
  'uninitialized',
  // SMBIOS UUIDs that boards ship unset or filled with a test pattern (macOS IOPlatformUUID, FreeBSD smbios).
  '03000200-0400-0500-0006-000700080009',
  '00020003-0004-0005-0006-000700080009',
  '12345678-1234-5678-90ab-cddeefaabbcc',
  '00010203-0405-0607-0809-0a0b0c0d0e0f',
  '01020304-0506-0708-090a-0b0c0d0e0f10',
  'ffffff00-ffff-ffff-ffff-ffffffffffff',
  // The shared D-Bus/systemd machine id of Whonix and Kicksecure, copied into many hardened images.
  'b08dfa6083e7567a1921a715000001fb',
]);

export type PlaceholderKind = 'empty' | 'placeholder';

/** Why `normalized` (lower-case, no whitespace) cannot identify one machine, or null when it can. */
export function placeholderKind(normalized: string): PlaceholderKind | null {
  if (normalized === '') return 'empty';
  if (KNOWN_PLACEHOLDERS.has(normalized)) return 'placeholder';
  const digits = normalized.replace(/-/g, '');
  if (digits === '') return 'placeholder';
  // All zeros, all 'f's, "fefefefe…", "deadbeef…", "12345678…" repeated: a pattern, not an id.
  if (/^(.{1,8})\1+$/.test(digits)) return 'placeholder';
  // Firmware that fills only the last group ("00000000-0000-0000-0000-0000000000a1").
  if (/^0{20}/.test(digits)) return 'placeholder';
  return null;
}
