import { nodeCrypto } from '../cache/lazy-crypto.js';
import { loadJose } from '../jose.js';
import type { DpopKey } from './key.js';

/** What one DPoP proof is for. */
export interface ProofRequest {
  readonly key: DpopKey;
  /** The HTTP method of the request (`htm`, normalised as fetch does: `get` → `GET`). */
  readonly method: string;
  /** The request URL; `htu` is this URL without its query and fragment. */
  readonly url: string;
  /** Epoch ms from the client's clock: `iat`. */
  readonly now: number;
  /** The server's latest `DPoP-Nonce`, when it gave one. */
  readonly nonce?: string | undefined;
  /** For a request to a resource server: the access token, hashed into `ath`. */
  readonly accessToken?: string | undefined;
}

/** Methods fetch upper-cases (WHATWG Fetch "normalize"); any other method is sent as written. */
const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

/** The method as fetch sends it: `htm` must be exactly that (RFC 9449 §4.2; methods are case-sensitive). */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

/** `htu` (RFC 9449 §4.2): the target URI without query and fragment. */
export function htuOf(url: string): string {
  const parsed = new URL(url);
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}

/** `ath` (RFC 9449 §4.2): base64url of the SHA-256 of the access token's ASCII bytes. */
export function athOf(accessToken: string): string {
  return nodeCrypto().createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * A DPoP proof JWT (RFC 9449 §4.2): header `typ: dpop+jwt`, `alg: ES256` and the public `jwk`;
 * claims `jti` (128 random bits), `htm`, `htu`, `iat`, and `nonce` / `ath` when they apply.
 * A proof is a credential for one request: never log it.
 */
export async function createProof(request: ProofRequest): Promise<string> {
  const jose = await loadJose();
  return new jose.SignJWT({
    jti: nodeCrypto().randomBytes(16).toString('base64url'),
    htm: normalizeMethod(request.method),
    htu: htuOf(request.url),
    iat: Math.floor(request.now / 1000),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...(request.accessToken === undefined ? {} : { ath: athOf(request.accessToken) }),
  })
    .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: { ...request.key.publicJwk } })
    .sign(request.key.privateKey);
}
