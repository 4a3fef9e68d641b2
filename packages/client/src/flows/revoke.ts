import { processResponse, scrubOAuthError, type ReceivedResponse } from '@devicelogin/protocol';
import type { ResolvedConfig } from '../config.js';
import { ServerError } from '../errors.js';
import { endpointName } from '../http.js';
import { postTokenRequest, type TokenRequestDpop } from '../dpop/token-request.js';

/** What one revocation request sends. */
export interface RevocationRequest {
  /** The provider's `revocation_endpoint`. */
  readonly endpoint: string;
  /** The refresh token to revoke. */
  readonly refreshToken: string;
}

/**
 * Checks a revocation response (RFC 7009 §2.2): any 2xx is success (the body is ignored, as the
 * RFC asks; an invalid or unknown token is a 200 too). Anything else is a {@link ServerError}:
 * an OAuth error body (`unsupported_token_type`, `invalid_client`, …, §2.2.1) with the secrets
 * the request sent scrubbed from it, or a bare HTTP status (a 503 with `Retry-After`, a proxy page).
 */
export function processRevocationResponse(
  response: ReceivedResponse,
  endpoint: string,
  secrets: readonly string[],
): void {
  if (response.status >= 200 && response.status < 300) return;
  const processed = processResponse(response, () => undefined);
  const where = endpointName(endpoint);
  switch (processed.kind) {
    case 'ok':
      return;
    case 'http_error':
      throw new ServerError(`The revocation endpoint ${where} answered HTTP ${processed.status}.`, {
        status: processed.status,
      });
    case 'oauth_error': {
      const error = scrubOAuthError(processed.error, secrets);
      throw new ServerError(`The revocation endpoint ${where} answered ${error.error}.`, {
        status: error.status,
        response: error,
      });
    }
  }
}

/**
 * Revokes a refresh token (RFC 7009 §2.1): `token`, `token_type_hint=refresh_token`,
 * `client_id`, the client secret when the app has one, and, with `dpop`, a proof of the
 * account's key (with the server's nonce, retried once on `use_dpop_nonce`), as the token
 * endpoint gets them.
 * @throws {ServerError} the server refused or failed (see {@link processRevocationResponse}).
 * @throws {NetworkError} {RequestTimeoutError} {DpopNonceError} as any token endpoint request.
 * @see RFC 7009 §2
 */
export async function revokeRefreshToken(
  config: ResolvedConfig,
  request: RevocationRequest,
  signal: AbortSignal,
  dpop: TokenRequestDpop | undefined,
): Promise<void> {
  config.log('debug', `Revoking a refresh token at ${endpointName(request.endpoint)}`);
  const response = await postTokenRequest(
    config.http,
    request.endpoint,
    {
      token: request.refreshToken,
      token_type_hint: 'refresh_token',
      client_id: config.clientId,
      client_secret: config.clientSecret,
    },
    { signal },
    dpop,
  );
  processRevocationResponse(response, request.endpoint, [request.refreshToken, config.clientSecret ?? '']);
  config.log('info', 'Refresh token revoked');
}
