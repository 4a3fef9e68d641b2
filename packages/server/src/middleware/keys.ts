import { createHmac } from 'node:crypto';

/**
 * A purpose-bound key derived from the server's cookie secret (HMAC-SHA256 of the label), so the
 * session signature, the CSRF tokens and anything else keyed by the secret never share a key.
 */
export function deriveKey(secret: string, label: string): Buffer {
  return createHmac('sha256', secret).update(`devicelogin/${label}`, 'utf8').digest();
}

/** HMAC-SHA256 of `data`, base64url. */
export function mac(key: Buffer, data: string): string {
  return createHmac('sha256', key).update(data, 'utf8').digest('base64url');
}
