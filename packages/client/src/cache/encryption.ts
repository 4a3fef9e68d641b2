import { nodeCrypto } from './lazy-crypto.js';

/**
 * The encrypted cache file: a one-line JSON envelope around an AES-256-GCM ciphertext.
 *
 * ```json
 * {"format":"devicelogin-cache","v":1,"alg":"A256GCM","kid":"…","iv":"…","tag":"…","data":"…"}
 * ```
 *
 * - `format`, `v`: identify the envelope and its version (only 1 exists).
 * - `alg`: always `A256GCM` (AES-256 in Galois/Counter Mode, 128-bit tag).
 * - `kid`: a key fingerprint (base64url of the first 9 bytes of SHA-256 over a fixed label and
 *   the key), so that "encrypted with another key" can be told apart from "damaged". It reveals
 *   nothing usable about a random 256-bit key.
 * - `iv`: base64 of a fresh random 96-bit nonce from `node:crypto` for every write.
 * - `tag`: base64 of the 128-bit authentication tag.
 * - `data`: base64 of the ciphertext of the UTF-8 JSON cache document.
 *
 * The additional authenticated data is `devicelogin-cache/1/A256GCM/<kid>`, binding the header
 * to the ciphertext. Any change to the file (truncation, a flipped bit, another key) fails
 * authentication: the file is then treated as corrupt, never half-trusted.
 */
export const ENVELOPE_FORMAT = 'devicelogin-cache';

/** The envelope version this code writes and reads. */
export const ENVELOPE_VERSION = 1;

/** Length in bytes of a cache encryption key (AES-256). */
export const KEY_BYTES = 32;

const ALG = 'A256GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface Envelope {
  format: typeof ENVELOPE_FORMAT;
  v: number;
  alg: string;
  kid: string;
  iv: string;
  tag: string;
  data: string;
}

/** Result of {@link openCacheEnvelope}: the plaintext, or why it could not be had (no content). */
export type OpenedEnvelope =
  { readonly ok: true; readonly plaintext: Buffer } | { readonly ok: false; readonly reason: string };

/** A short fingerprint of `key` (see the envelope description). */
export function keyId(key: Uint8Array): string {
  return nodeCrypto()
    .createHash('sha256')
    .update('devicelogin-cache-key-id\0')
    .update(key)
    .digest()
    .subarray(0, 9)
    .toString('base64url');
}

function aad(kid: string): Buffer {
  return Buffer.from(`${ENVELOPE_FORMAT}/${ENVELOPE_VERSION}/${ALG}/${kid}`, 'utf8');
}

function assertKey(key: Uint8Array): void {
  if (key.byteLength !== KEY_BYTES) {
    throw new RangeError(`The cache encryption key must be ${KEY_BYTES} bytes, got ${key.byteLength}.`);
  }
}

/** True when `value` (a parsed JSON value) looks like a devicelogin cache envelope. */
export function isCacheEnvelope(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { format?: unknown }).format === ENVELOPE_FORMAT;
}

/**
 * Encrypts a serialised cache document into the bytes of an envelope file, with a fresh random
 * IV.
 * @throws RangeError when the key is not 32 bytes.
 */
export function sealCacheEnvelope(plaintext: Uint8Array, key: Uint8Array): Buffer {
  assertKey(key);
  const kid = keyId(key);
  const iv = nodeCrypto().randomBytes(IV_BYTES);
  const cipher = nodeCrypto().createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(kid));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const envelope: Envelope = {
    format: ENVELOPE_FORMAT,
    v: ENVELOPE_VERSION,
    alg: ALG,
    kid,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
  return Buffer.from(JSON.stringify(envelope), 'utf8');
}

function parseEnvelope(bytes: Uint8Array): Envelope | string {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    // The parser's message quotes the input: never pass it on.
    return 'the file is not an encrypted token cache (not JSON; truncated or overwritten?)';
  }
  if (!isCacheEnvelope(value)) return 'the file is not an encrypted token cache (a plaintext cache file?)';
  const e = value as Record<string, unknown>;
  if (e['v'] !== ENVELOPE_VERSION || e['alg'] !== ALG) return 'the file uses an unsupported envelope version';
  for (const field of ['kid', 'iv', 'tag', 'data'] as const) {
    if (typeof e[field] !== 'string') return `the envelope has no valid "${field}" field`;
  }
  return value as Envelope;
}

/**
 * Decrypts the bytes of an envelope file. Never throws for bad input: any problem is returned as
 * a reason that names no content.
 * @throws RangeError when the key is not 32 bytes.
 */
export function openCacheEnvelope(bytes: Uint8Array, key: Uint8Array): OpenedEnvelope {
  assertKey(key);
  const envelope = parseEnvelope(bytes);
  if (typeof envelope === 'string') return { ok: false, reason: envelope };
  if (envelope.kid !== keyId(key)) return { ok: false, reason: 'the file was encrypted with a different key' };
  const iv = Buffer.from(envelope.iv, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    return { ok: false, reason: 'the envelope has a malformed IV or tag' };
  }
  try {
    const decipher = nodeCrypto().createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(envelope.kid));
    decipher.setAuthTag(tag);
    const plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
    return { ok: true, plaintext };
  } catch {
    return { ok: false, reason: 'the file failed authentication (damaged or modified)' };
  }
}
