import type { Jose } from '../jose.js';
import type { AccountInfo } from '../account.js';
import type { IdTokenClaims } from '../id-token.js';
import type { AuthenticationResult } from '../result.js';
import type { SerializedAccount, SerializedCredential } from './schema.js';

/** The public account record of a cached account entry. */
export function accountInfoOf(entry: SerializedAccount): AccountInfo {
  return Object.freeze({
    homeAccountId: entry.home_account_id,
    environment: entry.environment,
    tenantId: entry.realm,
    username: entry.username,
    localAccountId: entry.local_account_id,
    name: typeof entry.name === 'string' ? entry.name : undefined,
  });
}

const date = (value: string | undefined): Date | undefined =>
  value === undefined || value === '' || !Number.isFinite(Number(value)) ? undefined : new Date(Number(value) * 1000);

function claimsOf(jose: Jose, idToken: SerializedCredential | undefined): IdTokenClaims | undefined {
  if (idToken === undefined) return undefined;
  try {
    // Verified when it was stored; a cache shared with MSAL may hold tokens MSAL did not verify
    // either: the claims are informational, never used for authorisation here.
    return Object.freeze({ ...jose.decodeJwt(idToken.secret) });
  } catch {
    return undefined;
  }
}

/** An {@link AuthenticationResult} served from the cache. */
export function cachedResult(
  jose: Jose,
  accessToken: SerializedCredential,
  idToken: SerializedCredential | undefined,
  account: SerializedAccount,
  authority: string,
): AuthenticationResult {
  return Object.freeze({
    accessToken: accessToken.secret,
    tokenType: accessToken.token_type ?? 'Bearer',
    scopes: Object.freeze((accessToken.target ?? '').split(/\s+/).filter((s) => s !== '')),
    expiresOn: date(accessToken.expires_on),
    extExpiresOn: date(accessToken.extended_expires_on),
    refreshOn: date(accessToken.refresh_on),
    idToken: idToken?.secret,
    idTokenClaims: claimsOf(jose, idToken),
    account: accountInfoOf(account),
    refreshToken: undefined,
    familyId: undefined,
    authority,
    fromCache: true,
  });
}
