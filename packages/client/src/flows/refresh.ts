import { formatScopes, processTokenResponse, scrubOAuthError, type TokenResponse } from '@devicelogin/protocol';
import type { ResolvedConfig } from '../config.js';
import { InteractionRequiredError, ServerError } from '../errors.js';
import { endpointName } from '../http.js';
import { classifyOAuthError, serverError } from './poll-errors.js';
import type { OperationContext } from './operation.js';
import { postTokenRequest, type TokenRequestDpop } from '../dpop/token-request.js';

/** OAuth errors on a refresh that mean the refresh token is dead: sign in again. */
const INTERACTION_ERRORS: ReadonlySet<string> = new Set(['interaction_required', 'login_required', 'consent_required']);

/** What a refresh sends. */
export interface RefreshRequest {
  readonly tokenEndpoint: string;
  readonly refreshToken: string;
  readonly scopes: readonly string[];
  readonly resource: string | undefined;
  readonly claims: string | undefined;
}

/** Outcome of a refresh the caller must act on: success, or a dead refresh token. */
export type RefreshOutcome =
  | { readonly kind: 'ok'; readonly tokens: TokenResponse }
  | { readonly kind: 'dead_refresh_token'; readonly error: InteractionRequiredError };

/**
 * Redeems a refresh token (RFC 6749 §6). `invalid_grant` (any suberror but `client_mismatch`)
 * and `interaction_required`-like errors report a dead refresh token; other failures throw
 * ({@link ServerError}, {@link NetworkError}, …) so that the caller can fall back to a cached token.
 * With `dpop`, the request carries a proof of the account's key (a public client's refresh token
 * is bound to it: RFC 9449 §5).
 */
export async function redeemRefreshToken(
  config: ResolvedConfig,
  request: RefreshRequest,
  context: OperationContext,
  dpop?: TokenRequestDpop,
): Promise<RefreshOutcome> {
  const profile = config.profile;
  const scopes = formatScopes([...profile.defaultScopes, ...request.scopes]);
  config.log('debug', `Refreshing tokens at ${endpointName(request.tokenEndpoint)}`);
  const response = await postTokenRequest(
    config.http,
    request.tokenEndpoint,
    {
      grant_type: 'refresh_token',
      client_id: config.clientId,
      refresh_token: request.refreshToken,
      scope: profile.scopeParameter === 'scope' && scopes !== '' ? scopes : undefined,
      resource: request.resource,
      claims: request.claims,
      client_info: profile.clientInfo ? '1' : undefined,
      client_secret: config.clientSecret,
    },
    { signal: context.signal },
    dpop,
  );
  const processed = processTokenResponse(response);
  switch (processed.kind) {
    case 'ok':
      config.log('info', 'Tokens refreshed');
      return { kind: 'ok', tokens: processed.value };
    case 'http_error':
      throw new ServerError(`The token endpoint answered HTTP ${processed.status} to a refresh.`, {
        status: processed.status,
      });
    case 'oauth_error': {
      const error = scrubOAuthError(processed.error, [request.refreshToken, config.clientSecret ?? '']);
      if (
        (error.error === 'invalid_grant' && error.suberror !== 'client_mismatch') ||
        INTERACTION_ERRORS.has(error.error)
      ) {
        config.log(
          'warn',
          `Refresh token rejected (${error.error}${error.suberror === undefined ? '' : `/${error.suberror}`})`,
        );
        return {
          kind: 'dead_refresh_token',
          error: new InteractionRequiredError(`the refresh token was rejected (${error.error})`, error),
        };
      }
      const action = classifyOAuthError(error, profile);
      throw action.action === 'fail' ? action.error : serverError(error);
    }
  }
}
