/**
 * What a device code sign-in asks for when no scopes are configured (no `--scopes`,
 * `DEVICELOGIN_SCOPES` or profile `scopes`) and the provider is a generic OpenID Connect one:
 * an id_token (without it there is no account to cache) and a refresh token. The other provider
 * profiles have defaults of their own, added by the client (Entra, Okta, Auth0, Keycloak, AD FS,
 * Google), or no OpenID Connect at all (GitHub, Entra v1).
 */
export const GENERIC_DEFAULT_SCOPES: readonly string[] = Object.freeze(['openid', 'profile', 'offline_access']);

/**
 * The scopes a sign-in requests: the configured ones, or {@link GENERIC_DEFAULT_SCOPES} when
 * there are none and `provider` (the client's profile, given or inferred) is `generic`.
 */
export function signInScopes(configured: readonly string[], provider: string): readonly string[] {
  return configured.length === 0 && provider === 'generic' ? GENERIC_DEFAULT_SCOPES : configured;
}
