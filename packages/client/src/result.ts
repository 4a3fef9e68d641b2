import { InvalidResponseError, type TokenResponse } from '@devicelogin/protocol';
import { accountFromClaims, type AccountInfo } from './account.js';
import { decodeClientInfo } from './client-info.js';
import type { IdTokenClaims } from './id-token.js';

/** The outcome of a successful sign-in, shaped like MSAL's `AuthenticationResult`. */
export interface AuthenticationResult {
  readonly accessToken: string;
  /**
   * `Bearer`, or `DPoP` for a token bound to the account's DPoP key (RFC 9449): send it with
   * `Authorization: DPoP …` and a proof, as `createResourceHeaders` / `fetchResource` do.
   */
  readonly tokenType: TokenType;
  /** Scopes granted (the server's `scope`), or the scopes requested when the server sent none. */
  readonly scopes: readonly string[];
  /** Undefined when the token does not expire (GitHub OAuth apps). */
  readonly expiresOn: Date | undefined;
  /** Entra's extended expiry, usable during an outage. */
  readonly extExpiresOn: Date | undefined;
  /** When to refresh proactively (Entra's `refresh_in`). */
  readonly refreshOn: Date | undefined;
  readonly idToken: string | undefined;
  /** Validated id_token claims. */
  readonly idTokenClaims: IdTokenClaims | undefined;
  /** The signed-in account, when an id_token was returned. */
  readonly account: AccountInfo | undefined;
  /**
   * The refresh token, when the provider issued one. Until the token cache arrives the
   * application keeps it; never log it.
   */
  readonly refreshToken: string | undefined;
  /** Entra's family id (`foci`), when present. */
  readonly familyId: string | undefined;
  /** The normalised authority the tokens come from. */
  readonly authority: string;
  /** Always false here; true for results served from the cache. */
  readonly fromCache: boolean;
}

/** The token types the client can use. */
export type TokenType = 'Bearer' | 'DPoP';

/**
 * Checks the `token_type` of a token response: `Bearer`, or `DPoP` when the request carried a
 * proof. A client must not use a token of a type it does not understand (RFC 6749 §7.1).
 * @throws {InvalidResponseError} another scheme, or `DPoP` although no proof was sent.
 */
export function checkTokenType(tokenType: string, proofSent: boolean, status = 200): TokenType {
  if (tokenType === 'Bearer') return tokenType;
  if (tokenType === 'DPoP') {
    if (proofSent) return tokenType;
    throw new InvalidResponseError('token_type', 'is DPoP but the request carried no DPoP proof', { status });
  }
  throw new InvalidResponseError('token_type', 'is neither Bearer nor DPoP', { status });
}

/** Builds an {@link AuthenticationResult} from a validated token response. */
export function buildResult(options: {
  readonly tokens: TokenResponse;
  /** Whether the token request carried a DPoP proof. */
  readonly proofSent: boolean;
  readonly claims: IdTokenClaims | undefined;
  readonly requestedScopes: readonly string[];
  readonly authority: string;
  readonly receivedAt: number;
}): AuthenticationResult {
  const { tokens, claims, receivedAt } = options;
  const at = (seconds: number | undefined): Date | undefined =>
    seconds === undefined ? undefined : new Date(receivedAt + seconds * 1000);
  const clientInfo = tokens.clientInfo === undefined ? undefined : decodeClientInfo(tokens.clientInfo);
  return Object.freeze({
    accessToken: tokens.accessToken,
    tokenType: checkTokenType(tokens.tokenType, options.proofSent),
    scopes: tokens.scopes ?? options.requestedScopes,
    expiresOn: at(tokens.expiresIn),
    extExpiresOn: at(tokens.extExpiresIn),
    refreshOn: at(tokens.refreshIn),
    idToken: tokens.idToken,
    idTokenClaims: claims,
    account: claims === undefined ? undefined : accountFromClaims(claims, clientInfo, options.authority),
    refreshToken: tokens.refreshToken,
    familyId: tokens.familyId,
    authority: options.authority,
    fromCache: false,
  });
}
