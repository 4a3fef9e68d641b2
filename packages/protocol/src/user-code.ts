/**
 * The user-code alphabet recommended by RFC 8628 §6.1: 20 consonants, no vowels (no words), no
 * look-alikes. Eight characters give 20^8 ≈ 2^34.6 codes.
 */
export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** Normalises what a user typed: upper case, spaces and dashes removed. */
export function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/[\s\-‐-―]/g, '');
}

/** Groups a code for display, `BCDFGHJK` → `BCDF-GHJK`. Codes of other lengths are grouped by 4. */
export function formatUserCode(code: string): string {
  return (normalizeUserCode(code).match(/.{1,4}/g) ?? []).join('-');
}
