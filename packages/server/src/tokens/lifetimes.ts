/**
 * Token lifetimes of one client: the server's defaults, shortened by the client's policy
 * (`accessTokenLifetimeSeconds`, `refreshTokenLifetimeSeconds`). Both grants (device code at
 * redemption, refresh token at every rotation) read the client's current record and call this,
 * so a device-issued session keeps the short lifetime for as long as it is refreshed, and a
 * policy tightened later applies at the session's next refresh.
 */
import type { ServerConfig } from '../config/defaults.js';
import type { ClientRecord } from '../store/store.js';

/** Shortest per-client lifetime accepted anywhere (config file, admin command), seconds. */
export const MIN_CLIENT_TOKEN_LIFETIME_SECONDS = 60;

/** Lifetimes applied to one issuance, seconds. */
export interface TokenLifetimes {
  /** Access token and id_token (`exp` − `iat`, `expires_in`). */
  readonly accessTokenSeconds: number;
  /** The refresh token issued or rotated now. */
  readonly refreshTokenSeconds: number;
}

/**
 * The lifetimes for `client`: each override, when set, capped by the server's default, so a
 * client's policy can only shorten (a server default lowered after an override was set wins).
 *
 * @example
 * tokenLifetimes({ accessTokenTtlSeconds: 3600, refreshTokenTtlSeconds: 7776000 }, { accessTokenLifetimeSeconds: 600 })
 * // → { accessTokenSeconds: 600, refreshTokenSeconds: 7776000 }
 */
export function tokenLifetimes(
  config: Pick<ServerConfig, 'accessTokenTtlSeconds' | 'refreshTokenTtlSeconds'>,
  client: Pick<ClientRecord, 'accessTokenLifetimeSeconds' | 'refreshTokenLifetimeSeconds'> | undefined,
): TokenLifetimes {
  return {
    accessTokenSeconds: Math.min(config.accessTokenTtlSeconds, client?.accessTokenLifetimeSeconds ?? Infinity),
    refreshTokenSeconds: Math.min(config.refreshTokenTtlSeconds, client?.refreshTokenLifetimeSeconds ?? Infinity),
  };
}

/**
 * Checks a per-client lifetime against its bounds: a whole number of seconds, at least
 * {@link MIN_CLIENT_TOKEN_LIFETIME_SECONDS}, at most the server's default (`max`).
 *
 * @returns the problem in words (without the field name), or undefined when the value is fine.
 */
export function lifetimeProblem(value: number, max: number, defaultName: string): string | undefined {
  if (!Number.isInteger(value)) return 'must be a whole number of seconds';
  if (value < MIN_CLIENT_TOKEN_LIFETIME_SECONDS || value > max) {
    return `must be between ${MIN_CLIENT_TOKEN_LIFETIME_SECONDS} and ${max} seconds (${defaultName}): a client's policy can only shorten the server's lifetime`;
  }
  return undefined;
}
