/** One challenge of a `WWW-Authenticate` header (RFC 9110 §11.6.1). */
export interface AuthChallenge {
  /** The scheme as sent (`Bearer`, `DPoP`, …); compare it case-insensitively. */
  readonly scheme: string;
  /** The auth-params, by lower-cased name; quoted values unescaped. */
  readonly parameters: ReadonlyMap<string, string>;
  /** The token68 form (`Basic abc==`), when the challenge has one instead of parameters. */
  readonly token68: string | undefined;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
/** A parameter start: `name =` (and not the `==` padding of a token68). */
const PARAMETER = /([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*=(?!=)[ \t]*/y;
const TOKEN68 = /[A-Za-z0-9\-._~+/]+=*/y;

/**
 * Parses a `WWW-Authenticate` header into its challenges, e.g.
 * `DPoP error="use_dpop_nonce", algs="ES256", Bearer realm="api"` → two challenges. Lenient:
 * what follows a malformed part is dropped, never guessed.
 * @see RFC 9110 §11.6.1, RFC 6750 §3, RFC 9449 §7.1
 */
export function parseWwwAuthenticate(header: string | null | undefined): AuthChallenge[] {
  const challenges: { scheme: string; parameters: Map<string, string>; token68: string | undefined }[] = [];
  if (header === null || header === undefined) return challenges;
  const text = header;
  let at = 0;
  const skip = (chars: string): void => {
    while (at < text.length && chars.includes(text[at]!)) at += 1;
  };
  const match = (pattern: RegExp): RegExpExecArray | null => {
    pattern.lastIndex = at;
    const found = pattern.exec(text);
    if (found !== null) at = pattern.lastIndex;
    return found;
  };
  const quoted = (): string | undefined => {
    let value = '';
    for (at += 1; at < text.length; at += 1) {
      const char = text[at]!;
      if (char === '"') {
        at += 1;
        return value;
      }
      if (char === '\\') at += 1;
      if (at < text.length) value += text[at];
    }
    return undefined; // unterminated
  };

  for (;;) {
    skip(' \t,');
    if (at >= text.length) break;
    const current = challenges.at(-1);
    const parameter = current === undefined ? null : match(PARAMETER);
    if (parameter !== null && current !== undefined) {
      const value = text[at] === '"' ? quoted() : match(TOKEN)?.[0];
      if (value === undefined) break;
      current.parameters.set(parameter[1]!.toLowerCase(), value);
      continue;
    }
    const scheme = match(TOKEN)?.[0];
    if (scheme === undefined) break;
    const challenge = { scheme, parameters: new Map<string, string>(), token68: undefined as string | undefined };
    challenges.push(challenge);
    const beforeSpace = at;
    skip(' \t');
    if (at === beforeSpace || at >= text.length || text[at] === ',') continue;
    PARAMETER.lastIndex = at;
    if (PARAMETER.test(text)) continue;
    const token68 = match(TOKEN68);
    if (token68 === null) break;
    challenge.token68 = token68[0];
  }
  return challenges.map((c) => Object.freeze(c));
}

/** The first challenge with this scheme (case-insensitive), if any. */
export function findChallenge(challenges: readonly AuthChallenge[], scheme: string): AuthChallenge | undefined {
  const wanted = scheme.toLowerCase();
  return challenges.find((c) => c.scheme.toLowerCase() === wanted);
}
