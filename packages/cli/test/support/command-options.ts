/**
 * For tests that call a command's `run(options, context)` directly: the options written by
 * hand (what `parse` would make of {@link targetArgs}), what a run threw, and the terminal's
 * escape sequences.
 */
import { readFile } from 'node:fs/promises';
import type { TargetFlags } from '../../src/config/target.js';
import { CLIENT_ID, type TestServer } from './cli-server.js';

/** The scopes of {@link targetArgs}. */
export const SCOPES = 'openid profile offline_access api://demo/read';

/** The test server's contoso tenant as {@link TargetFlags}: `targetArgs(server)` parsed, by hand. */
export function targetFlags(server: TestServer): TargetFlags {
  return { authority: `${server.url}/contoso`, clientId: CLIENT_ID, scopes: SCOPES };
}

/** The login command a hint names for {@link targetFlags}. */
export function loginCommandFor(server: TestServer): string {
  return `devicelogin login --authority ${server.url}/contoso --client-id ${CLIENT_ID} --scopes "${SCOPES}"`;
}

/** What `promise` rejected with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    return error;
  }
  throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
}

/* eslint-disable no-control-regex -- ANSI escape sequences are what these look for */
/** Any SGR escape sequence (colour, bold, dim). */
export const ANSI_STYLE = /\u001b\[[0-9;]*m/;
const ANSI_STYLE_ALL = /\u001b\[[0-9;]*m/g;
/* eslint-enable no-control-regex */

/** `text` without its SGR escape sequences. */
export function withoutStyles(text: string): string {
  return text.replace(ANSI_STYLE_ALL, '');
}

/** `text` as the CLI's style.ts writes it in bold, red, green, yellow or dim on a terminal. */
export const sgr = {
  bold: (text: string) => `\u001b[1m${text}\u001b[22m`,
  dim: (text: string) => `\u001b[2m${text}\u001b[22m`,
  red: (text: string) => `\u001b[31m${text}\u001b[39m`,
  green: (text: string) => `\u001b[32m${text}\u001b[39m`,
  yellow: (text: string) => `\u001b[33m${text}\u001b[39m`,
} as const;

/** The secrets (access, refresh, id tokens) of a plaintext token cache file's text. */
export function secretsOfCache(text: string): string[] {
  const document = JSON.parse(text) as Record<string, Record<string, { secret?: string }>>;
  return ['AccessToken', 'RefreshToken', 'IdToken'].flatMap((section) =>
    Object.values(document[section] ?? {}).map((entry) => entry.secret ?? ''),
  );
}

/** The access tokens of the token cache file at `path`. */
export async function cachedAccessTokens(path: string): Promise<string[]> {
  const document = JSON.parse(await readFile(path, 'utf8')) as { AccessToken?: Record<string, { secret: string }> };
  return Object.values(document.AccessToken ?? {}).map((entry) => entry.secret);
}
