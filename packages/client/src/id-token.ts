import type { JSONWebKeySet, JWTPayload } from 'jose';
import { loadJose, type Jose } from './jose.js';
import { processResponse, type Clock } from '@devicelogin/protocol';
import { ConfigurationError, IdTokenValidationError, ServerError } from './errors.js';
import type { HttpTransport } from './http.js';
import type { ResolvedConfig } from './config.js';
import type { ResolvedEndpoints } from './authority/endpoints.js';

/** Claims of a validated id_token. */
export type IdTokenClaims = Readonly<JWTPayload & Record<string, unknown>>;

/** What {@link validateIdToken} checks the token against. */
export interface IdTokenExpectations {
  readonly mode: 'verify' | 'decode';
  readonly clientId: string;
  /** Expected `iss`; `{tenantid}` is replaced by the token's `tid` claim. */
  readonly issuer: string | undefined;
  readonly jwksUri: string | undefined;
  readonly clock: Clock;
  readonly clockSkewSeconds: number;
  readonly signal: AbortSignal | undefined;
}

function isJwks(value: unknown): value is JSONWebKeySet {
  return typeof value === 'object' && value !== null && Array.isArray((value as { keys?: unknown }).keys);
}

/**
 * Fetches and caches JSON Web Key Sets. A key id that is not in the cached set triggers one
 * refetch (key rotation), at most once a minute per URL.
 */
export class JwksCache {
  readonly #http: HttpTransport;
  readonly #clock: Clock;
  readonly #sets = new Map<string, { readonly keys: JSONWebKeySet; readonly fetchedAt: number }>();

  constructor(http: HttpTransport, clock: Clock) {
    this.#http = http;
    this.#clock = clock;
  }

  /** The key set at `url`, fetched now when absent or when `refresh` asks and the copy is older than a minute. */
  async get(url: string, signal: AbortSignal | undefined, refresh = false): Promise<JSONWebKeySet> {
    const cached = this.#sets.get(url);
    if (cached !== undefined && !(refresh && this.#clock.now() - cached.fetchedAt > 60_000)) return cached.keys;
    const processed = processResponse(await this.#http.get(url, { signal }), (body) => body);
    if (processed.kind !== 'ok') {
      const status = processed.kind === 'oauth_error' ? processed.error.status : processed.status;
      throw new ServerError(`The signing keys could not be fetched (HTTP ${status}).`, { status });
    }
    if (!isJwks(processed.value))
      throw new IdTokenValidationError('jwks_invalid', 'the JWKS document has no keys array');
    this.#sets.set(url, { keys: processed.value, fetchedAt: this.#clock.now() });
    return processed.value;
  }
}

function fail(jose: Jose, error: unknown): never {
  if (error instanceof jose.errors.JOSEError) {
    throw new IdTokenValidationError(error.code, error.message, error);
  }
  throw error;
}

/**
 * Validates an id_token. In `verify` mode: signature against the issuer's JWKS (with jose),
 * `aud` = client id, `exp`/`iat`/`nbf` with clock skew, then `iss` against the expected issuer
 * (Entra's `{tenantid}` template filled from `tid`). In `decode` mode (Entra v1, which may send
 * unsigned id_tokens over TLS, as OIDC Core §3.1.3.7 allows for tokens from the token endpoint)
 * the same claims are checked without the signature.
 * @throws {IdTokenValidationError} with jose's error code as `reason`.
 */
export async function validateIdToken(
  idToken: string,
  expectations: IdTokenExpectations,
  jwks: JwksCache,
): Promise<IdTokenClaims> {
  const jose = await loadJose();
  const { createLocalJWKSet, decodeJwt, jwtVerify } = jose;
  const currentDate = new Date(expectations.clock.now());
  let claims: JWTPayload;
  if (expectations.mode === 'verify') {
    if (expectations.jwksUri === undefined) {
      throw new ConfigurationError('auth.endpoints.jwks', 'is needed to verify the id_token this provider returns');
    }
    const options = { audience: expectations.clientId, currentDate, clockTolerance: expectations.clockSkewSeconds };
    const uri = expectations.jwksUri;
    try {
      claims = (await jwtVerify(idToken, createLocalJWKSet(await jwks.get(uri, expectations.signal)), options)).payload;
    } catch (error) {
      if (!(error instanceof jose.errors.JWKSNoMatchingKey)) fail(jose, error);
      try {
        const refreshed = await jwks.get(uri, expectations.signal, true);
        claims = (await jwtVerify(idToken, createLocalJWKSet(refreshed), options)).payload;
      } catch (retryError) {
        fail(jose, retryError);
      }
    }
  } else {
    try {
      claims = decodeJwt(idToken);
    } catch (error) {
      fail(jose, error);
    }
    checkDecodedClaims(claims, expectations, currentDate.getTime() / 1000);
  }
  checkIssuer(claims, expectations.issuer);
  return Object.freeze({ ...claims });
}

function checkDecodedClaims(claims: JWTPayload, expectations: IdTokenExpectations, now: number): void {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(expectations.clientId)) {
    throw new IdTokenValidationError('ERR_JWT_CLAIM_VALIDATION_FAILED', 'unexpected "aud" claim value');
  }
  if (typeof claims.exp !== 'number' || claims.exp + expectations.clockSkewSeconds <= now) {
    throw new IdTokenValidationError('ERR_JWT_EXPIRED', '"exp" claim timestamp check failed');
  }
}

function checkIssuer(claims: JWTPayload, expected: string | undefined): void {
  if (expected === undefined) return;
  const tid = typeof claims['tid'] === 'string' ? claims['tid'] : undefined;
  if (expected.includes('{tenantid}') && tid === undefined) {
    throw new IdTokenValidationError('ERR_JWT_CLAIM_VALIDATION_FAILED', 'missing "tid" claim needed to check "iss"');
  }
  const issuer = tid === undefined ? expected : expected.replaceAll('{tenantid}', tid);
  const strip = (s: string): string => (s.endsWith('/') ? s.slice(0, -1) : s);
  if (typeof claims.iss !== 'string' || strip(claims.iss) !== strip(issuer)) {
    throw new IdTokenValidationError('ERR_JWT_CLAIM_VALIDATION_FAILED', 'unexpected "iss" claim value');
  }
}

/**
 * Validates the id_token of a token response (device code or refresh) against this client's
 * configuration and resolved endpoints; undefined when the response has none.
 */
export function validateReturnedIdToken(
  idToken: string | undefined,
  config: ResolvedConfig,
  endpoints: ResolvedEndpoints,
  jwks: JwksCache,
  signal: AbortSignal | undefined,
): Promise<IdTokenClaims | undefined> {
  if (idToken === undefined) return Promise.resolve(undefined);
  return validateIdToken(
    idToken,
    {
      mode: config.profile.idToken,
      clientId: config.clientId,
      issuer: endpoints.issuer,
      jwksUri: endpoints.jwks,
      clock: config.clock,
      clockSkewSeconds: config.clockSkewSeconds,
      signal,
    },
    jwks,
  );
}
