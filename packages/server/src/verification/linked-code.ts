import { USER_CODE_ALPHABET, formatUserCode, normalizeUserCode } from '@devicelogin/protocol';

/** What a normalised user code may look like; anything else is malformed (and counts as a failure). */
export const WELL_FORMED_USER_CODE = new RegExp(`^[${USER_CODE_ALPHABET}]{4,16}$`);

/**
 * The code a deep link (`verification_uri_complete`, `?user_code=`) carries, grouped for
 * display, or undefined when the parameter is absent or could not be a code.
 */
export function linkedUserCode(parameter: string | null | undefined): string | undefined {
  const linked = normalizeUserCode(parameter ?? '');
  return WELL_FORMED_USER_CODE.test(linked) ? formatUserCode(linked) : undefined;
}
