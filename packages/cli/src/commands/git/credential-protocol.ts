/**
 * git's credential-helper protocol (git-credential(1)): `key=value` lines, ended by a blank line
 * or end of input. Multi-valued keys (`key[]=`) keep their last value here; devicelogin only
 * reads `protocol`, `host`, `path` and `username`.
 */
export function parseCredentialInput(text: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed === '') break;
    const equals = trimmed.indexOf('=');
    if (equals <= 0) continue;
    attributes.set(trimmed.slice(0, equals), trimmed.slice(equals + 1));
  }
  return attributes;
}

/** Formats attributes for git; values must not contain newlines or NUL (git refuses them). */
export function formatCredentialOutput(attributes: readonly (readonly [string, string])[]): string {
  return attributes
    .filter(([, value]) => !/[\n\0]/.test(value))
    .map(([key, value]) => `${key}=${value}\n`)
    .join('');
}
