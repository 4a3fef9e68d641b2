/**
 * Splits a scope string as providers send it: space-separated (RFC 6749) or comma-separated
 * (GitHub). Empty entries are dropped and duplicates removed, order kept.
 */
export function parseScopes(scope: string): readonly string[] {
  return [...new Set(scope.split(/[\s,]+/).filter((s) => s !== ''))];
}

/** Joins scopes for the wire (space-separated, duplicates removed, order kept). */
export function formatScopes(scopes: Iterable<string>): string {
  return [...new Set([...scopes].flatMap((s) => parseScopes(s)))].join(' ');
}
