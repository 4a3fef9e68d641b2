import { ofAuthority, sameEnvironment } from '../authority/environment.js';
import type { ResolvedEndpoints } from '../authority/endpoints.js';
import type { AccountInfo } from '../account.js';
import type { Keyed, TokenCache } from '../cache/token-cache.js';
import type { SerializedCredential } from '../cache/schema.js';
import type { ResolvedConfig } from '../config.js';
import { storedKeyOf } from '../dpop/account-key.js';
import type { DpopState } from '../dpop/dpop-state.js';
import type { DpopKey } from '../dpop/key.js';
import { ConfigurationError, isClientError, type ClientError } from '../errors.js';
import { runOperation, type OperationContext, type OperationOptions } from './operation.js';
import { revokeRefreshToken } from './revoke.js';
import { findAccount } from './silent.js';

/** Options of {@link PublicClientApplication.signOut}. */
export interface SignOutOptions extends OperationOptions {
  /**
   * Revoke the account's refresh tokens at the provider before forgetting them (default true).
   * `false`: local only, like {@link PublicClientApplication.removeAccount}.
   */
  readonly revoke?: boolean;
}

/**
 * What became of the revocation part of a sign-out, by `status`:
 * - `revoked`: the provider's revocation endpoint accepted every refresh token sent
 *   (`endpoint`: its origin and path);
 * - `not_requested`: `revoke: false`;
 * - `no_endpoint`: the provider has no revocation endpoint (Microsoft Entra ID, GitHub, explicit
 *   endpoints without `revocation`): issued tokens stay valid until they expire;
 * - `no_refresh_token`: the cache holds no refresh token of this client for the account
 *   (signed in without `offline_access`, or by another app): nothing was sent;
 * - `other_authority`: the account was signed in at another host than this application's
 *   authority (a cache shared between applications): its tokens are never sent to this one's
 *   provider; nothing was sent;
 * - `failed`: the request could not be made or was refused; `error` says why (never with a token
 *   in it). The tokens may still be valid at the provider.
 */
export type RevocationOutcome =
  | { readonly status: 'revoked'; readonly endpoint: string }
  | { readonly status: 'not_requested' }
  | { readonly status: 'no_endpoint' }
  | { readonly status: 'no_refresh_token' }
  | { readonly status: 'other_authority' }
  | { readonly status: 'failed'; readonly error: ClientError };

/** What {@link PublicClientApplication.signOut} did. */
export interface SignOutResult {
  readonly account: AccountInfo;
  /** True when the account was in the cache (it is not any more either way). */
  readonly removed: boolean;
  readonly revocation: RevocationOutcome;
}

/** What a sign-out needs from the application. */
export interface SignOutDependencies {
  readonly config: ResolvedConfig;
  readonly cache: TokenCache;
  readonly dpop: DpopState;
  readonly endpoints: (context: OperationContext) => Promise<ResolvedEndpoints>;
}

/**
 * Removes an account (every tenant entry of it), all its credentials and its DPoP key from the
 * cache and its persistence. Returns whether it was there.
 */
export async function forgetAccount(cache: TokenCache, account: AccountInfo): Promise<boolean> {
  await cache.sync();
  const entries = cache
    .accountsByHomeId(account.homeAccountId)
    .filter((a) => sameEnvironment(a.value.environment, account.environment));
  const credentials = cache.credentialsOf(account.homeAccountId, account.environment);
  await cache.write(() => [
    ...entries.map((a) => ({ section: 'Account' as const, key: a.key, value: undefined })),
    ...credentials.map((c) => ({ section: c.section, key: c.key, value: undefined })),
  ]);
  return entries.length > 0;
}

/** The refresh tokens of the account this client may revoke: its own, and the family's (FOCI). */
function revocableRefreshTokens(deps: SignOutDependencies, account: AccountInfo): Keyed<SerializedCredential>[] {
  const { cache, config } = deps;
  const found = [
    cache.findRefreshToken(account.homeAccountId, account.environment, config.clientId),
    cache.findRefreshToken(account.homeAccountId, account.environment, 'foci-1'),
  ].filter((entry) => entry !== undefined);
  return found.filter((entry, index) => found.findIndex((other) => other.key === entry.key) === index);
}

/** The account's DPoP key, when it has a usable one (a revocation without it is still worth sending). */
async function accountKey(deps: SignOutDependencies, account: AccountInfo): Promise<DpopKey | undefined> {
  const entry = findAccount(deps.cache, account);
  const stored = entry === undefined ? undefined : storedKeyOf(entry.value);
  if (stored === undefined) return undefined;
  try {
    return await deps.dpop.keyOf(stored);
  } catch {
    deps.config.log('warn', 'The DPoP key stored with this account is unusable; revoking without a proof');
    return undefined;
  }
}

/**
 * Revokes the account's refresh tokens (from the synced cache) at the provider's revocation
 * endpoint (RFC 7009), one request each. A typed failure is the `failed` outcome, not a throw.
 */
async function revokeAccount(
  deps: SignOutDependencies,
  account: AccountInfo,
  options: OperationOptions,
): Promise<RevocationOutcome> {
  if (!ofAuthority(account.environment, deps.config.authority)) return { status: 'other_authority' };
  const tokens = revocableRefreshTokens(deps, account);
  try {
    return await runOperation(deps.config.clock, options, async (context): Promise<RevocationOutcome> => {
      const endpoint = (await deps.endpoints(context)).revocation;
      if (endpoint === undefined) return { status: 'no_endpoint' };
      if (tokens.length === 0) return { status: 'no_refresh_token' };
      if (new URL(deps.config.authority).protocol === 'https:' && new URL(endpoint).protocol !== 'https:') {
        throw new ConfigurationError('endpoints.revocation', `(${endpoint}) must use https like the authority`);
      }
      const key = await accountKey(deps, account);
      const { config } = deps;
      const dpop =
        key === undefined ? undefined : { key, nonces: deps.dpop.nonces, clock: config.clock, log: config.log };
      for (const token of tokens) {
        await revokeRefreshToken(config, { endpoint, refreshToken: token.value.secret }, context.signal, dpop);
      }
      const url = new URL(endpoint);
      return { status: 'revoked', endpoint: `${url.origin}${url.pathname}` };
    });
  } catch (error) {
    // runOperation has already turned an abort into CancelledError or TimeoutError.
    if (!isClientError(error)) throw error;
    deps.config.log('warn', `Revocation failed (${error.code})`);
    return { status: 'failed', error };
  }
}

/**
 * {@link PublicClientApplication.signOut}: revocation (unless `revoke: false`), then the account
 * is forgotten whatever the revocation's outcome.
 * @throws {ConfigurationError} `account` is not an AccountInfo (nothing is sent or removed).
 */
export async function signOutAccount(
  deps: SignOutDependencies,
  account: AccountInfo,
  options: SignOutOptions,
): Promise<SignOutResult> {
  await deps.cache.sync();
  findAccount(deps.cache, account); // validates `account` before anything is sent or removed
  const revocation: RevocationOutcome =
    options.revoke === false ? { status: 'not_requested' } : await revokeAccount(deps, account, options);
  const removed = await forgetAccount(deps.cache, account);
  return { account, removed, revocation };
}
