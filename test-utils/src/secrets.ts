/**
 * Fails when any of `secrets` appears in `text` (a log, an error message, a serialised error).
 * Secrets shorter than 6 characters are refused: they would match by chance.
 */
export function assertNoSecretsIn(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (secret.length < 6) throw new Error(`secret too short to check reliably: ${secret.length} characters`);
    if (text.includes(secret)) {
      throw new Error(`a secret (${secret.slice(0, 3)}…, ${secret.length} characters) appears in the text`);
    }
  }
}

/** Everything observable about an error, as text: message, name, code, fields, causes, JSON. */
export function describeErrorFully(error: unknown): string {
  const seen = new Set<unknown>();
  const parts: string[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    if (current instanceof Error) {
      parts.push(current.name, current.message, current.stack ?? '');
      parts.push(JSON.stringify(Object.fromEntries(Object.entries(current))));
      current = (current as Error & { cause?: unknown }).cause;
    } else {
      parts.push(typeof current === 'string' ? current : JSON.stringify(current));
      break;
    }
  }
  return parts.join('\n');
}
