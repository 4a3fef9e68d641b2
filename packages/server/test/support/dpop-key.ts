/**
 * A DPoP key pair for tests and the proofs it signs (RFC 9449 §4.2), with every field
 * overridable so tests can make each kind of bad proof.
 */
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** What a proof says; defaults make a good proof for `htm` and `htu`. */
export interface ProofOptions {
  readonly htm: string;
  readonly htu: string;
  readonly nonce?: string;
  /** Adds `ath` for this access token. */
  readonly accessToken?: string;
  /** Epoch seconds; default now by the system clock. */
  readonly iat?: number;
  readonly jti?: string;
  readonly typ?: string;
  /** Replaces the `jwk` header (e.g. with a private JWK). */
  readonly jwk?: JWK;
}

/** A test DPoP key. */
export interface DpopKey {
  /** Its JWK SHA-256 thumbprint (RFC 7638). */
  readonly jkt: string;
  readonly privateJwk: JWK;
  proof(options: ProofOptions): Promise<string>;
}

/** A new ES256 DPoP key. */
export async function dpopKey(): Promise<DpopKey> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    jkt: await calculateJwkThumbprint(jwk, 'sha256'),
    privateJwk: await exportJWK(privateKey),
    proof: (options) =>
      new SignJWT({
        jti: options.jti ?? randomUUID(),
        htm: options.htm,
        htu: options.htu,
        iat: options.iat ?? Math.floor(Date.now() / 1000),
        ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
        ...(options.accessToken === undefined
          ? {}
          : { ath: createHash('sha256').update(options.accessToken).digest('base64url') }),
      })
        .setProtectedHeader({ alg: 'ES256', typ: options.typ ?? 'dpop+jwt', jwk: options.jwk ?? jwk })
        .sign(privateKey),
  };
}
