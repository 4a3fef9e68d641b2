/**
 * Sealing of small secrets with AES-256-GCM (`node:crypto`): TOTP secrets at rest in the store,
 * and the secret of an enrolment in progress inside the session cookie. The key is derived from a
 * configured secret and a purpose label, so one secret never keys two purposes; the additional
 * authenticated data binds a sealed value to its owner (a user id), so a sealed secret copied to
 * another user's row does not open.
 *
 * Format: `v1.<iv>.<ciphertext>.<tag>` (base64url, 96-bit random IV, 128-bit tag). A box without a
 * key (no `mfaEncryptionSecret` configured) writes `plain.<value>`: see docs/security.md.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const SEALED = 'v1';
const PLAIN = 'plain';

/** A sealed value cannot be opened: wrong key (the secret was changed), tampered, or malformed. */
export class SealedValueError extends Error {
  override readonly name = 'SealedValueError';
  /** Stable code for logs. */
  readonly code = 'sealed_value_unreadable';
}

/** Seals and opens values with one purpose-bound key (or, without a key, stores them plainly). */
export class SecretBox {
  readonly #key: Buffer | undefined;

  /**
   * @param secret - the configured secret (≥ 32 characters), or undefined for plain storage.
   * @param purpose - label the key is derived for (HKDF-SHA256 `info`).
   */
  constructor(secret: string | undefined, purpose: string) {
    this.#key =
      secret === undefined
        ? undefined
        : Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), `devicelogin/${purpose}`, 32));
  }

  /** Whether values are encrypted (a key is configured). */
  get encrypts(): boolean {
    return this.#key !== undefined;
  }

  /** Seals `value` for `owner` (bound as additional authenticated data). */
  seal(value: string, owner: string): string {
    if (this.#key === undefined) return `${PLAIN}.${Buffer.from(value, 'utf8').toString('base64url')}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return [SEALED, iv, ciphertext, cipher.getAuthTag()]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /**
   * Opens a value sealed for `owner`. A plain value opens with or without a key (enrolments made
   * before a key was configured keep working).
   * @throws {SealedValueError} when the value is encrypted and this box has no key or another one,
   *   or when it was altered or bound to another owner.
   */
  open(sealed: string, owner: string): string {
    const [kind, ...parts] = sealed.split('.');
    if (kind === PLAIN && parts.length === 1 && parts[0] !== undefined) {
      return Buffer.from(parts[0], 'base64url').toString('utf8');
    }
    const [iv, ciphertext, tag] = parts.map((part) => Buffer.from(part, 'base64url'));
    if (kind !== SEALED || parts.length !== 3 || iv?.length !== 12 || tag?.length !== 16 || ciphertext === undefined) {
      throw new SealedValueError('malformed sealed value');
    }
    if (this.#key === undefined) throw new SealedValueError('the value is encrypted but no key is configured');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch (cause) {
      throw new SealedValueError('the value does not open with this key (changed secret, or altered)', { cause });
    }
  }
}
