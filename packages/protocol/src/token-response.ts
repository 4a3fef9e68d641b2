import type { ParsedBody } from './body.js';
import { InvalidResponseError } from './errors.js';
import { optionalSeconds, optionalString, requireString } from './fields.js';
import type { ReceivedResponse } from './http-response.js';
import { processResponse, type Processed } from './processed.js';
import { parseScopes } from './scopes.js';

/** A validated successful token response (RFC 6749 §5.1 with the fields Entra adds). */
export interface TokenResponse {
  readonly accessToken: string;
  /** `Bearer` (case normalised) or another scheme such as `DPoP`. */
  readonly tokenType: string;
  /** Lifetime in seconds; undefined when the token does not expire (GitHub OAuth apps). */
  readonly expiresIn: number | undefined;
  /** Entra's extended lifetime (seconds), usable when the service is unreachable. */
  readonly extExpiresIn: number | undefined;
  /** Entra's hint (seconds) to refresh proactively before expiry. */
  readonly refreshIn: number | undefined;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  /** Granted scopes (space- or comma-separated on the wire); undefined when not sent. */
  readonly scopes: readonly string[] | undefined;
  /** Entra's base64url JSON `{uid, utid}`, present when `client_info=1` was sent. */
  readonly clientInfo: string | undefined;
  /** Entra family-of-client-ids marker. */
  readonly familyId: string | undefined;
}

function validate(status: number): (body: ParsedBody) => TokenResponse {
  return (body) => {
    const rawType = requireString(body, 'token_type', status);
    if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(rawType)) {
      throw new InvalidResponseError('token_type', 'is not a token scheme', { status });
    }
    const tokenType =
      rawType.toLowerCase() === 'bearer' ? 'Bearer' : rawType.toLowerCase() === 'dpop' ? 'DPoP' : rawType;
    const scope = optionalString(body, 'scope', status);
    return Object.freeze({
      accessToken: requireString(body, 'access_token', status),
      tokenType,
      expiresIn: optionalSeconds(body, 'expires_in', status),
      extExpiresIn: optionalSeconds(body, 'ext_expires_in', status),
      refreshIn: optionalSeconds(body, 'refresh_in', status),
      refreshToken: optionalString(body, 'refresh_token', status),
      idToken: optionalString(body, 'id_token', status),
      scopes: scope === undefined ? undefined : Object.freeze([...parseScopes(scope)]),
      clientInfo: optionalString(body, 'client_info', status),
      familyId: optionalString(body, 'foci', status),
    });
  };
}

/**
 * Checks a token endpoint response. A body with `error` is an OAuth error whatever the status
 * (GitHub answers errors with 200); a body with `access_token` on any 2xx is a success.
 * @see RFC 6749 §5.1, §5.2
 * @throws {InvalidResponseError} naming the first field that is missing or malformed.
 */
export function processTokenResponse(response: ReceivedResponse): Processed<TokenResponse> {
  return processResponse(response, validate(response.status));
}
