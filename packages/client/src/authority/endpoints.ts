import { ConfigurationError } from '../errors.js';
import type { ResolvedConfig } from '../config.js';
import { expandTemplate } from './authority.js';
import { discoverMetadata } from './discovery.js';

/** The endpoints one sign-in needs, resolved from explicit settings, templates or discovery. */
export interface ResolvedEndpoints {
  readonly deviceAuthorization: string;
  readonly token: string;
  readonly jwks: string | undefined;
  /** Expected id_token issuer; may contain `{tenantid}` (Entra multi-tenant authorities). */
  readonly issuer: string | undefined;
  /** The RFC 7009 revocation endpoint, when the provider has one (metadata `revocation_endpoint`). */
  readonly revocation: string | undefined;
  /**
   * The longest `Prefer: wait=N` the token endpoint honours (seconds), when its metadata
   * advertises long-poll (`device_authorization_long_poll_max_wait`, a devicelogin extension).
   */
  readonly longPollMaxWait?: number;
}

/** The metadata field a devicelogin server advertises long-poll with. */
const LONG_POLL_FIELD = 'device_authorization_long_poll_max_wait';

/** The advertised long-poll maximum, if it is a positive whole number of seconds. */
function advertisedLongPoll(raw: Readonly<Record<string, unknown>>): { longPollMaxWait?: number } {
  const value = raw[LONG_POLL_FIELD];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? { longPollMaxWait: value } : {};
}

/** Endpoints from explicit settings, templates or discovery (one request, kept by the caller). */
async function findEndpoints(config: ResolvedConfig, signal: AbortSignal | undefined): Promise<ResolvedEndpoints> {
  if (config.endpoints !== undefined) {
    return Object.freeze({
      deviceAuthorization: config.endpoints.deviceAuthorization,
      token: config.endpoints.token,
      jwks: config.endpoints.jwks,
      // OIDC Core §3.1.3.7: the issuer is always checked; without an explicit one it is the authority.
      issuer: config.endpoints.issuer ?? config.authority,
      revocation: config.endpoints.revocation,
    });
  }
  const templates = config.profile.endpoints;
  if (templates !== 'discovery') {
    const expand = (t: string | undefined): string | undefined =>
      t === undefined ? undefined : expandTemplate(t, config.authority);
    return Object.freeze({
      deviceAuthorization: expandTemplate(templates.deviceAuthorization, config.authority),
      token: expandTemplate(templates.token, config.authority),
      jwks: expand(templates.jwks),
      issuer: expand(templates.issuer),
      // No template has one: Entra has no revocation endpoint, GitHub's is not RFC 7009.
      revocation: undefined,
    });
  }
  const metadata = await discoverMetadata(config.authority, config.http, signal);
  if (metadata.deviceAuthorizationEndpoint === undefined) {
    throw new ConfigurationError(
      'auth.authority',
      `points to a provider whose metadata has no device_authorization_endpoint; it may not support the device flow (set auth.endpoints if it does)`,
    );
  }
  return Object.freeze({
    deviceAuthorization: metadata.deviceAuthorizationEndpoint,
    token: metadata.tokenEndpoint,
    jwks: metadata.jwksUri,
    issuer: metadata.issuer,
    revocation: metadata.revocationEndpoint,
    ...advertisedLongPoll(metadata.raw),
  });
}

/**
 * Resolves the endpoints of a configuration: explicit `auth.endpoints` first, then the
 * profile's templates, then discovery. With an https authority every endpoint must be https
 * too (a discovery document must not downgrade the device code or tokens to plain http). The
 * revocation endpoint is checked when it is used (`signOut`), so that a bad one never stops a sign-in.
 * @throws {ConfigurationError} naming the endpoint that is not https.
 */
export async function resolveEndpoints(
  config: ResolvedConfig,
  signal: AbortSignal | undefined,
): Promise<ResolvedEndpoints> {
  const endpoints = await findEndpoints(config, signal);
  if (new URL(config.authority).protocol === 'https:') {
    for (const [name, url] of [
      ['deviceAuthorization', endpoints.deviceAuthorization],
      ['token', endpoints.token],
      ['jwks', endpoints.jwks],
    ] as const) {
      if (url !== undefined && new URL(url).protocol !== 'https:') {
        throw new ConfigurationError(`endpoints.${name}`, `(${url}) must use https like the authority`);
      }
    }
  }
  return endpoints;
}
