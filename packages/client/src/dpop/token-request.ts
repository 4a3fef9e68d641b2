import { processTokenResponse, type Clock } from '@devicelogin/protocol';
import { DpopNonceError } from '../errors.js';
import { endpointName, type HttpResponse, type HttpTransport, type RequestOptions } from '../http.js';
import type { Logger } from '../logger.js';
import type { DpopKey } from './key.js';
import { isValidNonce, type DpopNonces } from './nonces.js';
import { createProof } from './proof.js';

/** What a token endpoint request needs to carry DPoP proofs. */
export interface TokenRequestDpop {
  readonly key: DpopKey;
  readonly nonces: DpopNonces;
  readonly clock: Clock;
  readonly log: Logger;
}

/** True when the token endpoint asked for a (new) nonce: `use_dpop_nonce` with a `DPoP-Nonce` (RFC 9449 §8). */
function asksForNonce(response: HttpResponse): boolean {
  if (!isValidNonce(response.dpopNonce) || response.status < 400 || response.status >= 500) return false;
  try {
    const processed = processTokenResponse(response);
    return processed.kind === 'oauth_error' && processed.error.error === 'use_dpop_nonce';
  } catch {
    return false; // not an OAuth body: the caller's processing reports it
  }
}

/**
 * Posts a form to the token endpoint. With `dpop`, each request carries a fresh proof (with the
 * endpoint's latest nonce), the `DPoP-Nonce` of every answer (success or error) is remembered,
 * and a `use_dpop_nonce` error is retried once at once with the new nonce: the caller sees only
 * the second answer (a device code poll is not counted twice).
 * @throws {DpopNonceError} the server asked for a new nonce again right after the retry.
 */
export async function postTokenRequest(
  http: HttpTransport,
  url: string,
  parameters: Readonly<Record<string, string | undefined>>,
  options: RequestOptions,
  dpop: TokenRequestDpop | undefined,
): Promise<HttpResponse> {
  if (dpop === undefined) return http.postForm(url, parameters, options);
  const send = async (nonce: string | undefined): Promise<HttpResponse> => {
    const proof = await createProof({ key: dpop.key, method: 'POST', url, now: dpop.clock.now(), nonce });
    const response = await http.postForm(url, parameters, { ...options, headers: { ...options.headers, dpop: proof } });
    dpop.nonces.remember(url, response.dpopNonce);
    return response;
  };
  const first = await send(dpop.nonces.get(url));
  if (!asksForNonce(first)) return first;
  dpop.log('debug', `${endpointName(url)} asked for a DPoP nonce; retrying with it`);
  const second = await send(first.dpopNonce ?? undefined); // valid: checked by asksForNonce
  if (asksForNonce(second)) throw new DpopNonceError(endpointName(url));
  return second;
}
