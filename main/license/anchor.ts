// The hardware anchor: base64url(HMAC-SHA256(appSalt, machine id)). The raw id is read, checked and hashed
// here and nowhere else; it is never logged, returned or put into an error.
import { createHmac } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import type { Anchor } from '../../common/anchor';
import { placeholderKind } from './machine-id-placeholders';

export type AnchorErrorCode = 'machine_id_unreadable' | 'machine_id_empty' | 'machine_id_placeholder' | 'machine_id_hostname';

export interface AnchorError {
  code: AnchorErrorCode;
  /** A sentence for the license panel; never contains the id. */
  message: string;
}

export type AnchorResult = { ok: true; anchor: Anchor } | { ok: false; error: AnchorError };

export interface AnchorSource {
  readMachineId(): Promise<string>;
  appSalt: string;
  /** This machine's host name, to recognise node-machine-id's fallback; defaults to os.hostname(). */
  hostname?: () => string;
}

const MESSAGES: Record<AnchorErrorCode, string> = {
  machine_id_unreadable: 'This computer\'s machine id could not be read, so a license cannot be bound to it.',
  machine_id_empty: 'This computer has no machine id, so a license cannot be bound to it.',
  machine_id_placeholder: 'This computer reports a placeholder machine id shared by many machines, so a license cannot be bound to it.',
  machine_id_hostname: 'This computer has no machine id (only its host name was found), so a license cannot be bound to it.',
};

const fail = (code: AnchorErrorCode): AnchorResult => ({ ok: false, error: { code, message: MESSAGES[code] } });

// The same normalisation node-machine-id applies to its Linux output, so the fallback compares equal.
const normalize = (value: string) => value.replace(/\s+/g, '').toLowerCase();

export async function deriveAnchor(source: AnchorSource): Promise<AnchorResult> {
  if (source.appSalt.length === 0) throw new RangeError('appSalt must not be empty');
  let raw: string;
  try {
    raw = await source.readMachineId();
  } catch {
    // The library's error embeds the failed command's output: dropped on purpose.
    return fail('machine_id_unreadable');
  }
  if (typeof raw !== 'string') return fail('machine_id_unreadable');
  const normalized = normalize(raw);
  const kind = placeholderKind(normalized);
  if (kind === 'empty') return fail('machine_id_empty');
  if (kind === 'placeholder') return fail('machine_id_placeholder');
  if (normalized === normalize((source.hostname ?? osHostname)())) return fail('machine_id_hostname');
  // 32 digest bytes in base64url are always the 43 characters common/anchor.ts describes.
  const anchor = createHmac('sha256', source.appSalt).update(normalized).digest('base64url') as Anchor;
  return { ok: true, anchor };
}
