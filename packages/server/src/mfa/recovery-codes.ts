/**
 * Recovery codes: the way in when the authenticator is lost. Ten per enrolment, each 16 random
 * characters of a 31-symbol alphabet without look-alikes (79 bits, shown `xxxx-xxxx-xxxx-xxxx`),
 * shown once, stored as SHA-256 hashes (high entropy: a fast hash is enough, as for tokens), each
 * usable once.
 */
import { randomInt } from 'node:crypto';
import { sha256 } from '../crypto.js';

/** How many codes an enrolment gets. */
export const RECOVERY_CODE_COUNT = 10;

/** Lower-case letters and digits without 0/o, 1/l/i: 31 symbols. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const LENGTH = 16;

/** A new set of codes as shown to the user (grouped with dashes). */
export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < LENGTH; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
    return code.match(/.{4}/g)?.join('-') ?? code;
  });
}

/** A typed code without case, spaces and dashes, or undefined when it cannot be one. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input.toLowerCase().replace(/[\s-]+/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/** The stored form of a code (as shown or as typed). */
export function recoveryCodeHash(code: string): string {
  return sha256(normalizeRecoveryCode(code) ?? code);
}
