import type { ParsedBody } from './body.js';
import { InvalidResponseError } from './errors.js';
import { optionalUrl, requireString, requireUrl } from './fields.js';
import type { ReceivedResponse } from './http-response.js';
import { processResponse, type Processed } from './processed.js';

/** The authorization server metadata fields devicelogin uses (RFC 8414 / OIDC Discovery). */
export interface AuthorizationServerMetadata {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly deviceAuthorizationEndpoint: string | undefined;
  readonly jwksUri: string | undefined;
  readonly userinfoEndpoint: string | undefined;
  readonly revocationEndpoint: string | undefined;
  readonly raw: Readonly<Record<string, unknown>>;
}

function validate(status: number): (body: ParsedBody) => AuthorizationServerMetadata {
  return (body) => {
    if (typeof body['issuer'] !== 'string') throw new InvalidResponseError('issuer', 'is missing', { status });
    return Object.freeze({
      issuer: requireString(body, 'issuer', status),
      tokenEndpoint: requireUrl(body, 'token_endpoint', status),
      deviceAuthorizationEndpoint: optionalUrl(body, 'device_authorization_endpoint', status),
      jwksUri: optionalUrl(body, 'jwks_uri', status),
      userinfoEndpoint: optionalUrl(body, 'userinfo_endpoint', status),
      revocationEndpoint: optionalUrl(body, 'revocation_endpoint', status),
      raw: Object.freeze({ ...body }),
    });
  };
}

/**
 * Checks an authorization server metadata document.
 * @see RFC 8414 §3.2, OpenID Connect Discovery 1.0 §4.2
 * @throws {InvalidResponseError} naming the first field that is missing or malformed.
 */
export function processMetadataResponse(response: ReceivedResponse): Processed<AuthorizationServerMetadata> {
  return processResponse(response, validate(response.status));
}
