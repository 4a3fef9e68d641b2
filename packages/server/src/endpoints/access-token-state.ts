import type { JWTPayload } from 'jose';
import type { ServerContext } from '../context.js';

/**
 * What the revocation state says of a verified access token (`/api/me`, userinfo, introspection):
 * - `live`: nothing revoked it;
 * - `revoked`: its grant (`sid`) belongs to an approval revoked with `devicelogin-admin approvals
 *   revoke` (phishing remediation): the token is dead, `invalid_token`;
 * - `insufficient_claims`: it was issued (`iat`) before the user's "tokens valid after" time
 *   (`devicelogin-admin users revoke`): the API answers a claims challenge (Continuous Access
 *   Evaluation) asking for a token issued since, which a refresh gives unless the user's refresh
 *   tokens were revoked too.
 */
export type AccessTokenVerdict =
  | { readonly kind: 'live' }
  | { readonly kind: 'revoked' }
  | {
      readonly kind: 'insufficient_claims';
      /** The user's valid-after time, epoch seconds. */
      readonly validAfter: number;
      /** The claims request of the challenge, base64 (see {@link insufficientClaims}). */
      readonly claims: string;
    };

/**
 * Checks a verified access token against the store's revocation state: one indexed read
 * (`Store.accessTokenState`) on every call, no cache, so a revocation applies at once on every
 * instance sharing the store (docs/security.md, "Detect and remediate").
 */
export async function accessTokenVerdict(context: ServerContext, claims: JWTPayload): Promise<AccessTokenVerdict> {
  const sid = typeof claims['sid'] === 'string' ? claims['sid'] : undefined;
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const state = await context.store.accessTokenState(sid, subject);
  if (state.grantRevoked) return { kind: 'revoked' };
  // Refused up to and including the valid-after second: tokens minted after the revocation carry
  // a later `iat` (tokens/issue.ts), so a token of the same second is never ambiguous.
  if (state.validAfter !== undefined && (claims.iat ?? 0) <= state.validAfter) {
    return {
      kind: 'insufficient_claims',
      validAfter: state.validAfter,
      claims: insufficientClaims(state.validAfter + 1),
    };
  }
  return { kind: 'live' };
}

/**
 * The `claims` parameter of a claims challenge as Microsoft Entra and Graph send it (base64 of
 * `{"access_token":{"nbf":{"essential":true,"value":"<epoch seconds>"}}}`): "a token issued
 * (not before) this time". Clients pass the decoded JSON to the token request (`claims`), which
 * skips their cached token; `WWW-Authenticate: <scheme> realm="…", error="insufficient_claims",
 * claims="…"` is built by `bearerChallenge` (bearer.ts) in the scheme of the token presented.
 */
export function insufficientClaims(validAfter: number): string {
  const request = { access_token: { nbf: { essential: true, value: String(validAfter) } } };
  return Buffer.from(JSON.stringify(request), 'utf8').toString('base64');
}
