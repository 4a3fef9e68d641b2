import { parseWwwAuthenticate } from '@devicelogin/protocol';

/** The schemes whose challenges can carry a claims challenge: Bearer (RFC 6750) and DPoP (RFC 9449 §7.1). */
const SCHEMES: ReadonlySet<string> = new Set(['bearer', 'dpop']);

/**
 * The claims challenge of a `401` (Continuous Access Evaluation, as Microsoft Graph sends it):
 * `WWW-Authenticate: Bearer realm="", error="insufficient_claims", claims="<base64 JSON>"`, or
 * the same parameters in a `DPoP` challenge for a DPoP-bound token. Returns the claims request
 * as JSON text, or undefined when the header has none.
 */
export function claimsChallenge(header: string | null): string | undefined {
  for (const challenge of parseWwwAuthenticate(header)) {
    if (!SCHEMES.has(challenge.scheme.toLowerCase())) continue;
    const encoded = challenge.parameters.get('claims');
    if (encoded === undefined || encoded === '') continue;
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    try {
      JSON.parse(decoded);
      return decoded;
    } catch {
      continue;
    }
  }
  return undefined;
}

/**
 * Whether a `401` says the token itself is no good (`error="invalid_token"` in a Bearer or DPoP
 * challenge): revoked at the server (a devicelogin server's `approvals revoke` / `users revoke`),
 * or otherwise refused before its expiry.
 */
export function invalidTokenChallenge(header: string | null): boolean {
  return parseWwwAuthenticate(header).some(
    (challenge) =>
      SCHEMES.has(challenge.scheme.toLowerCase()) &&
      challenge.parameters.get('error')?.toLowerCase() === 'invalid_token',
  );
}
