import { findChallenge, parseWwwAuthenticate } from '@devicelogin/protocol';

/** A `DPoP-Nonce` value (RFC 9449 §8.1: 1*NQCHAR). Anything else is ignored. */
const NONCE = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** How many origins' nonces are kept (the oldest is forgotten first). */
const MAX_ORIGINS = 64;

/** Whether a `DPoP-Nonce` header value is well formed. */
export function isValidNonce(value: string | null | undefined): value is string {
  return value !== null && value !== undefined && value.length <= 1024 && NONCE.test(value);
}

/**
 * The latest `DPoP-Nonce` each server gave (RFC 9449 §8, §9), by origin: the authorization
 * server's token endpoint and resource servers alike. A nonce is not a secret, but it is only
 * ever sent back to the origin that issued it.
 */
export class DpopNonces {
  readonly #byOrigin = new Map<string, string>();

  /** The nonce to put in the next proof for `url`, if its origin gave one. */
  get(url: string): string | undefined {
    return this.#byOrigin.get(new URL(url).origin);
  }

  /** Remembers the `DPoP-Nonce` of a response from `url` (absent or malformed: no change). */
  remember(url: string, nonce: string | null | undefined): void {
    if (!isValidNonce(nonce)) return;
    const origin = new URL(url).origin;
    this.#byOrigin.delete(origin);
    this.#byOrigin.set(origin, nonce);
    if (this.#byOrigin.size > MAX_ORIGINS) this.#byOrigin.delete(this.#byOrigin.keys().next().value!);
  }
}

/** The parts of a fetch `Response` a challenge is read from. */
export interface ChallengeResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
}

/**
 * The new nonce when a resource server's answer is a nonce challenge (RFC 9449 §9): `401` with
 * `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce` header. Otherwise undefined.
 * @example
 * ```ts
 * const nonce = dpopNonceChallenge(response);
 * if (nonce !== undefined) headers = await app.createResourceHeaders({ token, method, url, nonce });
 * ```
 */
export function dpopNonceChallenge(response: ChallengeResponse): string | undefined {
  if (response.status !== 401) return undefined;
  const nonce = response.headers.get('dpop-nonce');
  if (!isValidNonce(nonce)) return undefined;
  const challenge = findChallenge(parseWwwAuthenticate(response.headers.get('www-authenticate')), 'DPoP');
  return challenge?.parameters.get('error') === 'use_dpop_nonce' ? nonce : undefined;
}
