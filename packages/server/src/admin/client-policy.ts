/**
 * The per-client policy options of `clients add` and `clients set`: device grant, deep links,
 * scope limit, and shorter token lifetimes for the tokens the client gets (docs/server.md,
 * "Per-client policy"). Parsing is syntax only (before the store opens); {@link applyPolicy}
 * checks lifetimes against the configured server defaults and produces the new record.
 */
import type { ServerConfig } from '../config/defaults.js';
import type { ClientRecord } from '../store/store.js';
import { lifetimeProblem } from '../tokens/lifetimes.js';
import { optionalBoolean, type ParsedValues } from './command.js';
import { UsageError } from './errors.js';

/** A lifetime option: seconds, or `default` to go back to the server's lifetime. */
export type LifetimeChange = number | 'default';

/** Policy changes given on the command line; what is absent stays as it is. */
export interface ClientPolicyChanges {
  /** Space-separated scope list; `''` (from `--no-scope-limit`) = any scope the server knows. */
  readonly allowedScopes?: string;
  readonly deviceGrantEnabled?: boolean;
  readonly deepLinkEnabled?: boolean;
  readonly accessTokenLifetimeSeconds?: LifetimeChange;
  readonly refreshTokenLifetimeSeconds?: LifetimeChange;
  /** `--dpop required|optional`. */
  readonly dpopRequired?: boolean;
}

/** parseArgs definitions of the policy flags. */
export const POLICY_FLAGS = {
  'allowed-scopes': { type: 'string' },
  'scope-limit': { type: 'boolean' },
  'device-grant': { type: 'boolean' },
  'deep-link': { type: 'boolean' },
  'access-token-lifetime': { type: 'string' },
  'refresh-token-lifetime': { type: 'string' },
  dpop: { type: 'string' },
} as const;

/** `--help` lines of the policy flags. */
export const POLICY_HELP: readonly (readonly [string, string])[] = [
  ['--allowed-scopes "<scope> …"', 'API scopes it may request (spaces or commas); openid, profile, email and'],
  ['', 'offline_access are always allowed'],
  ['--no-scope-limit', 'any scope the server knows (removes --allowed-scopes)'],
  ['--device-grant, --no-device-grant', 'allow or refuse the device code flow (refusing also stops the refreshes'],
  ['', 'of sessions it started and the pick-up of codes already approved)'],
  ['--deep-link, --no-deep-link', 'send verification_uri_complete, and pre-fill /device?user_code= for its codes'],
  ['--access-token-lifetime <s|default>', 'shorter access/id token lifetime in seconds (60 … accessTokenTtlSeconds)'],
  ['--refresh-token-lifetime <s|default>', 'shorter refresh token lifetime in seconds (60 … refreshTokenTtlSeconds)'],
  ['--dpop <required|optional>', 'required: every token request must carry a DPoP proof (RFC 9449) and all'],
  ['', 'its tokens are key-bound; optional (default): bound when the client sends one'],
];

/** `--dpop required|optional` → the stored switch, or undefined when absent. */
function dpopChange(values: ParsedValues, command: string): boolean | undefined {
  const raw = values['dpop'];
  if (raw === undefined) return undefined;
  if (raw === 'required') return true;
  if (raw === 'optional') return false;
  throw new UsageError('--dpop must be "required" or "optional"', command);
}

/** `--allowed-scopes` / `--no-scope-limit` → the stored list, or undefined when neither is given. */
function scopeChange(values: ParsedValues, command: string): string | undefined {
  const raw = values['allowed-scopes'];
  const limit = optionalBoolean(values, 'scope-limit');
  if (limit === true) throw new UsageError('--scope-limit takes no value: give --allowed-scopes "<scope> …"', command);
  if (limit === false) {
    if (raw !== undefined) throw new UsageError('--allowed-scopes and --no-scope-limit contradict each other', command);
    return '';
  }
  if (typeof raw !== 'string') return undefined;
  const list = raw.split(/[\s,]+/).filter((s) => s !== '');
  // An empty list (an unset shell variable, say) must not silently lift the limit.
  if (list.length === 0) {
    throw new UsageError('--allowed-scopes needs at least one scope; --no-scope-limit allows any scope', command);
  }
  return [...new Set(list)].join(' ');
}

/** `--access-token-lifetime 600` → 600; `default` → 'default'; absent → undefined. */
function lifetimeChange(values: ParsedValues, flag: string, command: string): LifetimeChange | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw.trim() : '';
  if (text === 'default') return 'default';
  if (!/^\d{1,10}$/.test(text)) {
    throw new UsageError(`--${flag} must be a whole number of seconds, or "default"`, command);
  }
  return Number(text);
}

/**
 * The policy flags given.
 * @throws {UsageError} on an empty scope list, contradicting scope flags, or a lifetime that is
 *   not a whole number of seconds or `default`.
 */
export function parsePolicy(values: ParsedValues, command: string): ClientPolicyChanges {
  const allowedScopes = scopeChange(values, command);
  const deviceGrantEnabled = optionalBoolean(values, 'device-grant');
  const deepLinkEnabled = optionalBoolean(values, 'deep-link');
  const access = lifetimeChange(values, 'access-token-lifetime', command);
  const refresh = lifetimeChange(values, 'refresh-token-lifetime', command);
  const dpopRequired = dpopChange(values, command);
  return {
    ...(allowedScopes === undefined ? {} : { allowedScopes }),
    ...(deviceGrantEnabled === undefined ? {} : { deviceGrantEnabled }),
    ...(deepLinkEnabled === undefined ? {} : { deepLinkEnabled }),
    ...(access === undefined ? {} : { accessTokenLifetimeSeconds: access }),
    ...(refresh === undefined ? {} : { refreshTokenLifetimeSeconds: refresh }),
    ...(dpopRequired === undefined ? {} : { dpopRequired }),
  };
}

/** The stored lifetime after a change: kept, cleared (`default`), or a checked new value. */
function nextLifetime(
  current: number | undefined,
  change: LifetimeChange | undefined,
  bound: { readonly flag: string; readonly max: number; readonly defaultName: string; readonly command: string },
): number | undefined {
  if (change === undefined) return current;
  if (change === 'default') return undefined;
  const problem = lifetimeProblem(change, bound.max, bound.defaultName);
  if (problem !== undefined) throw new UsageError(`--${bound.flag} ${problem}`, bound.command);
  return change;
}

/**
 * `client` with `changes` applied. Lifetimes are checked against this configuration's server
 * lifetimes (a server started with lower ones still caps them: see tokens/lifetimes.ts).
 * @throws {UsageError} naming the flag whose lifetime is out of bounds.
 */
export function applyPolicy(
  client: ClientRecord,
  changes: ClientPolicyChanges,
  config: Pick<ServerConfig, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>,
  command: string,
): ClientRecord {
  const { accessTokenLifetimeSeconds, refreshTokenLifetimeSeconds, dpopRequired, ...rest } = client;
  const dpop = changes.dpopRequired ?? dpopRequired ?? false;
  const access = nextLifetime(accessTokenLifetimeSeconds, changes.accessTokenLifetimeSeconds, {
    flag: 'access-token-lifetime',
    max: config.accessTokenTtlSeconds,
    defaultName: 'accessTokenTtlSeconds',
    command,
  });
  const refresh = nextLifetime(refreshTokenLifetimeSeconds, changes.refreshTokenLifetimeSeconds, {
    flag: 'refresh-token-lifetime',
    max: config.refreshTokenTtlSeconds,
    defaultName: 'refreshTokenTtlSeconds',
    command,
  });
  return {
    ...rest,
    ...(changes.allowedScopes === undefined ? {} : { allowedScopes: changes.allowedScopes }),
    ...(changes.deviceGrantEnabled === undefined ? {} : { deviceGrantEnabled: changes.deviceGrantEnabled }),
    ...(changes.deepLinkEnabled === undefined ? {} : { deepLinkEnabled: changes.deepLinkEnabled }),
    ...(access === undefined ? {} : { accessTokenLifetimeSeconds: access }),
    ...(refresh === undefined ? {} : { refreshTokenLifetimeSeconds: refresh }),
    ...(dpop ? { dpopRequired: true } : {}),
  };
}

/** MSAL refreshes tokens within 5 minutes of expiry: at or below it, on every call. */
export const MSAL_REFRESH_BUFFER_SECONDS = 300;

/** A note for the operator when the access token lifetime makes MSAL refresh on every call. */
export function lifetimeNote(client: ClientRecord): string | undefined {
  const access = client.accessTokenLifetimeSeconds;
  if (access === undefined || access > MSAL_REFRESH_BUFFER_SECONDS) return undefined;
  return `Note: access tokens of ${access} s are within MSAL's ${MSAL_REFRESH_BUFFER_SECONDS} s refresh buffer: MSAL clients will refresh on every call.`;
}
