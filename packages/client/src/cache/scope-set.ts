/** Scopes MSAL leaves out when matching cached access tokens: they are about the id_token and refresh token. */
const OIDC_SCOPES: ReadonlySet<string> = new Set(['openid', 'profile', 'offline_access', 'email']);

/**
 * Lower-cased request scopes for cache matching, without the OIDC scopes (unless only OIDC
 * scopes were asked, as MSAL does).
 */
export function searchScopes(scopes: readonly string[]): string[] {
  const lower = [...new Set(scopes.map((s) => s.toLowerCase()))];
  const withoutOidc = lower.filter((s) => !OIDC_SCOPES.has(s));
  return withoutOidc.length > 0 ? withoutOidc : lower;
}

/** True when the space-separated `target` contains every scope of `wanted` (case-insensitive). */
export function targetContains(target: string | undefined, wanted: readonly string[]): boolean {
  const have = new Set(
    (target ?? '')
      .toLowerCase()
      .split(/\s+/)
      .filter((s) => s !== ''),
  );
  return wanted.every((scope) => have.has(scope));
}

/** True when two space-separated targets share at least one scope (MSAL replaces such tokens on write). */
export function targetsIntersect(a: string | undefined, b: string | undefined): boolean {
  const left = new Set(searchScopes((a ?? '').split(/\s+/).filter((s) => s !== '')));
  return searchScopes((b ?? '').split(/\s+/).filter((s) => s !== '')).some((s) => left.has(s));
}
