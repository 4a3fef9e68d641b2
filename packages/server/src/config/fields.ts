/**
 * The single description of every configuration field: its type, how a config file value is
 * checked, its default as documented, its description, and whether the environment and the
 * command line may set it. The loader (load.ts) checks files and parses variables and flags from
 * it; docs/configuration.md is generated from it (doc.ts). Default values themselves live in
 * `DEFAULTS` (defaults.ts) and are rendered from there.
 */
import type { ClientConfig, ServerConfig, UserConfig } from './defaults.js';

/** How a value read from a config file is type-checked. */
export type FieldCheck =
  | { readonly kind: 'string' }
  | { readonly kind: 'integer' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'string-list' }
  | { readonly kind: 'entries'; readonly entry: 'ClientConfig' | 'UserConfig' };

/** Where a field may be set besides the config file. */
export type FieldSources =
  /** File, environment variable and command-line flag. */
  | 'all'
  /** File and environment variable only: a secret must not appear on the command line. */
  | 'file-env'
  /** Config file only (structured values). */
  | 'file';

/** One documented field. */
export interface FieldSpec {
  /** Type as shown in the documentation. */
  readonly type: string;
  readonly check: FieldCheck;
  readonly description: string;
  /** Default as documented, when it is not a value of `DEFAULTS` (or nothing for required). */
  readonly defaultText?: string;
  /** Default `'file'`; only top-level scalar fields and lists of names have other sources. */
  readonly sources?: FieldSources;
  /** Entries of `clients` and `users`: must the field be present? */
  readonly required?: boolean;
  /**
   * A conventional variable also read when the `DEVICELOGIN_…` one is unset or empty
   * (`DATABASE_URL`).
   */
  readonly envAlias?: string;
}

/** Every field of {@link ServerConfig}, in documentation order (the type forbids forgetting one). */
export const CONFIG_FIELDS: { readonly [K in keyof ServerConfig]-?: FieldSpec } = {
  publicUrl: {
    type: 'URL',
    check: { kind: 'string' },
    sources: 'all',
    defaultText: '`http://HOST:PORT`',
    description:
      'Public base URL the server is reached at (issuer origin), absolute http(s); a trailing slash is removed.',
  },
  tenants: {
    type: 'string[]',
    check: { kind: 'string-list' },
    sources: 'all',
    description:
      "Tenants served besides `common`: lower-case letters, digits, dots and dashes (not `device`, the verification pages' path). In the environment and on the command line: names separated by spaces or commas.",
  },
  sqlitePath: {
    type: 'string',
    check: { kind: 'string' },
    sources: 'all',
    description: 'SQLite database file (created when missing), relative to the working directory, or `:memory:`.',
  },
  databaseUrl: {
    type: 'URL',
    check: { kind: 'string' },
    sources: 'file-env',
    envAlias: 'DATABASE_URL',
    defaultText: 'none: SQLite',
    description:
      'PostgreSQL connection string (`postgres://user:password@host:5432/database`). When set, the store is PostgreSQL, which several instances can share, and `sqlitePath` is not used; see docs/deployment.md. Never a flag: it may hold a password.',
  },
  databasePoolSize: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description: 'Most PostgreSQL connections one instance opens (with `databaseUrl`).',
  },
  deviceCodeTtlSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description: 'Device code lifetime in seconds (RFC 8628 `expires_in`); 900 as Entra.',
  },
  pollIntervalSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description: 'Polling interval advertised to clients, in seconds (RFC 8628 `interval`).',
  },
  longPollMaxWaitSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description:
      'Longest `Prefer: wait=N` (RFC 7240) a pending device-code poll is held open for, in seconds (0 to 120; 0 turns long-poll off). Advertised in the metadata as `device_authorization_long_poll_max_wait`. Load balancer and proxy idle timeouts must be longer; see docs/server.md.',
  },
  trustProxy: {
    type: 'string[]',
    check: { kind: 'string-list' },
    sources: 'all',
    description:
      "Addresses and CIDR ranges (`10.0.0.5`, `10.0.0.0/8`, `fd00::/8`) of the reverse proxies and load balancers whose `X-Forwarded-For` (and `X-Forwarded-Proto`) is believed. A request from one of them is attributed to the right-most address of `X-Forwarded-For` that is not one of them: that address is what the per-IP and per-network guessing budgets count, what the consent page shows and what approval records keep. Empty: every request's address is its socket's (behind a proxy, the proxy's for everyone). List only proxies you run, each overwriting or appending to the header (HAProxy `option forwardfor`, nginx `proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`): trusting anything else lets clients choose their address and escape the per-IP budgets. In the environment and on the command line: entries separated by spaces or commas. See docs/deployment.md.",
  },
  dpopNonces: {
    type: 'boolean',
    check: { kind: 'boolean' },
    sources: 'all',
    description:
      "DPoP proofs (RFC 9449) at the token endpoint and the demo API must carry a server nonce (`use_dpop_nonce`, `DPoP-Nonce`); nonces change every 5 minutes and are derived from `cookieSecret`, so instances sharing it accept each other's. Off: any recent proof is accepted (its `jti` still only once).",
  },
  accessTokenTtlSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description: 'Access and id token lifetime in seconds; must be above 300 (MSAL refreshes closer to expiry).',
  },
  refreshTokenTtlSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description: 'Refresh token lifetime in seconds (90 days by default).',
  },
  approvalRetentionDays: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description:
      'How many days approval records (who approved which device code, from which IP and browser, what became of it: `devicelogin-admin approvals list`) are kept after the approval; the scheduled purge (`purgeIntervalSeconds`) deletes older ones. Keep it longer than any refresh token may live if revoking by approval must work for every session.',
  },
  purgeIntervalSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    sources: 'all',
    description:
      'Seconds between two runs of the scheduled purge (0 turns it off; otherwise 60 to 86,400). Each run deletes the device codes and refresh tokens that have expired, the approvals older than `approvalRetentionDays` and ended counter windows, in batches, and logs how many rows went. Every instance runs it: the deletes are idempotent, so several instances on one database only repeat each other.',
  },
  apiAudience: {
    type: 'string',
    check: { kind: 'string' },
    sources: 'all',
    description: 'Audience (`aud`) of access tokens for the demo API; API scopes are prefixed with it.',
  },
  errorDialect: {
    type: '`rfc8628` | `entra`',
    check: { kind: 'enum', values: ['rfc8628', 'entra'] },
    sources: 'all',
    description:
      "Error bodies: RFC 6749/8628 ones, or Entra's (`AADSTS` descriptions, `authorization_declined`, `error_codes`, `trace_id`).",
  },
  clients: {
    type: '`ClientConfig[]`',
    check: { kind: 'entries', entry: 'ClientConfig' },
    description:
      'Public clients upserted into the store at every start (see below); `devicelogin-admin clients` manages them too.',
  },
  users: {
    type: '`UserConfig[]`',
    check: { kind: 'entries', entry: 'UserConfig' },
    description:
      'Users upserted at every start, password and enabled state included (see below); `devicelogin-admin users` manages them too.',
  },
  cookieSecret: {
    type: 'string',
    check: { kind: 'string' },
    sources: 'file-env',
    defaultText: 'random per process',
    description:
      "HMAC secret of the verification pages' cookies, from which the DPoP nonces are derived too, at least 32 characters; set it, the same on every instance, when several instances serve one site. Never a flag.",
  },
  mfaEncryptionSecret: {
    type: 'string',
    check: { kind: 'string' },
    sources: 'file-env',
    defaultText: 'none: TOTP secrets stored unencrypted',
    description:
      'Secret the TOTP (MFA) secrets are encrypted with in the store (AES-256-GCM), at least 32 characters. Keep it stable: changing it makes enrolled users unable to sign in until `devicelogin-admin users reset-mfa`. Never a flag.',
  },
  metricsToken: {
    type: 'string',
    check: { kind: 'string' },
    sources: 'file-env',
    defaultText: 'none: `/metrics` is open',
    description:
      'Bearer token Prometheus must send to read `GET /metrics` (compared in constant time). Without it the endpoint is open: counts and latencies only, no identities. Never a flag.',
  },
  introspectionSecret: {
    type: 'string',
    check: { kind: 'string' },
    sources: 'file-env',
    defaultText: 'none: introspection answers 401',
    description:
      'Secret resource servers authenticate to the token introspection endpoint (RFC 7662, `POST /{tenant}/oauth2/v2.0/introspect`) with, at least 32 characters: `Authorization: Bearer <secret>`, or HTTP Basic with any user name and the secret as password (compared in constant time). Without it the endpoint refuses every caller. Never a flag.',
  },
};

/** Every field of a `clients` entry. */
export const CLIENT_FIELDS: { readonly [K in keyof ClientConfig]-?: FieldSpec } = {
  clientId: { type: 'string', check: { kind: 'string' }, required: true, description: 'The `client_id`.' },
  name: { type: 'string', check: { kind: 'string' }, required: true, description: 'Shown on the consent page.' },
  allowedScopes: {
    type: 'string[]',
    check: { kind: 'string-list' },
    defaultText: '`[]`',
    description:
      'API scopes it may request (also checked at pick-up and refresh); empty = any. `openid`, `profile`, `email`, `offline_access` are always allowed.',
  },
  deviceGrantEnabled: {
    type: 'boolean',
    check: { kind: 'boolean' },
    defaultText: '`true`',
    description:
      'May it use the device code grant? Off also refuses the pick-up of approved codes and the refresh of sessions it started.',
  },
  deepLinkEnabled: {
    type: 'boolean',
    check: { kind: 'boolean' },
    defaultText: '`true`',
    description:
      'Send `verification_uri_complete` (a link that carries the user code), and let `/device?user_code=` pre-fill its codes?',
  },
  accessTokenLifetimeSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    defaultText: '`accessTokenTtlSeconds`',
    description:
      'Shorter lifetime of the access and id tokens issued to it (device code grant and refreshes), 60 up to `accessTokenTtlSeconds`.',
  },
  refreshTokenLifetimeSeconds: {
    type: 'integer',
    check: { kind: 'integer' },
    defaultText: '`refreshTokenTtlSeconds`',
    description:
      'Shorter lifetime of each refresh token issued to it (every rotation gets it again), 60 up to `refreshTokenTtlSeconds`.',
  },
  dpopRequired: {
    type: 'boolean',
    check: { kind: 'boolean' },
    defaultText: '`false`',
    description:
      'Must every token request of this client carry a DPoP proof (RFC 9449)? Then all its access and refresh tokens are bound to the proof key. Off: tokens are bound when the client sends a proof.',
  },
};

/** Every field of a `users` entry. */
export const USER_FIELDS: { readonly [K in keyof UserConfig]-?: FieldSpec } = {
  tenant: { type: 'string', check: { kind: 'string' }, required: true, description: 'One of `tenants`.' },
  username: {
    type: 'string',
    check: { kind: 'string' },
    required: true,
    description: 'Sign-in name, unique per tenant regardless of letter case.',
  },
  displayName: { type: 'string', check: { kind: 'string' }, required: true, description: 'The `name` claim.' },
  password: {
    type: 'string',
    check: { kind: 'string' },
    required: true,
    description: 'Stored as an scrypt hash. Never accepted on the command line.',
  },
};

/** The field tables of `clients` and `users` entries, by entry type name. */
export const ENTRY_FIELDS: Readonly<Record<'ClientConfig' | 'UserConfig', Readonly<Record<string, FieldSpec>>>> = {
  ClientConfig: CLIENT_FIELDS,
  UserConfig: USER_FIELDS,
};

/** Names of the top-level fields, in documentation order. */
export const CONFIG_FIELD_NAMES = Object.keys(CONFIG_FIELDS) as (keyof ServerConfig)[];

/** `sqlitePath` → `DEVICELOGIN_SQLITE_PATH`. */
export function envName(field: string): string {
  return `DEVICELOGIN_${field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** `sqlitePath` → `sqlite-path` (the flag is `--sqlite-path`). */
export function flagName(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Does the field come from the environment (and, with `'all'`, from a flag)? */
export function fieldSources(spec: FieldSpec): FieldSources {
  return spec.sources ?? 'file';
}
