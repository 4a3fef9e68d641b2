import { cacheEnvironment } from './authority/environment.js';
import type { ClientInfo } from './client-info.js';
import type { IdTokenClaims } from './id-token.js';

/**
 * A signed-in account, shaped like MSAL's `AccountInfo` so that MSAL users find their way.
 * Serialisable: store it to find the user again later.
 */
export interface AccountInfo {
  /** `uid.utid` from Entra's client_info, else `sub` (MSAL's convention). */
  readonly homeAccountId: string;
  /** The authority's host as MSAL records it (`login.windows.net` for Entra's public cloud, as MSAL writes it). */
  readonly environment: string;
  /** `tid`, or the authority's tenant segment, or empty. */
  readonly tenantId: string;
  /** `preferred_username`, `upn`, `email` or `login`, the first present. */
  readonly username: string;
  /** `oid`, else `sub`. */
  readonly localAccountId: string;
  readonly name: string | undefined;
}

function claim(claims: IdTokenClaims, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Builds the account of a sign-in from the id_token claims and Entra's client_info. */
export function accountFromClaims(
  claims: IdTokenClaims,
  clientInfo: ClientInfo | undefined,
  authority: string,
): AccountInfo {
  const sub = claim(claims, 'sub') ?? '';
  const tenantId = claim(claims, 'tid') ?? clientInfo?.utid ?? '';
  return Object.freeze({
    homeAccountId: clientInfo === undefined ? sub : `${clientInfo.uid}.${clientInfo.utid}`,
    environment: cacheEnvironment(new URL(authority).host),
    tenantId,
    username:
      claim(claims, 'preferred_username') ??
      claim(claims, 'upn') ??
      claim(claims, 'email') ??
      claim(claims, 'login') ??
      '',
    localAccountId: claim(claims, 'oid') ?? sub,
    name: claim(claims, 'name'),
  });
}
