import { systemClock, type Clock } from '@devicelogin/protocol';
import { ConfigurationError } from './errors.js';
import { isProviderName, PROVIDER_PROFILES, type ProviderName, type ProviderProfile } from './authority/profiles.js';
import { createEnvProxyFetch, proxyConfigured, type FetchLike } from './proxy.js';
import { createHttpTransport, type HttpTransport } from './http.js';
import { inferProvider, normalizeAuthority } from './authority/authority.js';
import { silentLogger, type Logger } from './logger.js';
import type { CachePersistence } from './cache/persistence.js';

/** Endpoints given explicitly, for providers without discovery or to skip it. */
export interface ExplicitEndpoints {
  readonly deviceAuthorization: string;
  readonly token: string;
  /** JWKS URL used to verify id_tokens. */
  readonly jwks?: string;
  /** Expected id_token issuer. */
  readonly issuer?: string;
  /**
   * The RFC 7009 token revocation endpoint, used by {@link PublicClientApplication.signOut}.
   * Without it, a sign-out is local only (reported as `no_endpoint`).
   */
  readonly revocation?: string;
}

/** Who the application is and where it signs in (MSAL's `auth` section). */
export interface AuthOptions {
  /** The application (client) id registered at the provider. */
  readonly clientId: string;
  /**
   * The authority URL: `https://login.microsoftonline.com/{tenant}` for Entra, the issuer URL
   * for discovery-based providers, `https://github.com` for GitHub. Defaults to the provider's
   * default authority when it has one. Must be https (http is accepted for loopback hosts only).
   */
  readonly authority?: string;
  /** The provider profile; inferred from the authority's host when left out. */
  readonly provider?: ProviderName;
  /** Google's installed-app client secret (not confidential; Google requires it). */
  readonly clientSecret?: string;
  /** Explicit endpoints; when set, no discovery request is made. */
  readonly endpoints?: ExplicitEndpoints;
  /**
   * Ask for sender-constrained tokens (DPoP, RFC 9449). Default false. When true, each device
   * code sign-in makes a new P-256 key and every token endpoint request (polls, refreshes) carries
   * a DPoP proof signed with it; the key is stored with the account in the token cache. A server
   * that ignores DPoP answers `token_type: Bearer`, and the token is then used as a Bearer token
   * (RFC 9449 §5). Use {@link PublicClientApplication.createResourceHeaders} or
   * {@link PublicClientApplication.fetchResource} to call APIs with either kind.
   * @see docs/client.md, "DPoP"
   */
  readonly dpop?: boolean;
}

/** Ports and tuning (MSAL's `system` section). Everything here is optional. */
export interface SystemOptions {
  /** The fetch to use. Default: the global fetch, or undici's with `HTTPS_PROXY`/`NO_PROXY` when set. */
  readonly fetch?: FetchLike;
  /** Time source and sleep; tests inject a fake one. */
  readonly clock?: Clock;
  /** Timeout of each HTTP request in ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
  /** Language of the generated instruction message when the server sends none. Default `en`. */
  readonly language?: 'en' | 'fr';
  /** Environment read for proxy variables. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Clock skew tolerated when checking id_token times, in seconds. Default 300. */
  readonly clockSkewSeconds?: number;
  /** Receives diagnostic lines (never secrets). Default: none. */
  readonly logger?: Logger;
  /**
   * Long-poll the token endpoint (`Prefer: wait=N`) when the provider's metadata advertises it
   * (a devicelogin server does): tokens arrive the moment the user approves instead of up to one
   * interval later. Falls back to plain polling by itself when a proxy cuts held requests.
   * Default true; false always polls.
   */
  readonly longPoll?: boolean;
  /**
   * Your application's product token (`my-tool/1.2`), put first in the `User-Agent` the client
   * sends to the provider: consent pages that show the requesting device (a devicelogin
   * server's does, against device-code phishing) then name your tool instead of Node.js.
   * Visible ASCII and spaces, at most 100 characters. Default: none (`devicelogin-client/…`
   * alone).
   */
  readonly userAgent?: string;
}

/** Token cache settings (MSAL's `cache` section). */
export interface CacheOptions {
  /**
   * Where the cache is kept between processes. Default: memory only. Use
   * `createDefaultPersistence()` for an encrypted file with its key in the OS keyring.
   */
  readonly persistence?: CachePersistence;
  /** A cached access token closer than this to expiry is not served. Default 300 s (MSAL's). */
  readonly expiryBufferSeconds?: number;
}

/** Configuration of a {@link PublicClientApplication}. */
export interface PublicClientConfiguration {
  readonly auth: AuthOptions;
  readonly system?: SystemOptions;
  readonly cache?: CacheOptions;
}

/** The configuration after validation, with defaults applied and ports built. */
export interface ResolvedConfig {
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly profile: ProviderProfile;
  /** Authority URL without trailing slash. */
  readonly authority: string;
  readonly endpoints: ExplicitEndpoints | undefined;
  readonly http: HttpTransport;
  readonly clock: Clock;
  readonly language: 'en' | 'fr';
  readonly clockSkewSeconds: number;
  readonly log: Logger;
  readonly expiryBufferSeconds: number;
  readonly persistence: CachePersistence | undefined;
  /** `system.longPoll` (default true). */
  readonly longPoll: boolean;
  /** `auth.dpop` (default false). */
  readonly dpop: boolean;
}

/** The package version, sent as `x-client-VER`. */
export const CLIENT_VERSION = '0.1.0';

function positive(value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ConfigurationError(option, 'must be a positive number');
  return value;
}

function nonNegative(value: number | undefined, option: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) throw new ConfigurationError(option, 'must be a number ≥ 0');
  return value;
}

/**
 * Validates a configuration and applies defaults.
 * @throws {ConfigurationError} naming the first wrong option.
 */
export function resolveConfig(config: PublicClientConfiguration): ResolvedConfig {
  const auth = config.auth as AuthOptions | undefined;
  if (auth === undefined || typeof auth !== 'object') throw new ConfigurationError('auth', 'is required');
  if (typeof auth.clientId !== 'string' || auth.clientId.trim() === '') {
    throw new ConfigurationError('auth.clientId', 'is required');
  }
  if (auth.provider !== undefined && !isProviderName(auth.provider)) {
    throw new ConfigurationError('auth.provider', `must be one of ${Object.keys(PROVIDER_PROFILES).join(', ')}`);
  }
  const endpoints = auth.endpoints === undefined ? undefined : checkEndpoints(auth.endpoints);
  const providerName = auth.provider ?? inferProvider(auth.authority, endpoints !== undefined);
  const profile = PROVIDER_PROFILES[providerName];
  const rawAuthority = auth.authority ?? profile.defaultAuthority ?? endpoints?.issuer;
  if (rawAuthority === undefined) {
    throw new ConfigurationError('auth.authority', `is required for provider ${providerName}`);
  }
  const authority = normalizeAuthority(rawAuthority, profile);
  if (profile.requiresClientSecret && (auth.clientSecret === undefined || auth.clientSecret === '')) {
    throw new ConfigurationError('auth.clientSecret', `is required by ${profile.displayName} for the device flow`);
  }
  if (auth.dpop !== undefined && typeof auth.dpop !== 'boolean') {
    throw new ConfigurationError('auth.dpop', 'must be true or false');
  }
  const system = config.system ?? {};
  const env = system.env ?? process.env;
  const fetchImpl: FetchLike =
    system.fetch ?? (proxyConfigured(env) ? createEnvProxyFetch(env) : (input, init) => fetch(input, init));
  const language = system.language ?? 'en';
  if (language !== 'en' && language !== 'fr') throw new ConfigurationError('system.language', 'must be en or fr');
  return Object.freeze({
    clientId: auth.clientId,
    clientSecret: auth.clientSecret === '' ? undefined : auth.clientSecret,
    profile,
    authority,
    endpoints,
    clock: system.clock ?? systemClock,
    log: system.logger ?? silentLogger,
    expiryBufferSeconds: nonNegative(config.cache?.expiryBufferSeconds, 'cache.expiryBufferSeconds', 300),
    persistence: config.cache?.persistence,
    longPoll: system.longPoll !== false,
    dpop: auth.dpop === true,
    language,
    clockSkewSeconds: nonNegative(system.clockSkewSeconds, 'system.clockSkewSeconds', 300),
    http: createHttpTransport({
      fetch: fetchImpl,
      requestTimeoutMs: positive(system.requestTimeoutMs, 'system.requestTimeoutMs', 30_000),
      headers: {
        'user-agent': userAgentOf(system.userAgent),
        'x-client-SKU': 'devicelogin.node',
        'x-client-VER': CLIENT_VERSION,
      },
    }),
  });
}

/**
 * The `User-Agent` of every request to the provider: the application's product token first,
 * then this library and the runtime (`my-tool/1.2 devicelogin-client/0.1.0 node/v20.20.2 (linux
 * x64)`), never Node's bare default.
 * @throws {ConfigurationError} for a product token with control or non-ASCII characters.
 */
function userAgentOf(product: string | undefined): string {
  const base = `devicelogin-client/${CLIENT_VERSION} node/${process.version} (${process.platform} ${process.arch})`;
  if (product === undefined) return base;
  if (typeof product !== 'string' || !/^[\x20-\x7e]{1,100}$/.test(product) || product.trim() !== product) {
    throw new ConfigurationError('system.userAgent', 'must be 1 to 100 visible ASCII characters (spaces inside)');
  }
  return `${product} ${base}`;
}

function checkEndpoints(endpoints: ExplicitEndpoints): ExplicitEndpoints {
  for (const key of ['deviceAuthorization', 'token', 'jwks', 'revocation'] as const) {
    const value = endpoints[key];
    if (value === undefined && (key === 'jwks' || key === 'revocation')) continue;
    if (typeof value !== 'string' || !URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw new ConfigurationError(`auth.endpoints.${key}`, 'must be an absolute http(s) URL');
    }
  }
  return Object.freeze({ ...endpoints });
}
