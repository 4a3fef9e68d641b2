import { resolveConfig, type PublicClientConfiguration, type ResolvedConfig } from './config.js';
import { resolveEndpoints, type ResolvedEndpoints } from './authority/endpoints.js';
import { InvalidFlowError } from './errors.js';
import { JwksCache } from './id-token.js';
import type { AuthenticationResult } from './result.js';
import { checkFlow, type DeviceCodeFlow, type DeviceCodeInfo } from './flows/device-code-flow.js';
import { raceAbort, runOperation, type OperationContext, type OperationOptions } from './flows/operation.js';
import { completeSignIn } from './flows/complete.js';
import { startFlow, type DeviceCodeRequest } from './flows/start.js';
import { acquireTokenSilently, type SilentRequest } from './flows/silent.js';
import { SingleFlight } from './flows/single-flight.js';
import { forgetAccount, signOutAccount, type SignOutOptions, type SignOutResult } from './flows/sign-out.js';
import { TokenCache } from './cache/token-cache.js';
import { accountInfoOf } from './cache/cached-result.js';
import type { AccountInfo } from './account.js';
import type { ProviderName } from './authority/profiles.js';
import { ConfigurationError } from './errors.js';
import { DpopState } from './dpop/dpop-state.js';
import {
  fetchResource,
  resourceHeaders,
  type ResourceFetchRequest,
  type ResourceHeaders,
  type ResourceHeadersRequest,
} from './dpop/resource.js';

/** Options of {@link PublicClientApplication.startDeviceCode}. */
export type StartDeviceCodeOptions = DeviceCodeRequest & OperationOptions;

/** Options of {@link PublicClientApplication.completeDeviceCode}. */
export type CompleteDeviceCodeOptions = OperationOptions;

/** Options of {@link PublicClientApplication.acquireTokenSilent}. */
export type SilentOptions = SilentRequest & OperationOptions;

/** Filter of {@link PublicClientApplication.getAccount}: one of the two. */
export type AccountFilter = { readonly homeAccountId: string } | { readonly username: string };

/** MSAL-style access to the serialised cache (`TokenCache.serialize()/deserialize()`). */
export interface TokenCacheAccess {
  /** The in-memory cache as MSAL JSON. Contains tokens: never log it. */
  serialize(): string;
  /** Replaces the in-memory cache with MSAL JSON (e.g. a file written by msal-node). */
  deserialize(text: string): void;
}

/** Options of {@link PublicClientApplication.acquireTokenByDeviceCode}. */
export interface DeviceCodeOptions extends DeviceCodeRequest, OperationOptions {
  /**
   * Called once with what to show the user (URL, code, message). May be async: it is awaited
   * before the first poll. An error it throws ends the sign-in with that error.
   */
  readonly onDeviceCode: (info: DeviceCodeInfo) => void | Promise<void>;
}

/**
 * A public client (no secret it can keep) that signs users in with the OAuth 2.0 device
 * authorization grant, in the manner of MSAL's `PublicClientApplication`.
 *
 * @example
 * ```ts
 * const app = new PublicClientApplication({
 *   auth: { clientId: '00000000-0000-0000-0000-000000000000', authority: 'https://login.microsoftonline.com/organizations' },
 * });
 * const result = await app.acquireTokenByDeviceCode({
 *   scopes: ['User.Read'],
 *   onDeviceCode: (info) => console.error(info.message),
 * });
 * ```
 * @see RFC 8628
 */
export class PublicClientApplication {
  readonly #config: ResolvedConfig;
  readonly #jwks: JwksCache;
  readonly #cache: TokenCache;
  readonly #silentFlights = new SingleFlight<AuthenticationResult>();
  readonly #dpop = new DpopState();
  #endpoints: Promise<ResolvedEndpoints> | undefined;

  /** @throws {ConfigurationError} naming the first invalid option. */
  constructor(configuration: PublicClientConfiguration) {
    this.#config = resolveConfig(configuration);
    this.#jwks = new JwksCache(this.#config.http, this.#config.clock);
    this.#cache = new TokenCache({ persistence: this.#config.persistence, logger: this.#config.log });
  }

  /**
   * Returns a token without user interaction: from the cache, or by redeeming the cached
   * refresh token (MSAL semantics: 300 s expiry buffer, `refresh_on`, `forceRefresh`, claims
   * bypass the cache). Identical concurrent calls share one request.
   * @throws {InteractionRequiredError} no account, no refresh token, or the refresh token was
   * rejected (it is then removed): sign in again with {@link acquireTokenByDeviceCode}.
   */
  async acquireTokenSilent(request: SilentOptions): Promise<AuthenticationResult> {
    const { signal, timeoutMs, ...silent } = request;
    const key = JSON.stringify([
      silent.account?.homeAccountId,
      silent.account?.environment,
      silent.account?.tenantId,
      [...(silent.scopes ?? [])].map((s) => s.toLowerCase()).sort(),
      silent.claims ?? '',
      silent.forceRefresh === true,
      silent.resource ?? '',
    ]);
    const flight = this.#silentFlights.run(
      key,
      () =>
        runOperation(this.#config.clock, { timeoutMs }, (context) =>
          acquireTokenSilently(
            {
              config: this.#config,
              cache: this.#cache,
              jwks: this.#jwks,
              endpoints: (c) => this.#resolveEndpoints(c),
              expiryBufferSeconds: this.#config.expiryBufferSeconds,
              dpop: this.#dpop,
            },
            silent,
            context,
          ),
        ),
      signal,
    );
    return flight;
  }

  /** Every account in the cache (linear in the number of accounts). */
  async getAccounts(): Promise<AccountInfo[]> {
    await this.#cache.sync();
    return this.#cache.accounts().map(accountInfoOf);
  }

  /** The account with this home account id or username (case-insensitive), if cached. */
  async getAccount(filter: AccountFilter): Promise<AccountInfo | undefined> {
    await this.#cache.sync();
    const entries =
      'homeAccountId' in filter
        ? this.#cache.accountsByHomeId(filter.homeAccountId)
        : 'username' in filter
          ? this.#cache.accountsByUsername(filter.username)
          : undefined;
    if (entries === undefined) throw new ConfigurationError('filter', 'must have homeAccountId or username');
    const first = entries[0];
    return first === undefined ? undefined : accountInfoOf(first.value);
  }

  /**
   * Removes an account, all its tokens and its DPoP key from the cache (and its persistence).
   * Local only: tokens already issued stay valid at the provider; {@link signOut} revokes them.
   */
  async removeAccount(account: AccountInfo): Promise<void> {
    await forgetAccount(this.#cache, account);
  }

  /**
   * Signs an account out: revokes its refresh tokens at the provider (RFC 7009), then removes it
   * from the cache as {@link removeAccount} does, whatever the provider answered. It reports what
   * happened instead of throwing: `result.revocation.status` is `revoked`, `not_requested`
   * (`revoke: false`), `no_endpoint` (the provider advertises no `revocation_endpoint`: Microsoft
   * Entra ID has none), `no_refresh_token`, or `failed` with the typed error kept (network,
   * timeout, an error answer such as HTTP 503; never a token in it).
   *
   * Each refresh token of this client for the account (its own, and the family's) is sent as
   * `token` with `token_type_hint=refresh_token` and `client_id`, plus the client secret and a
   * DPoP proof of the account's key when the app uses them, as at the token endpoint. Per RFC 7009
   * §2.1 a server that can also revokes the access tokens issued from the same grant (a devicelogin
   * server's own APIs refuse them at once). Where APIs check self-contained JWT access tokens
   * offline, the access tokens already issued stay valid there until they expire, typically within
   * an hour; the cached copies are deleted with the account.
   * @example
   * ```ts
   * const { revocation } = await app.signOut(account);
   * if (revocation.status === 'failed') console.error(`Not revoked: ${revocation.error.message}`);
   * ```
   * @throws {ConfigurationError} `account` is not an AccountInfo (nothing is sent or removed).
   * @throws {CacheLockTimeoutError} {CacheIoError} the cache could not be written (after the revocation).
   * @see RFC 7009 §2
   */
  async signOut(account: AccountInfo, options: SignOutOptions = {}): Promise<SignOutResult> {
    return signOutAccount(
      { config: this.#config, cache: this.#cache, dpop: this.#dpop, endpoints: (c) => this.#resolveEndpoints(c) },
      account,
      options,
    );
  }

  /** MSAL-style serialise/deserialise of the in-memory cache. */
  getTokenCache(): TokenCacheAccess {
    return { serialize: () => this.#cache.serialize(), deserialize: (text) => this.#cache.deserialize(text) };
  }

  /**
   * The headers that authorise one request to an API with a token: `Authorization: Bearer …`
   * for a Bearer token; for a DPoP token `Authorization: DPoP …` and a `DPoP` proof (RFC 9449 §7)
   * signed with the key of the token's account, bound to `method` and `url`, with the access
   * token's hash (`ath`) and the server's latest nonce. Make new headers for every request.
   *
   * When the API answers `401` with `WWW-Authenticate: DPoP error="use_dpop_nonce"`, call again
   * with `nonce` set to its `DPoP-Nonce` header (`dpopNonceChallenge(response)` reads it) and
   * send the request once more; {@link fetchResource} does all of this.
   * @example
   * ```ts
   * const token = await app.acquireTokenSilent({ account, scopes: ['api://demo/read'] });
   * const headers = await app.createResourceHeaders({ token, method: 'GET', url: 'https://api.example/me' });
   * const response = await fetch('https://api.example/me', { headers: { ...headers } });
   * ```
   * @throws {DpopKeyError} a DPoP token whose key is not in the cache any more (sign in again).
   * @throws {ConfigurationError} a malformed token, method, URL or nonce.
   * @see RFC 9449 §4, §7, §9
   */
  async createResourceHeaders(request: ResourceHeadersRequest): Promise<ResourceHeaders> {
    return resourceHeaders({ config: this.#config, cache: this.#cache, dpop: this.#dpop }, request);
  }

  /**
   * Sends one request to an API with a token (the `fetch` of `system.fetch`, redirects not
   * followed) and returns the response, its body unread. The headers come from
   * {@link createResourceHeaders}; the server's `DPoP-Nonce` is remembered, and a DPoP nonce
   * challenge (`401`, `WWW-Authenticate: DPoP error="use_dpop_nonce"`) is answered by sending the
   * request once more with the nonce. Any other status is the caller's to handle.
   * @example
   * ```ts
   * const response = await app.fetchResource({ token, url: 'https://api.example/items', method: 'POST', body: '{}' });
   * ```
   * @throws {NetworkError} {RequestTimeoutError} the API could not be reached (no response headers
   * within `system.requestTimeoutMs`). @throws {CancelledError} `signal` aborted.
   * @throws {DpopKeyError}, {ConfigurationError} as {@link createResourceHeaders}.
   */
  async fetchResource(request: ResourceFetchRequest): Promise<Response> {
    return runOperation(this.#config.clock, { signal: request?.signal }, (context) =>
      fetchResource({ config: this.#config, cache: this.#cache, dpop: this.#dpop }, request, context.signal),
    );
  }

  /** The normalised authority this client signs in to. */
  get authority(): string {
    return this.#config.authority;
  }

  /** The provider profile this client uses: `auth.provider`, else the one inferred from the authority. */
  get provider(): ProviderName {
    return this.#config.profile.name;
  }

  /**
   * Signs a user in with the device code flow: requests a code, hands it to `onDeviceCode`,
   * polls until the user approves, verifies the id_token and returns the tokens.
   * @throws {AuthorizationDeclinedError} the user refused.
   * @throws {DeviceCodeExpiredError} the code expired first.
   * @throws {CancelledError} `signal` aborted. @throws {TimeoutError} `timeoutMs` elapsed.
   * @throws {FlowNotEnabledError}, {ServerError}, {NetworkError}, {InvalidResponseError}, {IdTokenValidationError}.
   */
  async acquireTokenByDeviceCode(options: DeviceCodeOptions): Promise<AuthenticationResult> {
    if (typeof options?.onDeviceCode !== 'function') {
      throw new ConfigurationError('onDeviceCode', 'must be a function that shows the code to the user');
    }
    return runOperation(this.#config.clock, options, async (context) => {
      const endpoints = await this.#resolveEndpoints(context);
      const { info, flow } = await startFlow(this.#config, endpoints, options, context);
      // The callback cannot be interrupted, but the caller's signal and timeout still end the wait.
      await raceAbort(Promise.resolve(options.onDeviceCode(info)), context.signal);
      context.signal.throwIfAborted();
      return this.#complete(flow, endpoints, context);
    });
  }

  /**
   * First half of the two-step form: requests a device code and returns the flow as plain
   * JSON (code, URL, message, expiry and what is needed to poll). Show it, store it, or send it
   * to another process, then call {@link completeDeviceCode}.
   */
  async startDeviceCode(options: StartDeviceCodeOptions): Promise<DeviceCodeFlow> {
    return runOperation(this.#config.clock, options, async (context) => {
      const { flow } = await startFlow(this.#config, await this.#resolveEndpoints(context), options, context);
      return flow;
    });
  }

  /**
   * Second half of the two-step form: polls for the tokens of a flow from
   * {@link startDeviceCode}, possibly in another process (the flow is checked field by field
   * and must belong to this client id and authority).
   * @throws {InvalidFlowError} when the flow is malformed or belongs to another client.
   */
  async completeDeviceCode(
    flow: DeviceCodeFlow,
    options: CompleteDeviceCodeOptions = {},
  ): Promise<AuthenticationResult> {
    const checked = checkFlow(flow);
    if (checked.clientId !== this.#config.clientId) throw new InvalidFlowError('clientId', 'belongs to another client');
    if (checked.authority !== this.#config.authority)
      throw new InvalidFlowError('authority', 'belongs to another authority');
    return runOperation(this.#config.clock, options, async (context) => {
      // A stored flow is input: where to send the device code and which keys and issuer to
      // trust come from this client's configuration, never from the flow.
      const endpoints = await this.#resolveEndpoints(context);
      if (checked.tokenEndpoint !== endpoints.token) {
        throw new InvalidFlowError('tokenEndpoint', "does not match this client's token endpoint");
      }
      return this.#complete(checked, endpoints, context);
    });
  }

  #complete(
    flow: DeviceCodeFlow,
    endpoints: ResolvedEndpoints,
    context: OperationContext,
  ): Promise<AuthenticationResult> {
    return completeSignIn(
      { config: this.#config, cache: this.#cache, jwks: this.#jwks, dpop: this.#dpop },
      flow,
      endpoints,
      context,
    );
  }

  #resolveEndpoints(context: OperationContext): Promise<ResolvedEndpoints> {
    const pending = (this.#endpoints ??= resolveEndpoints(this.#config, context.signal));
    // A failed discovery is not cached: the next call tries again.
    pending.catch(() => {
      if (this.#endpoints === pending) this.#endpoints = undefined;
    });
    return pending;
  }
}
