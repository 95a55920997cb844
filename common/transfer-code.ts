// Transfer codes, as the server makes them and as people type them: 12 characters of Crockford's base32
// (digits and capitals without I, L, O, U: nothing to mix up when read aloud or copied by hand), shown in
// three groups of four. 60 random bits: far beyond online guessing with the redeem endpoint's rate limit
// and the code's short life. Typing is forgiving: any case, any spaces or dashes, O for 0, I or L for 1.
export const TRANSFER_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRANSFER_CODE_LENGTH = 12;

/** The canonical form (12 characters, no separators), or null when `input` cannot be a transfer code. */
export function normalizeTransferCode(input: string): string | null {
  const compact = input.toUpperCase().replace(/[\s-]+/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  if (compact.length !== TRANSFER_CODE_LENGTH) return null;
  for (const char of compact) if (!TRANSFER_CODE_ALPHABET.includes(char)) return null;
  return compact;
}

/** "7K3MQ9XD2PWA" → "7K3M-Q9XD-2PWA". */
export function formatTransferCode(canonical: string): string {
  return canonical.match(/.{1,4}/g)?.join('-') ?? canonical;
}

export const NOT_A_TRANSFER_CODE = 'That is not a transfer code: it has 12 letters and digits, like 7K3M-Q9XD-2PWA. Check it and try again.';
