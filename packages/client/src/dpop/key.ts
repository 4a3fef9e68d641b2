import type { CryptoKey } from 'jose';
import type { Jose } from '../jose.js';

/**
 * The public half of a DPoP key, as a proof's `jwk` header carries it (RFC 9449 §4.2): the
 * members of a P-256 public key and nothing else (no `d`, no `key_ops`, no `ext`).
 */
export interface DpopPublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
}

/** The private JWK kept with the account in the token cache (which is encrypted at rest). */
export interface DpopPrivateJwk extends DpopPublicJwk {
  readonly d: string;
}

/**
 * A DPoP key in memory: the private key as a non-extractable CryptoKey (it can sign, it cannot
 * be exported again), its public JWK and its key id, the JWK SHA-256 thumbprint (RFC 7638) that
 * the server binds tokens to (`cnf.jkt`).
 */
export interface DpopKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: DpopPublicJwk;
  readonly keyId: string;
}

/** A key as stored with an account: its thumbprint and its private JWK. */
export interface StoredDpopKey {
  readonly keyId: string;
  readonly privateJwk: DpopPrivateJwk;
}

/** ES256 (RFC 7518 §3.4): ECDSA with P-256 and SHA-256. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

const isBase64url = (value: unknown): value is string => typeof value === 'string' && /^[A-Za-z0-9_-]+$/.test(value);

/** The private JWK in `value`, reduced to its P-256 members, or undefined when it is not one. */
export function asPrivateJwk(value: unknown): DpopPrivateJwk | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kty, crv, x, y, d } = value as Record<string, unknown>;
  if (kty !== 'EC' || crv !== 'P-256' || !isBase64url(x) || !isBase64url(y) || !isBase64url(d)) return undefined;
  return Object.freeze({ kty, crv, x, y, d });
}

/**
 * Imports a stored private JWK for signing. The CryptoKey is non-extractable: nothing in this
 * process can read the private key back out of it. Node has no IndexedDB to keep such a key
 * across processes, as browsers do, so what persists is the JWK in the encrypted token cache.
 * @throws when the JWK is not a valid P-256 private key.
 */
export async function importDpopKey(jose: Jose, jwk: DpopPrivateJwk): Promise<DpopKey> {
  const { kty, crv, x, y, d } = jwk;
  const privateKey = await globalThis.crypto.subtle.importKey('jwk', { kty, crv, x, y, d }, ALGORITHM, false, ['sign']);
  const publicJwk: DpopPublicJwk = Object.freeze({ kty, crv, x, y });
  return Object.freeze({ privateKey, publicJwk, keyId: await jose.calculateJwkThumbprint(publicJwk, 'sha256') });
}

/**
 * A new P-256 key pair (WebCrypto), for one device code sign-in or the first refresh of an
 * account without a key. The private JWK is exported once, to be stored with the account;
 * what signs is a non-extractable import of it.
 */
export async function generateDpopKey(jose: Jose): Promise<{ readonly key: DpopKey; readonly stored: StoredDpopKey }> {
  const pair = await globalThis.crypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const privateJwk = asPrivateJwk(await globalThis.crypto.subtle.exportKey('jwk', pair.privateKey));
  if (privateJwk === undefined) throw new Error('WebCrypto exported an unexpected P-256 private JWK');
  const key = await importDpopKey(jose, privateJwk);
  return { key, stored: Object.freeze({ keyId: key.keyId, privateJwk }) };
}
