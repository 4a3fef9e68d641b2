/**
 * The `wait` preference of RFC 7240 (`Prefer: wait=10`), as the token endpoint's long-poll reads
 * it: the first `wait` among every `Prefer` header counts (§2: a repeated preference after the
 * first is ignored); its value must be delta-seconds (digits, optionally quoted); anything else
 * — negative, fractional, non-numeric, empty — is ignored as if absent. Other preferences
 * (`respond-async`, `return=minimal`…) are ignored.
 */

/** Preferences separated by commas outside quoted strings. */
function splitPreferences(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i += 1) {
    const char = header[i] ?? '';
    if (char === '"') quoted = !quoted;
    else if (char === '\\' && quoted) {
      current += char + (header[i + 1] ?? '');
      i += 1;
      continue;
    } else if (char === ',' && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

/** Longest header text looked at: a preference list is short; a huge header is junk. */
const MAX_HEADER_LENGTH = 1024;

/**
 * The seconds a client asked to wait, or undefined when it asked nothing usable.
 * @param header the `Prefer` request header(s), as Node gives them.
 * @example requestedWait('respond-async, wait=10') // 10
 * @see RFC 7240 §4.3
 */
export function requestedWait(header: string | readonly string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const text = (typeof header === 'string' ? header : header.join(',')).slice(0, MAX_HEADER_LENGTH);
  for (const preference of splitPreferences(text)) {
    const [token = ''] = preference.split(';');
    const equals = token.indexOf('=');
    const name = (equals === -1 ? token : token.slice(0, equals)).trim().toLowerCase();
    if (name !== 'wait') continue;
    const raw = equals === -1 ? '' : token.slice(equals + 1).trim();
    const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    // The first `wait` counts, usable or not.
    return /^\d{1,12}$/.test(value) ? Number(value) : /^\d+$/.test(value) ? Number.MAX_SAFE_INTEGER : undefined;
  }
  return undefined;
}

/**
 * The wait applied: the request's, capped at `maxSeconds` (config `longPollMaxWaitSeconds`; 0
 * disables long-poll); 0 when there is nothing to hold for.
 */
export function appliedWait(header: string | readonly string[] | undefined, maxSeconds: number): number {
  if (maxSeconds <= 0) return 0;
  const wanted = requestedWait(header);
  return wanted === undefined ? 0 : Math.min(wanted, maxSeconds);
}
