/**
 * The claims challenge of a `401` (Continuous Access Evaluation, as Microsoft Graph sends it):
 * `WWW-Authenticate: Bearer realm="", error="insufficient_claims", claims="<base64 JSON>"`.
 * Returns the claims request as JSON text, or undefined when the header has none.
 */
export function claimsChallenge(header: string | null): string | undefined {
  if (header === null) return undefined;
  const bearer = /(?:^|,)\s*Bearer\s+(.*)$/is.exec(header)?.[1];
  if (bearer === undefined) return undefined;
  const parameters = new Map<string, string>();
  for (const match of bearer.matchAll(/([A-Za-z_][\w-]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    const [, name, value] = match;
    if (name !== undefined && value !== undefined) parameters.set(name.toLowerCase(), value.replace(/\\(.)/g, '$1'));
  }
  const encoded = parameters.get('claims');
  if (encoded === undefined || encoded === '') return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  try {
    JSON.parse(decoded);
    return decoded;
  } catch {
    return undefined;
  }
}
