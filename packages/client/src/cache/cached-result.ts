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

/**
 * The payload of a compact JWS, decoded without verification (what jose's `decodeJwt` does),
 * here so that a cache hit does not load jose (~30 ms of start-up for `devicelogin token`).
 */
function decodePayload(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload)
    ? (payload as Record<string, unknown>)
    : undefined;
}

function claimsOf(idToken: SerializedCredential | undefined): IdTokenClaims | undefined {
  if (idToken === undefined) return undefined;
  try {
    // Verified when it was stored; a cache shared with MSAL may hold tokens MSAL did not verify
    // either: the claims are informational, never used for authorisation here.
    const payload = decodePayload(idToken.secret);
    return payload === undefined ? undefined : Object.freeze({ ...payload });
  } catch {
    return undefined;
  }
}

/** An {@link AuthenticationResult} served from the cache. */
export function cachedResult(
  accessToken: SerializedCredential,
  idToken: SerializedCredential | undefined,
  account: SerializedAccount,
  authority: string,
): AuthenticationResult {
  return Object.freeze({
    accessToken: accessToken.secret,
    tokenType: (accessToken.token_type ?? '').toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
    scopes: Object.freeze((accessToken.target ?? '').split(/\s+/).filter((s) => s !== '')),
    expiresOn: date(accessToken.expires_on),
    extExpiresOn: date(accessToken.extended_expires_on),
    refreshOn: date(accessToken.refresh_on),
    idToken: idToken?.secret,
    idTokenClaims: claimsOf(idToken),
    account: accountInfoOf(account),
    refreshToken: undefined,
    familyId: undefined,
    authority,
    fromCache: true,
  });
}
