import { sameEnvironment } from './authority/environment.js';
import { resolveConfig, type PublicClientConfiguration, type ResolvedConfig } from './config.js';
import { resolveEndpoints, type ResolvedEndpoints } from './authority/endpoints.js';
import { InvalidFlowError } from './errors.js';
import { JwksCache, validateReturnedIdToken } from './id-token.js';
import { buildResult, type AuthenticationResult } from './result.js';
import { checkFlow, type DeviceCodeFlow, type DeviceCodeInfo } from './flows/device-code-flow.js';
import { raceAbort, runOperation, type OperationContext, type OperationOptions } from './flows/operation.js';
import { pollForToken } from './flows/poll.js';
import { startFlow, type DeviceCodeRequest } from './flows/start.js';
import { acquireTokenSilently, type SilentRequest } from './flows/silent.js';
import { SingleFlight } from './flows/single-flight.js';
import { TokenCache } from './cache/token-cache.js';
import { recordMutation } from './cache/record.js';
import { accountInfoOf } from './cache/cached-result.js';
import type { AccountInfo } from './account.js';
import { ConfigurationError } from './errors.js';

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

  /** Removes an account and all its tokens from the cache (and its persistence). */
  async removeAccount(account: AccountInfo): Promise<void> {
    await this.#cache.sync();
    await this.#cache.write(() => [
      ...this.#cache
        .accountsByHomeId(account.homeAccountId)
        .filter((a) => sameEnvironment(a.value.environment, account.environment))
        .map((a) => ({ section: 'Account' as const, key: a.key, value: undefined })),
      ...this.#cache
        .credentialsOf(account.homeAccountId, account.environment)
        .map((c) => ({ section: c.section, key: c.key, value: undefined })),
    ]);
  }

  /** MSAL-style serialise/deserialise of the in-memory cache. */
  getTokenCache(): TokenCacheAccess {
    return { serialize: () => this.#cache.serialize(), deserialize: (text) => this.#cache.deserialize(text) };
  }

  /** The normalised authority this client signs in to. */
  get authority(): string {
    return this.#config.authority;
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

  async #complete(
    flow: DeviceCodeFlow,
    endpoints: ResolvedEndpoints,
    context: OperationContext,
  ): Promise<AuthenticationResult> {
    const config = this.#config;
    const profile = config.profile;
    const tokens = await pollForToken(
      {
        http: config.http,
        clock: config.clock,
        profile,
        tokenEndpoint: endpoints.token,
        expiresAt: flow.expiresAt,
        interval: flow.interval,
        log: config.log,
        secrets: [flow.userCode],
        ...(config.longPoll && endpoints.longPollMaxWait !== undefined
          ? { longPollMaxWait: endpoints.longPollMaxWait }
          : {}),
        parameters: {
          grant_type: profile.grantType,
          client_id: config.clientId,
          [profile.deviceCodeParameter]: flow.deviceCode,
          client_secret: config.clientSecret,
          client_info: profile.clientInfo ? '1' : undefined,
          resource: flow.resource,
        },
      },
      context,
    );
    const receivedAt = config.clock.now();
    const claims = await validateReturnedIdToken(tokens.idToken, config, endpoints, this.#jwks, context.signal);
    const result = buildResult({
      tokens,
      claims,
      requestedScopes: flow.scopes,
      authority: config.authority,
      receivedAt,
    });
    if (result.account !== undefined) {
      try {
        await this.#cache.write(
          recordMutation({
            tokens,
            account: result.account,
            clientId: config.clientId,
            provider: profile.name,
            requestedScopes: flow.scopes,
            claims: flow.claims,
            receivedAt,
          }),
        );
      } catch (error) {
        // The user has approved and the tokens are valid: losing them because the cache could
        // not be written (disk full, lock held) would waste the sign-in. The failure is reported,
        // not hidden; the next silent call will ask for interaction if nothing was saved.
        const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
        config.log('warn', `The sign-in succeeded but the token cache could not be saved (${code})`);
      }
    }
    return result;
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
