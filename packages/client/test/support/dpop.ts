import { createHash } from 'node:crypto';
import {
  calculateJwkThumbprint,
  EmbeddedJWK,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  type JWK,
  type JWTHeaderParameters,
  type JWTPayload,
} from 'jose';

/** A DPoP proof checked as a resource or authorization server would (RFC 9449 §4.3). */
export interface VerifiedProof {
  readonly header: JWTHeaderParameters & { readonly jwk: JWK };
  readonly payload: JWTPayload & {
    readonly jti: string;
    readonly htm: string;
    readonly htu: string;
    readonly iat: number;
    readonly nonce?: string;
    readonly ath?: string;
  };
  /** The JWK SHA-256 thumbprint of the proof's key: what a token is bound to. */
  readonly thumbprint: string;
}

/**
 * Verifies a proof with jose against the JWK in its own header (`EmbeddedJWK`), requiring
 * `typ: dpop+jwt` and ES256; `now` (ms) is the verifier's clock.
 */
export async function verifyProof(proof: string | string[] | undefined, now: number): Promise<VerifiedProof> {
  if (typeof proof !== 'string') throw new Error(`expected one DPoP header, got ${JSON.stringify(proof)}`);
  const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
    typ: 'dpop+jwt',
    algorithms: ['ES256'],
    currentDate: new Date(now),
  });
  const jwk = protectedHeader.jwk;
  if (jwk === undefined) throw new Error('no jwk in the proof header');
  for (const claim of ['jti', 'htm', 'htu'] as const) {
    if (typeof payload[claim] !== 'string') throw new Error(`proof claim ${claim} is not a string`);
  }
  if (typeof payload.iat !== 'number') throw new Error('proof claim iat is not a number');
  return {
    header: protectedHeader as VerifiedProof['header'],
    payload: payload as VerifiedProof['payload'],
    thumbprint: await calculateJwkThumbprint(jwk, 'sha256'),
  };
}

/** `ath`: base64url(SHA-256(access token)). Computed independently of the client. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** A new P-256 private JWK and its thumbprint, to plant in a cache as another key. */
export async function otherP256Key(): Promise<{ readonly jwk: JWK; readonly thumbprint: string }> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y, d } = (await exportJWK(privateKey)) as Required<Pick<JWK, 'kty' | 'crv' | 'x' | 'y' | 'd'>>;
  return { jwk: { kty, crv, x, y, d }, thumbprint: await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256') };
}

/** A cache document, loosely typed for assertions on its entries. */
export type CacheDocument = Record<
  'Account' | 'IdToken' | 'AccessToken' | 'RefreshToken' | 'AppMetadata',
  Record<string, Record<string, unknown>>
>;

/** Parses `getTokenCache().serialize()`. */
export function cacheDocument(serialized: string): CacheDocument {
  return JSON.parse(serialized) as CacheDocument;
}
