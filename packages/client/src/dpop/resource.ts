import type { AccountInfo } from '../account.js';
import type { TokenCache } from '../cache/token-cache.js';
import type { ResolvedConfig } from '../config.js';
import { ConfigurationError, DpopKeyError } from '../errors.js';
import { findAccount } from '../flows/silent.js';
import { endpointName } from '../http.js';
import type { TokenType } from '../result.js';
import { storedKeyOf } from './account-key.js';
import type { DpopState } from './dpop-state.js';
import type { DpopKey } from './key.js';
import { dpopNonceChallenge, isValidNonce } from './nonces.js';
import { createProof, normalizeMethod } from './proof.js';

/** The token a resource request is authorised with. An {@link AuthenticationResult} is one. */
export interface ResourceToken {
  readonly accessToken: string;
  readonly tokenType: TokenType;
  /** The account the token was issued to: its DPoP key signs the proofs of a `DPoP` token. */
  readonly account?: AccountInfo | undefined;
}

/** What {@link PublicClientApplication.createResourceHeaders} authorises. */
export interface ResourceHeadersRequest {
  /** The token (an `AuthenticationResult`, or `{ accessToken, tokenType, account }`). */
  readonly token: ResourceToken;
  /** The HTTP method of the request, as it will be sent. */
  readonly method: string;
  /** The request URL (the proof's `htu` is this URL without query and fragment). */
  readonly url: string | URL;
  /**
   * The nonce the resource server demanded in its `DPoP-Nonce` header (a `401` with
   * `WWW-Authenticate: DPoP error="use_dpop_nonce"`: see `dpopNonceChallenge`). Default: the
   * latest nonce this client saw from the URL's origin, if any.
   */
  readonly nonce?: string | undefined;
}

/** Headers that authorise one request: set both (`dpop` only exists for DPoP tokens). */
export interface ResourceHeaders {
  /** `Bearer <token>` or `DPoP <token>`. A credential: never log it. */
  readonly authorization: string;
  /** The DPoP proof for this request (RFC 9449 §7); a new one is needed for every request. */
  readonly dpop?: string;
}

/** What {@link PublicClientApplication.fetchResource} sends. */
export interface ResourceFetchRequest {
  readonly token: ResourceToken;
  readonly url: string | URL;
  /** Default `GET`. */
  readonly method?: string | undefined;
  /** More request headers; the client sets `Authorization` (and `DPoP` for a DPoP token). */
  readonly headers?: RequestInit['headers'];
  /** The body: a string or bytes, so that it can be sent again after a nonce challenge. */
  readonly body?: string | Uint8Array | undefined;
  /** Cancels the request: it rejects with `CancelledError`. */
  readonly signal?: AbortSignal | undefined;
}

/** What resource requests need from the client. */
export interface ResourceDependencies {
  readonly config: ResolvedConfig;
  readonly cache: TokenCache;
  readonly dpop: DpopState;
}

const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function checkRequest(request: ResourceHeadersRequest): { readonly url: string; readonly method: string } {
  const token = request?.token as Partial<ResourceToken> | undefined;
  if (typeof token?.accessToken !== 'string' || token.accessToken === '') {
    throw new ConfigurationError('token.accessToken', 'must be the access token of a result');
  }
  if (token.tokenType !== 'Bearer' && token.tokenType !== 'DPoP') {
    throw new ConfigurationError('token.tokenType', 'must be Bearer or DPoP');
  }
  if (typeof request.method !== 'string' || !METHOD.test(request.method)) {
    throw new ConfigurationError('method', 'must be an HTTP method');
  }
  const url = String(request.url);
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new ConfigurationError('url', 'must be an absolute http(s) URL');
  }
  if (request.nonce !== undefined && !isValidNonce(request.nonce)) {
    throw new ConfigurationError('nonce', 'is not a DPoP-Nonce value');
  }
  return { url, method: normalizeMethod(request.method) };
}

/** The DPoP key of a token: the one remembered for it in memory, else its account's. */
async function keyOfToken(deps: ResourceDependencies, token: ResourceToken): Promise<DpopKey> {
  const remembered = deps.dpop.keyForToken(token.accessToken);
  if (remembered !== undefined) return remembered;
  if (token.account === undefined) {
    throw new DpopKeyError('the token has no account and was not obtained by this client instance');
  }
  await deps.cache.sync();
  const entry = findAccount(deps.cache, token.account);
  const stored = entry === undefined ? undefined : storedKeyOf(entry.value);
  if (stored === undefined) throw new DpopKeyError('its account has no DPoP key in the token cache');
  try {
    return await deps.dpop.keyOf(stored);
  } catch {
    throw new DpopKeyError('the DPoP key stored with its account is unusable');
  }
}

/** See {@link PublicClientApplication.createResourceHeaders}. */
export async function resourceHeaders(
  deps: ResourceDependencies,
  request: ResourceHeadersRequest,
): Promise<ResourceHeaders> {
  const { url, method } = checkRequest(request);
  const { accessToken, tokenType } = request.token;
  if (tokenType === 'Bearer') return Object.freeze({ authorization: `Bearer ${accessToken}` });
  const key = await keyOfToken(deps, request.token);
  if (request.nonce !== undefined) deps.dpop.nonces.remember(url, request.nonce);
  const nonce = request.nonce ?? deps.dpop.nonces.get(url);
  const proof = await createProof({ key, method, url, now: deps.config.clock.now(), nonce, accessToken });
  return Object.freeze({ authorization: `DPoP ${accessToken}`, dpop: proof });
}

/** See {@link PublicClientApplication.fetchResource}. */
export async function fetchResource(
  deps: ResourceDependencies,
  request: ResourceFetchRequest,
  signal: AbortSignal,
): Promise<Response> {
  if (typeof request !== 'object' || request === null) throw new ConfigurationError('request', 'is required');
  const method = request.method ?? 'GET';
  const url = String(request.url);
  const send = async (nonce: string | undefined): Promise<Response> => {
    const authorization = await resourceHeaders(deps, { token: request.token, method, url, nonce });
    const headers = new Headers(request.headers);
    headers.set('authorization', authorization.authorization);
    if (authorization.dpop !== undefined) headers.set('dpop', authorization.dpop);
    const init: RequestInit = { method: normalizeMethod(method), headers };
    if (request.body !== undefined) init.body = request.body;
    const response = await deps.config.http.fetchResponse(url, init, { signal });
    deps.dpop.nonces.remember(url, response.headers.get('dpop-nonce'));
    return response;
  };
  const first = await send(undefined);
  const nonce = request.token.tokenType === 'DPoP' ? dpopNonceChallenge(first) : undefined;
  if (nonce === undefined) return first;
  await first.body?.cancel();
  deps.config.log('debug', `${endpointName(url)} asked for a DPoP nonce; sending the request again with it`);
  return send(nonce);
}
