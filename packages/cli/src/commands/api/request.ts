import { readFile } from 'node:fs/promises';
import type { CliContext } from '../../context.js';
import { UsageError } from '../../errors.js';

/** The request of `devicelogin api`, before the token is added. */
export interface ApiRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly (readonly [string, string])[];
  /** `-d`: text, `@file`, or `@-` for stdin. */
  readonly data: string | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The absolute URL: a path (`/api/me`) is resolved against the authority's origin. A bearer
 * token is sent only over https, or plain http to a loopback host.
 * @throws {UsageError} not a URL, or plain http to another host.
 */
export function resolveApiUrl(url: string, authority: string): URL {
  const resolved = url.startsWith('/')
    ? new URL(url, new URL(authority).origin)
    : URL.canParse(url)
      ? new URL(url)
      : undefined;
  if (resolved === undefined || !/^https?:$/.test(resolved.protocol)) {
    throw new UsageError(
      `"${url}" is not an http(s) URL or a path.`,
      'Example: devicelogin api https://graph.microsoft.com/v1.0/me',
    );
  }
  if (resolved.protocol === 'http:' && !LOOPBACK.has(resolved.hostname)) {
    throw new UsageError(`Refusing to send a bearer token over plain http to ${resolved.host}.`, 'Use https.');
  }
  return resolved;
}

/** Parses `-H "Name: value"`. */
export function parseHeader(line: string): [string, string] {
  const colon = line.indexOf(':');
  const name = colon === -1 ? '' : line.slice(0, colon).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`-H "${line}" is not "Name: value".`);
  if (name.toLowerCase() === 'authorization' || name.toLowerCase() === 'dpop') {
    throw new UsageError(`-H ${name} is not allowed: devicelogin adds the token (and its DPoP proof) itself.`);
  }
  return [name, line.slice(colon + 1).trim()];
}

/** The body of `-d`: the text, a file's content (`@path`) or stdin (`@-`). */
export async function readData(data: string | undefined, context: CliContext): Promise<string | undefined> {
  if (data === undefined || !data.startsWith('@')) return data;
  if (data === '@-') return context.io.readStdin();
  try {
    return await readFile(data.slice(1), 'utf8');
  } catch {
    throw new UsageError(`Cannot read ${data.slice(1)} (for -d ${data}).`);
  }
}

/** `Content-Type` for a body without one: JSON when it looks like JSON, else a form (curl's default). */
export function defaultContentType(body: string): string {
  return /^\s*[[{]/.test(body) ? 'application/json' : 'application/x-www-form-urlencoded';
}
