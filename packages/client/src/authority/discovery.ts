import { InvalidResponseError, processMetadataResponse, type AuthorizationServerMetadata } from '@devicelogin/protocol';
import { ServerError } from '../errors.js';
import type { HttpTransport } from '../http.js';

function withoutTrailingSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

/**
 * Fetches the provider's metadata: OpenID Connect discovery at
 * `{authority}/.well-known/openid-configuration`, then, if that is not found, RFC 8414's
 * `{origin}/.well-known/oauth-authorization-server{path}`. The `issuer` must equal the authority
 * (RFC 8414 §3.3; a trailing slash is ignored).
 * @throws {InvalidResponseError} when the document is malformed or its issuer does not match.
 * @throws {ServerError} when neither document can be fetched.
 */
export async function discoverMetadata(
  authority: string,
  http: HttpTransport,
  signal: AbortSignal | undefined,
): Promise<AuthorizationServerMetadata> {
  const url = new URL(authority);
  const path = url.pathname === '/' ? '' : url.pathname;
  const candidates = [
    `${authority}/.well-known/openid-configuration`,
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
  ];
  let lastStatus = 0;
  for (const candidate of candidates) {
    const processed = processMetadataResponse(await http.get(candidate, { signal }));
    if (processed.kind === 'ok') {
      if (withoutTrailingSlash(processed.value.issuer) !== withoutTrailingSlash(authority)) {
        throw new InvalidResponseError(
          'issuer',
          `(${processed.value.issuer}) does not match the authority ${authority}`,
        );
      }
      return processed.value;
    }
    lastStatus = processed.kind === 'oauth_error' ? processed.error.status : processed.status;
    if (lastStatus !== 404) break;
  }
  throw new ServerError(`The provider's metadata could not be fetched from ${authority} (HTTP ${lastStatus}).`, {
    status: lastStatus,
  });
}
