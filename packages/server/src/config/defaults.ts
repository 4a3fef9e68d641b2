/**
 * The server's configuration and its defaults. docs/configuration.md is generated from `DEFAULTS`
 * and the field descriptions in fields.ts (`npm run docs:config`); load.ts reads a config file,
 * the environment and flags; every field is validated at start by `resolveServerConfig`.
 */
import { lifetimeProblem } from '../tokens/lifetimes.js';
import { trustProxyEntryProblem } from './trust-proxy.js';

/** A public client allowed to use the device flow. */
export interface ClientConfig {
  readonly clientId: string;
  /** Shown to the user on the consent page. */
  readonly name: string;
  /** Scopes it may request; empty or absent = any scope the server knows. */
  readonly allowedScopes?: readonly string[];
  /** Default true. */
  readonly deviceGrantEnabled?: boolean;
  /** Send `verification_uri_complete` (a link with the code). Default true. */
  readonly deepLinkEnabled?: boolean;
  /** Shorter access/id token lifetime for this client, seconds (60 … `accessTokenTtlSeconds`). */
  readonly accessTokenLifetimeSeconds?: number;
  /** Shorter refresh token lifetime for this client, seconds (60 … `refreshTokenTtlSeconds`). */
  readonly refreshTokenLifetimeSeconds?: number;
  /** Every token request must carry a DPoP proof (RFC 9449); its tokens are all key-bound. Default false. */
  readonly dpopRequired?: boolean;
}

/** A user seeded at start (the admin command manages them later). */
export interface UserConfig {
  readonly tenant: string;
  readonly username: string;
  readonly displayName: string;
  readonly password: string;
}

/** The whole configuration. */
export interface ServerConfig {
  /** Public base URL the server is reached at, without trailing slash (issuer origin). */
  readonly publicUrl: string;
  /** Tenants served, besides `common`. Default `['contoso']`. */
  readonly tenants: readonly string[];
  /** SQLite file path, or `:memory:`. Default `devicelogin.sqlite` in the working directory. */
  readonly sqlitePath: string;
  /**
   * PostgreSQL connection string; when set the store is PostgreSQL and `sqlitePath` is unused.
   * May hold a password: never a flag, never logged.
   */
  readonly databaseUrl?: string;
  /** Most connections of the PostgreSQL pool. Default 10. */
  readonly databasePoolSize: number;
  /** Device code lifetime in seconds (RFC 8628 `expires_in`). Default 900, as Entra. */
  readonly deviceCodeTtlSeconds: number;
  /** Advertised polling interval in seconds. Default 5. */
  readonly pollIntervalSeconds: number;
  /**
   * Longest `Prefer: wait=N` (RFC 7240) a device-code poll is held open for, seconds; 0 turns
   * long-poll off. Default 20. Load balancers' idle timeouts must exceed it.
   */
  readonly longPollMaxWaitSeconds: number;
  /**
   * Addresses and CIDR ranges of the reverse proxies whose `X-Forwarded-For` is believed: the
   * client IP is then the right-most address of the header that is not one of them. Default `[]`:
   * trust none, every request's IP is its socket's.
   */
  readonly trustProxy: readonly string[];
  /**
   * DPoP proofs (token endpoint and demo API) must carry a server nonce (RFC 9449 §8), derived
   * from `cookieSecret` so every instance accepts every other's. Default true.
   */
  readonly dpopNonces: boolean;
  /** Access and id token lifetime in seconds. Default 3600 (MSAL refreshes below 300). */
  readonly accessTokenTtlSeconds: number;
  /** Refresh token lifetime in seconds. Default 90 days. */
  readonly refreshTokenTtlSeconds: number;
  /**
   * How long approval records (who approved which device code, from where) are kept, days;
   * the scheduled purge (`purgeIntervalSeconds`) deletes older ones. Default 90.
   */
  readonly approvalRetentionDays: number;
  /**
   * Seconds between two runs of the scheduled purge of expired records (`purgeExpired`); 0 turns
   * it off. Default 600.
   */
  readonly purgeIntervalSeconds: number;
  /** Audience of access tokens for the demo API. Default `api://demo`. */
  readonly apiAudience: string;
  /** Error bodies: `rfc8628` (default) or `entra` (AADSTS-style, `authorization_declined`…). */
  readonly errorDialect: 'rfc8628' | 'entra';
  readonly clients: readonly ClientConfig[];
  readonly users: readonly UserConfig[];
  /** HMAC secret for page cookies (≥ 32 chars); random per process when absent. */
  readonly cookieSecret?: string;
  /**
   * Secret (≥ 32 chars) the TOTP secrets are encrypted at rest with (AES-256-GCM, key derived
   * by HKDF). Absent: they are stored unencrypted (docs/security.md). Never a flag.
   */
  readonly mfaEncryptionSecret?: string;
  /** Bearer token `/metrics` requires; absent: the endpoint is open. Never a flag. */
  readonly metricsToken?: string;
  /**
   * Secret resource servers authenticate to the introspection endpoint with (≥ 32 chars);
   * absent: the endpoint answers 401 to everyone. Never a flag.
   */
  readonly introspectionSecret?: string;
}

/** Upper bound of `longPollMaxWaitSeconds`: longer holds only meet proxies' idle timeouts. */
const MAX_LONG_POLL_SECONDS = 120;

/** Bounds of `purgeIntervalSeconds` (besides 0, off): a minute to a day. */
const PURGE_INTERVAL_SECONDS = { min: 60, max: 86_400 } as const;

/** Defaults for every optional field. */
export const DEFAULTS = {
  tenants: ['contoso'],
  sqlitePath: 'devicelogin.sqlite',
  databasePoolSize: 10,
  deviceCodeTtlSeconds: 900,
  pollIntervalSeconds: 5,
  longPollMaxWaitSeconds: 20,
  trustProxy: [],
  dpopNonces: true,
  accessTokenTtlSeconds: 3600,
  refreshTokenTtlSeconds: 90 * 24 * 3600,
  approvalRetentionDays: 90,
  purgeIntervalSeconds: 600,
  apiAudience: 'api://demo',
  errorDialect: 'rfc8628',
  clients: [],
  users: [],
} as const satisfies Partial<ServerConfig>;

/** The configuration error raised at start: names the field. */
export class ServerConfigError extends Error {
  /** The field (`users[0].tenant`), or the option or file, at fault. */
  readonly field: string;
  /** What is wrong with it, without the field name. */
  readonly problem: string;
  constructor(field: string, problem: string) {
    super(`Invalid server configuration: ${field} ${problem}`);
    this.name = 'ServerConfigError';
    this.field = field;
    this.problem = problem;
  }
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new ServerConfigError(field, 'must be a positive integer');
  return value;
}

/** Per-client lifetimes: whole seconds from 60 up to the server's own lifetime (lifetimes.ts). */
function checkClientLifetimes(config: ServerConfig, client: ClientConfig, at: string): void {
  const checks = [
    ['accessTokenLifetimeSeconds', client.accessTokenLifetimeSeconds, config.accessTokenTtlSeconds],
    ['refreshTokenLifetimeSeconds', client.refreshTokenLifetimeSeconds, config.refreshTokenTtlSeconds],
  ] as const;
  for (const [field, value, max] of checks) {
    if (value === undefined) continue;
    const defaultName = field === 'accessTokenLifetimeSeconds' ? 'accessTokenTtlSeconds' : 'refreshTokenTtlSeconds';
    const problem = lifetimeProblem(value, max, defaultName);
    if (problem !== undefined) throw new ServerConfigError(`${at}.${field}`, problem);
  }
}

/** The one tenant name a path cannot have: the first segment of the verification pages' paths. */
const RESERVED_TENANT = 'device';

/**
 * Applies defaults and validates.
 * @throws {ServerConfigError} naming the first bad field.
 */
export function resolveServerConfig(input: Partial<ServerConfig> & { readonly publicUrl: string }): ServerConfig {
  const config: ServerConfig = { ...DEFAULTS, ...input };
  if (!URL.canParse(config.publicUrl) || !/^https?:$/.test(new URL(config.publicUrl).protocol)) {
    throw new ServerConfigError('publicUrl', 'must be an absolute http(s) URL');
  }
  const publicUrl = config.publicUrl.replace(/\/+$/, '');
  for (const tenant of config.tenants) {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(tenant)) {
      throw new ServerConfigError('tenants', `entry "${tenant}" must be lower-case letters, digits, dots and dashes`);
    }
    // `/device/…` belongs to the verification pages (their 404 page answers every GET under it).
    if (tenant === RESERVED_TENANT) {
      throw new ServerConfigError('tenants', `entry "${tenant}" is reserved for the verification pages (/device)`);
    }
  }
  if (config.databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    // Never echo the value: it may hold a password.
    throw new ServerConfigError('databaseUrl', 'must be a postgres:// or postgresql:// URL');
  }
  positiveInteger(config.databasePoolSize, 'databasePoolSize');
  positiveInteger(config.deviceCodeTtlSeconds, 'deviceCodeTtlSeconds');
  positiveInteger(config.pollIntervalSeconds, 'pollIntervalSeconds');
  positiveInteger(config.refreshTokenTtlSeconds, 'refreshTokenTtlSeconds');
  positiveInteger(config.approvalRetentionDays, 'approvalRetentionDays');
  if (
    !Number.isInteger(config.longPollMaxWaitSeconds) ||
    config.longPollMaxWaitSeconds < 0 ||
    config.longPollMaxWaitSeconds > MAX_LONG_POLL_SECONDS
  ) {
    throw new ServerConfigError('longPollMaxWaitSeconds', `must be an integer from 0 to ${MAX_LONG_POLL_SECONDS}`);
  }
  config.trustProxy.forEach((entry) => {
    const problem = trustProxyEntryProblem(entry);
    if (problem !== undefined) throw new ServerConfigError('trustProxy', `entry "${entry}" ${problem}`);
  });
  const purge = config.purgeIntervalSeconds;
  if (
    !Number.isInteger(purge) ||
    (purge !== 0 && (purge < PURGE_INTERVAL_SECONDS.min || purge > PURGE_INTERVAL_SECONDS.max))
  ) {
    throw new ServerConfigError(
      'purgeIntervalSeconds',
      `must be 0 (off) or an integer from ${PURGE_INTERVAL_SECONDS.min} to ${PURGE_INTERVAL_SECONDS.max}`,
    );
  }
  if (positiveInteger(config.accessTokenTtlSeconds, 'accessTokenTtlSeconds') <= 300) {
    throw new ServerConfigError(
      'accessTokenTtlSeconds',
      'must be above 300 (MSAL refreshes tokens closer to expiry on every call)',
    );
  }
  if (config.errorDialect !== 'rfc8628' && config.errorDialect !== 'entra') {
    throw new ServerConfigError('errorDialect', 'must be rfc8628 or entra');
  }
  if (config.cookieSecret !== undefined && config.cookieSecret.length < 32) {
    throw new ServerConfigError('cookieSecret', 'must be at least 32 characters');
  }
  if (config.mfaEncryptionSecret !== undefined && config.mfaEncryptionSecret.length < 32) {
    throw new ServerConfigError('mfaEncryptionSecret', 'must be at least 32 characters');
  }
  if (config.introspectionSecret !== undefined && config.introspectionSecret.length < 32) {
    throw new ServerConfigError('introspectionSecret', 'must be at least 32 characters');
  }
  config.clients.forEach((client, index) => checkClientLifetimes(config, client, `clients[${index}]`));
  config.users.forEach((user, index) => {
    if (user.tenant === 'common' || !config.tenants.includes(user.tenant)) {
      throw new ServerConfigError(`users[${index}].tenant`, `"${user.tenant}" is not one of tenants`);
    }
  });
  return Object.freeze({ ...config, publicUrl, tenants: ['common', ...config.tenants.filter((t) => t !== 'common')] });
}
