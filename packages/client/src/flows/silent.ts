import { ofAuthority, sameEnvironment } from '../authority/environment.js';
import type { AccountInfo } from '../account.js';
import type { ResolvedEndpoints } from '../authority/endpoints.js';
import { accountInfoOf, cachedResult } from '../cache/cached-result.js';
import { credentialKey } from '../cache/keys.js';
import { recordMutation } from '../cache/record.js';
import type { SerializedAccount, SerializedCredential } from '../cache/schema.js';
import { searchScopes } from '../cache/scope-set.js';
import type { Keyed, TokenCache } from '../cache/token-cache.js';
import type { ResolvedConfig } from '../config.js';
import {
  CancelledError,
  ConfigurationError,
  InteractionRequiredError,
  NetworkError,
  RequestTimeoutError,
  ServerError,
  TimeoutError,
} from '../errors.js';
import { validateReturnedIdToken, type JwksCache } from '../id-token.js';
import { buildResult, type AuthenticationResult } from '../result.js';
import type { OperationContext } from './operation.js';
import { redeemRefreshToken } from './refresh.js';
import { storedKeyIdOf, storedKeyOf } from '../dpop/account-key.js';
import type { DpopState } from '../dpop/dpop-state.js';
import { generateDpopKey, type DpopKey, type StoredDpopKey } from '../dpop/key.js';
import { loadJose } from '../jose.js';

/** What `acquireTokenSilent` asks for. */
export interface SilentRequest {
  /** The account, as returned by a sign-in or `getAccounts()`. */
  readonly account: AccountInfo;
  readonly scopes: readonly string[];
  /** Skip the cached access token and redeem the refresh token. */
  readonly forceRefresh?: boolean;
  /** A claims request (e.g. from a CAE challenge): bypasses the cached access token. */
  readonly claims?: string;
  /** Entra v1: the resource. */
  readonly resource?: string;
}

/** What the silent flow needs from the application. */
export interface SilentDependencies {
  readonly config: ResolvedConfig;
  readonly cache: TokenCache;
  readonly jwks: JwksCache;
  readonly endpoints: (context: OperationContext) => Promise<ResolvedEndpoints>;
  /** Seconds before expiry at which a cached token is no longer served (MSAL: 300). */
  readonly expiryBufferSeconds: number;
  readonly dpop: DpopState;
}

/** Failures after which a still-valid cached token is served instead of failing. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof NetworkError ||
    error instanceof RequestTimeoutError ||
    (error instanceof ServerError && (error.status >= 500 || error.status === 429))
  );
}

/**
 * MSAL's silent semantics: a cached access token whose scopes cover the request and that is
 * more than the buffer away from expiry is served; past `refresh_on` it is refreshed, falling
 * back to it on failure; otherwise the refresh token is redeemed and the rotated tokens saved.
 * A dead refresh token is removed and reported as {@link InteractionRequiredError}.
 */
export async function acquireTokenSilently(
  deps: SilentDependencies,
  request: SilentRequest,
  context: OperationContext,
): Promise<AuthenticationResult> {
  const { config, cache } = deps;
  if (!Array.isArray(request.scopes)) throw new ConfigurationError('scopes', 'must be an array of strings');
  await cache.sync();
  const account = findAccount(cache, request.account);
  if (account === undefined) throw new InteractionRequiredError('the account is not in the token cache');
  // Its tokens were issued by another provider (a shared cache): never served or sent here.
  if (!ofAuthority(account.value.environment, config.authority)) {
    throw new InteractionRequiredError(
      `the account was signed in at ${account.value.environment}, not at this application's authority`,
    );
  }
  const home = account.value.home_account_id;
  const environment = account.value.environment;
  const realm = account.value.realm;
  const claims =
    request.claims !== undefined && request.claims.trim() !== '' && request.claims.trim() !== '{}'
      ? request.claims
      : undefined;
  const now = config.clock.now();
  const query = {
    homeAccountId: home,
    environment,
    clientId: config.clientId,
    realm,
    scopes: searchScopes(request.scopes),
  };
  // An account with a DPoP key gets a token bound to that very key, else a Bearer token (a
  // server may answer a DPoP client with Bearer tokens: RFC 9449 §5). The two never mix.
  const keyId = storedKeyIdOf(account.value);
  const cached =
    (keyId === undefined ? undefined : cache.findAccessToken({ ...query, tokenType: 'DPoP', keyId })) ??
    cache.findAccessToken({ ...query, tokenType: 'Bearer' });
  const idToken = (): SerializedCredential | undefined =>
    cache.findIdToken(home, environment, config.clientId, realm)?.value;
  const serveCached = (entry: Keyed<SerializedCredential>): AuthenticationResult =>
    cachedResult(entry.value, idToken(), account.value, config.authority);
  const expiresAt = cached === undefined ? 0 : Number(cached.value.expires_on) * 1000;

  if (
    cached !== undefined &&
    request.forceRefresh !== true &&
    claims === undefined &&
    expiresAt - deps.expiryBufferSeconds * 1000 > now
  ) {
    const refreshOn = cached.value.refresh_on === undefined ? undefined : Number(cached.value.refresh_on) * 1000;
    if (refreshOn === undefined || !Number.isFinite(refreshOn) || refreshOn > now) {
      config.log('debug', 'Access token served from the cache');
      return serveCached(cached);
    }
    try {
      return await refresh(deps, account.value, request, claims, context);
    } catch (error) {
      if (error instanceof CancelledError || error instanceof TimeoutError || context.signal.aborted) throw error;
      config.log('warn', `Proactive refresh failed (${describe(error)}); serving the cached token`);
      return serveCached(cached);
    }
  }
  try {
    return await refresh(deps, account.value, request, claims, context);
  } catch (error) {
    // A caller who asked to bypass the cache (forceRefresh, claims) never gets the cached token.
    const bypass = request.forceRefresh === true || claims !== undefined;
    if (
      !bypass &&
      cached !== undefined &&
      expiresAt > config.clock.now() &&
      isTransient(error) &&
      !context.signal.aborted
    ) {
      config.log('warn', `Refresh failed (${describe(error)}); serving the cached token, still valid`);
      return serveCached(cached);
    }
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error && 'code' in error ? String(error.code) : 'error';
}

/**
 * The cache entry of an account: the one of its tenant, else any with its home account id and
 * environment.
 * @throws {ConfigurationError} `account` is not an AccountInfo.
 */
export function findAccount(cache: TokenCache, account: AccountInfo): Keyed<SerializedAccount> | undefined {
  if (typeof account !== 'object' || account === null || typeof account.homeAccountId !== 'string') {
    throw new ConfigurationError('account', 'must be an AccountInfo returned by a sign-in or getAccounts()');
  }
  const candidates = cache
    .accountsByHomeId(account.homeAccountId)
    .filter((a) => sameEnvironment(a.value.environment, account.environment));
  return candidates.find((a) => a.value.realm === account.tenantId) ?? candidates[0];
}

async function refresh(
  deps: SilentDependencies,
  account: SerializedAccount,
  request: SilentRequest,
  claims: string | undefined,
  context: OperationContext,
): Promise<AuthenticationResult> {
  const { config, cache } = deps;
  const home = account.home_account_id;
  const environment = account.environment;
  const refreshToken =
    cache.findRefreshToken(home, environment, config.clientId) ?? cache.findRefreshToken(home, environment, 'foci-1');
  if (refreshToken === undefined) throw new InteractionRequiredError('no refresh token is cached for this account');
  const endpoints = await deps.endpoints(context);
  const { key, newKey } = await refreshKey(deps, account);
  const outcome = await redeemRefreshToken(
    config,
    {
      tokenEndpoint: endpoints.token,
      refreshToken: refreshToken.value.secret,
      scopes: request.scopes,
      resource: request.resource,
      claims,
    },
    context,
    key === undefined ? undefined : { key, nonces: deps.dpop.nonces, clock: config.clock, log: config.log },
  );
  if (outcome.kind === 'dead_refresh_token') {
    const deadKey = refreshToken.key;
    const deadSecret = refreshToken.value.secret;
    // Remove it unless another process already replaced it with a fresh one.
    await cache.write((doc) =>
      doc.RefreshToken[deadKey]?.secret === deadSecret
        ? [{ section: 'RefreshToken', key: deadKey, value: undefined }]
        : [],
    );
    throw outcome.error;
  }
  const tokens = outcome.tokens;
  const receivedAt = config.clock.now();
  const claimsOfToken = await validateReturnedIdToken(tokens.idToken, config, endpoints, deps.jwks, context.signal);
  const result = buildResult({
    tokens,
    proofSent: key !== undefined,
    claims: claimsOfToken,
    requestedScopes: request.scopes,
    authority: config.authority,
    receivedAt,
  });
  const accountInfo = result.account ?? accountInfoOf(account);
  await cache.write((doc) => {
    const changes = [
      ...recordMutation({
        tokens,
        account: accountInfo,
        clientId: config.clientId,
        provider: config.profile.name,
        requestedScopes: request.scopes,
        claims,
        receivedAt,
        dpopKeyId: key?.keyId,
        // A refresh keeps the account's key; a key made for this refresh becomes the account's.
        accountKey: newKey,
      })(doc),
    ];
    // A rotated refresh token under another key (family changes) replaces the old one.
    if (tokens.refreshToken !== undefined) {
      const newKey = credentialKey({
        home_account_id: accountInfo.homeAccountId,
        environment: accountInfo.environment,
        credential_type: 'RefreshToken',
        client_id: config.clientId,
        family_id: tokens.familyId,
      });
      if (newKey !== refreshToken.key)
        changes.push({ section: 'RefreshToken', key: refreshToken.key, value: undefined });
    }
    return changes;
  });
  return { ...result, account: accountInfo, refreshToken: undefined };
}

/**
 * The DPoP key a refresh is made with: the account's (its refresh token may be bound to it,
 * RFC 9449 §5), whatever `auth.dpop` says; with `auth.dpop` and an account without a key (signed
 * in without DPoP), a new key, stored with the refreshed tokens.
 * @throws {InteractionRequiredError} the account's stored key is unusable.
 */
async function refreshKey(
  deps: SilentDependencies,
  account: SerializedAccount,
): Promise<{ readonly key: DpopKey | undefined; readonly newKey: StoredDpopKey | undefined }> {
  const stored = storedKeyOf(account);
  if (stored !== undefined) {
    try {
      return { key: await deps.dpop.keyOf(stored), newKey: undefined };
    } catch {
      throw new InteractionRequiredError('the DPoP key stored with this account is unusable');
    }
  }
  if (storedKeyIdOf(account) !== undefined) {
    throw new InteractionRequiredError('the DPoP key stored with this account is unusable');
  }
  if (!deps.config.dpop) return { key: undefined, newKey: undefined };
  const { key, stored: newKey } = await generateDpopKey(await loadJose());
  deps.config.log('debug', 'New DPoP key for this account (it had none)');
  return { key, newKey };
}
