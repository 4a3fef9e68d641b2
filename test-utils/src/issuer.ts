import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';

/** A signing key with its public JWKS, for test servers that issue id_tokens. */
export interface TestIssuer {
  readonly jwks: { keys: JWK[] };
  /** Signs `claims` as a JWT (RS256, kid `test-key`), with iat/exp defaults around `nowSeconds`. */
  sign(claims: JWTPayload, nowSeconds: number): Promise<string>;
}

/** Creates an RS256 key pair for a test issuer. */
export async function createTestIssuer(kid = 'test-key'): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    sign: (claims, nowSeconds) =>
      new SignJWT({ iat: nowSeconds, exp: nowSeconds + 3600, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid })
        .sign(privateKey),
  };
}
